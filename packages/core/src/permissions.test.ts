import { describe, expect, it } from 'vitest';
import type { Identity } from './schemes/authenticator.ts';
import { PermissionDenied } from './errors.ts';
import {
  allOf,
  allowAny,
  anyOf,
  hasScopes,
  isAdminUser,
  isAuthenticated,
  isAuthenticatedOrReadOnly,
  not,
  type Permission,
} from './permissions.ts';
import type { TokenRecord } from './tokens/token-store.ts';
import { request } from './test-support.ts';

const user = { id: '1', username: 'alice', isActive: true, isStaff: false };
const staff = { ...user, isStaff: true };
const anonymous: Identity = { user: null, auth: null, scheme: null };
const signedIn: Identity = { user, auth: null, scheme: 'basic' };
const admin: Identity = { user: staff, auth: null, scheme: 'basic' };
const withScopes = (...scopes: string[]): Identity => ({
  user,
  scheme: 'token',
  auth: { scopes } as unknown as TokenRecord,
});

const check = async (permission: Permission, identity: Identity, method = 'GET') =>
  permission(request({}, method), identity);

describe('permissions', () => {
  it('AllowAny allows everyone', async () => {
    expect(await check(allowAny, anonymous)).toBe(true);
  });

  it('IsAuthenticated allows only authenticated users', async () => {
    expect(await check(isAuthenticated, anonymous)).toBe(false);
    expect(await check(isAuthenticated, signedIn)).toBe(true);
  });

  it('IsAdminUser allows only staff', async () => {
    expect(await check(isAdminUser, signedIn)).toBe(false);
    expect(await check(isAdminUser, admin)).toBe(true);
  });

  it('IsAuthenticatedOrReadOnly lets anyone read and only users write', async () => {
    for (const method of ['GET', 'HEAD', 'OPTIONS']) expect(await check(isAuthenticatedOrReadOnly, anonymous, method)).toBe(true);
    for (const method of ['POST', 'PUT', 'PATCH', 'DELETE']) {
      expect(await check(isAuthenticatedOrReadOnly, anonymous, method)).toBe(false);
      expect(await check(isAuthenticatedOrReadOnly, signedIn, method)).toBe(true);
    }
  });

  it('hasScopes needs every scope on the token, and names them when denying', async () => {
    expect(await check(hasScopes('read'), withScopes('read', 'write'))).toBe(true);
    expect(await check(hasScopes('read', 'write'), withScopes('read', 'write'))).toBe(true);
    const denial = await check(hasScopes('read', 'admin'), withScopes('read'));
    expect(denial).toBeInstanceOf(PermissionDenied);
    expect((denial as PermissionDenied).scopes).toEqual(['read', 'admin']);
  });

  it('hasScopes denies requests authenticated without a token: scopes never fail open', async () => {
    expect(await check(hasScopes('read'), signedIn)).toBeInstanceOf(PermissionDenied);
    expect(await check(hasScopes('read'), anonymous)).toBeInstanceOf(PermissionDenied);
    expect(() => hasScopes()).toThrow(RangeError);
  });

  it('composes with allOf (&), anyOf (|) and not (~)', async () => {
    expect(await check(allOf(isAuthenticated, isAdminUser), admin)).toBe(true);
    expect(await check(allOf(isAuthenticated, isAdminUser), signedIn)).toBeInstanceOf(PermissionDenied);
    expect(await check(anyOf(isAdminUser, hasScopes('read')), withScopes('read'))).toBe(true);
    expect(await check(anyOf(isAdminUser, isAuthenticated), anonymous)).toBeInstanceOf(PermissionDenied);
    expect(await check(not(isAuthenticated), anonymous)).toBe(true);
    expect(await check(not(isAuthenticated), signedIn)).toBe(false);
  });

  it('keeps the first denial\'s detail when composed', async () => {
    const tuesdays: Permission = () => new PermissionDenied('Only on Tuesdays.');
    const denial = await check(allOf(allowAny, tuesdays, isAdminUser), signedIn);
    expect((denial as PermissionDenied).detail).toBe('Only on Tuesdays.');
  });
});
