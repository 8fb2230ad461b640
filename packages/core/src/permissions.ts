/**
 * DRF's permission classes as functions. A permission answers true (allow), false (deny
 * with DRF's default message) or a `PermissionDenied` (deny with its own detail and, for
 * scope checks, the scopes that would have allowed it).
 *
 * Whatever a permission answers for an anonymous caller, a denial becomes 401 "not
 * authenticated" (DRF's rule); for an authenticated one it is 403.
 */
import type { Identity } from './schemes/authenticator.ts';
import { PermissionDenied } from './errors.ts';
import type { AuthUser } from './users/user-store.ts';

/** What a permission answers. */
export type PermissionVerdict = boolean | PermissionDenied;

/** Decides whether a request may proceed. May be async; a throw is answered 503. */
export type Permission<U extends AuthUser = AuthUser> = (
  request: Request,
  identity: Identity<U>,
) => PermissionVerdict | Promise<PermissionVerdict>;

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** True for GET, HEAD and OPTIONS (DRF's SAFE_METHODS). */
export function isSafeMethod(request: Request): boolean {
  return SAFE_METHODS.has(request.method);
}

/** Everyone, authenticated or not. */
export const allowAny: Permission = () => true;

/** Authenticated users only. */
export const isAuthenticated: Permission = (_request, identity) => identity.user !== null;

/** Staff users only (DRF's IsAdminUser checks `is_staff`). */
export const isAdminUser: Permission = (_request, identity) => identity.user?.isStaff === true;

/** Anyone may read (GET, HEAD, OPTIONS); only authenticated users may write. */
export const isAuthenticatedOrReadOnly: Permission = (request, identity) =>
  isSafeMethod(request) || identity.user !== null;

/**
 * The request was authenticated by a token granted every one of `scopes`. Requests
 * authenticated without a token record (Basic, remote user) hold no scopes and are denied:
 * scopes restrict tokens, and a check that fails open would grant what no token was given.
 */
export function hasScopes(...scopes: string[]): Permission {
  if (scopes.length === 0) throw new RangeError('hasScopes needs at least one scope');
  return (_request, identity) => {
    const granted = identity.auth?.scopes ?? [];
    return scopes.every((scope) => granted.includes(scope)) || new PermissionDenied(undefined, scopes);
  };
}

async function judge<U extends AuthUser>(
  permission: Permission<U>,
  request: Request,
  identity: Identity<U>,
): Promise<PermissionDenied | null> {
  return denialOf(await permission(request, identity));
}

/** A permission's verdict as a denial: null when it allows, `PermissionDenied` for `false`. */
export function denialOf(verdict: PermissionVerdict): PermissionDenied | null {
  if (verdict === true) return null;
  return verdict === false ? new PermissionDenied() : verdict;
}

/** Allows when every permission allows (DRF's `&`); the first denial is the answer. */
export function allOf<U extends AuthUser>(...permissions: Permission<U>[]): Permission<U> {
  return async (request, identity) => (await firstDenial(permissions, request, identity)) ?? true;
}

/** Allows when any permission allows (DRF's `|`); if none does, the first denial is the answer. */
export function anyOf<U extends AuthUser>(...permissions: Permission<U>[]): Permission<U> {
  return async (request, identity) => {
    let first: PermissionDenied | null = null;
    for (const permission of permissions) {
      const denial = await judge(permission, request, identity);
      if (!denial) return true;
      first ??= denial;
    }
    return first ?? false;
  };
}

/** Allows when `permission` denies (DRF's `~`). */
export function not<U extends AuthUser>(permission: Permission<U>): Permission<U> {
  return async (request, identity) => (await judge(permission, request, identity)) !== null;
}

/** Runs permissions in order; the first denial, or null when all allow. */
export async function firstDenial<U extends AuthUser>(
  permissions: readonly Permission<U>[],
  request: Request,
  identity: Identity<U>,
): Promise<PermissionDenied | null> {
  for (const permission of permissions) {
    const denial = await judge(permission, request, identity);
    if (denial) return denial;
  }
  return null;
}
