import { decodeJwt, decodeProtectedHeader } from 'jose';
import { describe, expect, it, vi } from 'vitest';
import { createJwtService, digestRefreshToken, type JwtServiceOptions } from './jwt-service.ts';
import { createKeySet, generateSigningKey } from './keys.ts';
import { MemoryRefreshTokenStore } from './memory-refresh-token-store.ts';

const alice = { id: 'u-alice', username: 'alice', isActive: true, isStaff: false };
const findAlice = async (id: string) => (id === alice.id ? alice : null);
const secret = 'a-test-secret-of-at-least-thirty-two-bytes!';

function setup(overrides: Partial<JwtServiceOptions> = {}) {
  let time = 1_750_000_000_000;
  const clock = { now: () => time, advance: (ms: number) => (time += ms) };
  const store = new MemoryRefreshTokenStore();
  const keys = createKeySet({ keys: [{ kid: 'k1', alg: 'HS256', secret }] });
  const jwt = createJwtService({ keys, refreshTokens: store, now: clock.now, ...overrides });
  return { jwt, store, clock, keys };
}

describe('issuing a pair', () => {
  it('gives simplejwt\'s claims: token_type, exp, iat, jti, user_id; kid in the header', async () => {
    const { jwt } = setup();
    const { access, refresh } = await jwt.issuePair(alice, { scopes: ['read', 'write'] });
    expect(decodeProtectedHeader(access)).toEqual({ alg: 'HS256', kid: 'k1', typ: 'JWT' });
    const claims = decodeJwt(access);
    expect(claims).toMatchObject({ token_type: 'access', user_id: 'u-alice', scope: 'read write', iat: 1_750_000_000, exp: 1_750_000_300 });
    expect(claims.jti).toMatch(/^[0-9a-f]{32}$/);
    expect(decodeJwt(refresh)).toMatchObject({ token_type: 'refresh', user_id: 'u-alice', exp: 1_750_086_400, sid: claims.sid });
  });

  it('stores the refresh token only as its SHA-256 digest', async () => {
    const { jwt, store } = setup();
    const insert = vi.spyOn(store, 'insert');
    const { refresh } = await jwt.issuePair(alice);
    const stored = insert.mock.calls[0]![0];
    expect(stored.digest).toBe(digestRefreshToken(refresh));
    expect(JSON.stringify(stored)).not.toContain(refresh);
    expect(JSON.stringify(stored)).not.toContain(refresh.split('.')[2]);
  });

  it('refuses contradictory options at construction', () => {
    const store = new MemoryRefreshTokenStore();
    const keys = createKeySet({ keys: [{ kid: 'k1', alg: 'HS256', secret }] });
    expect(() => createJwtService({ keys, refreshTokens: store, accessTtl: 0 })).toThrow(RangeError);
    expect(() => createJwtService({ keys, refreshTokens: store, accessTtl: 10, refreshTtl: 5 })).toThrow(RangeError);
    expect(() => createJwtService({ keys, refreshTokens: store, leeway: -1 })).toThrow(RangeError);
    expect(() => createJwtService({ keys } as never)).toThrow(TypeError);
  });
});

describe('verifying access tokens', () => {
  it('expires at exp, with the leeway', async () => {
    const { jwt, clock } = setup({ leeway: 30_000 });
    const { access } = await jwt.issuePair(alice);
    clock.advance(300_000 + 29_000);
    expect((await jwt.verifyAccess(access)).ok).toBe(true);
    clock.advance(2_000);
    expect(await jwt.verifyAccess(access)).toEqual({ ok: false, message: 'Token is expired' });
  });

  it('refuses an iat in the future beyond the leeway', async () => {
    const { jwt, clock } = setup({ leeway: 5_000 });
    const { access } = await jwt.issuePair(alice);
    clock.advance(-4_000);
    expect((await jwt.verifyAccess(access)).ok).toBe(true);
    clock.advance(-2_000);
    expect(await jwt.verifyAccess(access)).toEqual({ ok: false, message: 'Token is invalid' });
  });

  it('checks iss and aud when configured', async () => {
    const { jwt: ours } = setup({ issuer: 'https://a.test', audience: 'api-a' });
    const { jwt: theirs } = setup({ issuer: 'https://a.test', audience: 'api-b' });
    const { access } = await theirs.issuePair(alice);
    expect(await ours.verifyAccess(access)).toEqual({ ok: false, message: 'Token is invalid' });
    expect((await ours.verifyAccess((await ours.issuePair(alice)).access)).ok).toBe(true);
  });

  it('gives a grant: jti, scopes, expiry', async () => {
    const { jwt } = setup();
    const { access } = await jwt.issuePair(alice, { scopes: ['read'] });
    const checked = await jwt.verifyAccess(access);
    expect(checked.ok && checked.grant).toEqual({ id: decodeJwt(access).jti, scopes: ['read'], expiresAt: 1_750_000_300_000 });
  });
});

describe('refresh rotation', () => {
  it('rotates on every refresh: new pair, same family, scopes carried, the old refresh token spent', async () => {
    const { jwt, clock } = setup();
    const first = await jwt.issuePair(alice, { scopes: ['read'], claims: { tenant: 't1' } });
    clock.advance(60_000);
    const rotated = await jwt.refresh(first.refresh, findAlice);
    if (!rotated.ok) throw new Error('refresh failed');
    expect(rotated.pair.refresh).not.toBe(first.refresh);
    const claims = decodeJwt(rotated.pair.access);
    expect(claims).toMatchObject({ sid: decodeJwt(first.refresh).sid, scope: 'read', tenant: 't1', user_id: 'u-alice', iat: 1_750_000_060 });
    expect(decodeJwt(rotated.pair.refresh).exp).toBe(1_750_000_060 + 86_400);
    expect((await jwt.verifyAccess(rotated.pair.access)).ok).toBe(true);
  });

  it('reuse of a rotated refresh token revokes the whole family and fires the hook', async () => {
    const onRefreshReuse = vi.fn();
    const { jwt } = setup({ onRefreshReuse });
    const first = await jwt.issuePair(alice);
    const second = await jwt.refresh(first.refresh, findAlice);
    if (!second.ok) throw new Error('refresh failed');

    expect(await jwt.refresh(first.refresh, findAlice)).toEqual({ ok: false, message: 'Token is blacklisted' });
    expect(onRefreshReuse).toHaveBeenCalledExactlyOnceWith({ userId: 'u-alice', familyId: decodeJwt(first.refresh).sid });
    // The thief's (or the client's) newer tokens die with the family, access tokens included.
    expect(await jwt.refresh(second.pair.refresh, findAlice)).toEqual({ ok: false, message: 'Token is blacklisted' });
    expect(await jwt.verifyAccess(second.pair.access)).toEqual({ ok: false, message: 'Token is blacklisted' });
    expect(await jwt.verifyAccess(first.access)).toEqual({ ok: false, message: 'Token is blacklisted' });
    // Other logins of the same user are another family and stay.
    const other = await jwt.issuePair(alice);
    expect((await jwt.verifyAccess(other.access)).ok).toBe(true);
  });

  it('two concurrent refreshes with one token: exactly one wins', async () => {
    const onRefreshReuse = vi.fn();
    const { jwt } = setup({ onRefreshReuse });
    const { refresh } = await jwt.issuePair(alice);
    const results = await Promise.all([jwt.refresh(refresh, findAlice), jwt.refresh(refresh, findAlice)]);
    expect(results.filter((r) => r.ok)).toHaveLength(1);
    expect(results.filter((r) => !r.ok)).toEqual([{ ok: false, message: 'Token is blacklisted' }]);
    // The loser presented a spent token: that is reuse, and the family goes (RFC 9700 §4.14.2).
    expect(onRefreshReuse).toHaveBeenCalledOnce();
  });

  it('a refresh token whose user is gone or inactive revokes the family', async () => {
    const { jwt } = setup();
    const { refresh, access } = await jwt.issuePair(alice);
    expect(await jwt.refresh(refresh, async () => ({ ...alice, isActive: false }))).toEqual({ ok: false, inactive: true });
    expect(await jwt.verifyAccess(access)).toEqual({ ok: false, message: 'Token is blacklisted' });
  });

  it('an access token is not a refresh token, and an unknown refresh token is invalid', async () => {
    const { jwt } = setup();
    const { access } = await jwt.issuePair(alice);
    expect(await jwt.refresh(access, findAlice)).toEqual({ ok: false, message: 'Token has wrong type' });
    const { jwt: elsewhere } = setup();
    const foreign = await elsewhere.issuePair(alice);
    expect(await jwt.refresh(foreign.refresh, findAlice)).toEqual({ ok: false, message: 'Token is invalid' });
  });
});

describe('revocation', () => {
  it('blacklist (logout) stops the refresh token and its access tokens at once', async () => {
    const { jwt } = setup();
    const pair = await jwt.issuePair(alice);
    expect(await jwt.blacklist(pair.refresh)).toEqual({ ok: true });
    expect(await jwt.verifyAccess(pair.access)).toEqual({ ok: false, message: 'Token is blacklisted' });
    expect(await jwt.blacklist(pair.refresh)).toEqual({ ok: false, message: 'Token is blacklisted' });
    expect(await jwt.verify(pair.refresh)).toEqual({ ok: false, message: 'Token is blacklisted', blacklisted: true });
  });

  it('logout-all (revokeUser) stops every family of the user, and no one else\'s', async () => {
    const { jwt } = setup();
    const bob = { ...alice, id: 'u-bob', username: 'bob' };
    const phone = await jwt.issuePair(alice);
    const laptop = await jwt.issuePair(alice);
    const bobs = await jwt.issuePair(bob);
    expect(await jwt.revokeUser(alice.id)).toHaveLength(2);
    for (const pair of [phone, laptop]) {
      expect(await jwt.verifyAccess(pair.access)).toEqual({ ok: false, message: 'Token is blacklisted' });
      expect(await jwt.refresh(pair.refresh, findAlice)).toEqual({ ok: false, message: 'Token is blacklisted' });
    }
    expect((await jwt.verifyAccess(bobs.access)).ok).toBe(true);
    // A login after logout-all is a new family and works.
    expect((await jwt.verifyAccess((await jwt.issuePair(alice)).access)).ok).toBe(true);
  });

  it('another instance learns a revocation within the interval, with one store query per interval', async () => {
    const { jwt: here, store, clock, keys } = setup();
    const there = createJwtService({ keys, refreshTokens: store, now: clock.now, revocationInterval: 10_000 });
    const pair = await here.issuePair(alice);
    const polls = vi.spyOn(store, 'revokedFamilies');
    expect((await there.verifyAccess(pair.access)).ok).toBe(true);
    expect(polls).toHaveBeenCalledTimes(1);

    await here.revokeUser(alice.id);
    clock.advance(9_999);
    for (let i = 0; i < 50; i++) expect((await there.verifyAccess(pair.access)).ok).toBe(true);
    expect(polls).toHaveBeenCalledTimes(1);
    clock.advance(1);
    expect(await there.verifyAccess(pair.access)).toEqual({ ok: false, message: 'Token is blacklisted' });
    expect(polls).toHaveBeenCalledTimes(2);
  });

  it('concurrent requests share one poll (single flight), and a failing poll fails closed', async () => {
    const { jwt, store } = setup();
    const pair = await jwt.issuePair(alice);
    const polls = vi.spyOn(store, 'revokedFamilies');
    await Promise.all(Array.from({ length: 20 }, () => jwt.verifyAccess(pair.access)));
    expect(polls).toHaveBeenCalledTimes(1);

    const { jwt: broken, store: brokenStore } = setup({ revocationInterval: 0 });
    const brokenPair = await broken.issuePair(alice);
    vi.spyOn(brokenStore, 'revokedFamilies').mockRejectedValue(new Error('store down'));
    await expect(broken.verifyAccess(brokenPair.access)).rejects.toThrow('store down');
  });
});

describe('keys', () => {
  it('a new key signs while the old one still verifies its tokens', async () => {
    const store = new MemoryRefreshTokenStore();
    const oldKey = await generateSigningKey('EdDSA');
    const newKey = await generateSigningKey('ES256');
    const before = createJwtService({ keys: createKeySet({ keys: [{ kid: 'old', alg: 'EdDSA', privateJwk: oldKey }] }), refreshTokens: store });
    const oldToken = (await before.issuePair(alice)).access;
    const after = createJwtService({
      keys: createKeySet({ keys: [{ kid: 'new', alg: 'ES256', privateJwk: newKey }, { kid: 'old', alg: 'EdDSA', privateJwk: oldKey }] }),
      refreshTokens: store,
    });
    const newToken = (await after.issuePair(alice)).access;
    expect(decodeProtectedHeader(newToken)).toMatchObject({ alg: 'ES256', kid: 'new' });
    expect((await after.verifyAccess(oldToken)).ok).toBe(true);
    expect((await after.verifyAccess(newToken)).ok).toBe(true);
    expect((await before.verifyAccess(newToken)).ok).toBe(false);
  });
});
