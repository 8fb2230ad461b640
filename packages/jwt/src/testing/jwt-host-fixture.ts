/**
 * The JWT app, described once, that every host rebuilds (Node, Bun, Deno, workerd) and
 * checks against one table: the same request must get simplejwt's same status, challenge
 * and body everywhere.
 *
 * Everything is deterministic (fixed keys for tests only, a fixed clock, seeded
 * randomness, and Ed25519 and HMAC signatures, which are deterministic), so the fixture
 * built inside workerd holds the same tokens as the one built by the test runner.
 */
import { allowAny, createLatchkey, hasScopes, type Identity, jsonResponse, type MemoryUser, MemoryUserStore } from '@latchkey/core';
import { type HostRoute, seededRandomBytes } from '@latchkey/core/testing';
import { base64url, importJWK, SignJWT } from 'jose';
import { jwtAuth, tokenUser } from '../jwt-auth.ts';
import { createJwtService, type JwtService } from '../jwt-service.ts';
import { createKeySet, type KeyInput } from '../keys.ts';
import { MemoryRefreshTokenStore } from '../memory-refresh-token-store.ts';

/** Test keys, public in this repository: never use them for anything else. */
const ED_KEY = { crv: 'Ed25519', kty: 'OKP', x: 'lpQn8z8b4sySeQbkA5NNMPy7zLx0iYO-DgDWmrRBpTE', d: 'xGiNSos8PqHBTT3F_fOplUyfwtuaa2WNDUX9O4qk3Hc' };
const STRANGER_KEY = { crv: 'Ed25519', kty: 'OKP', x: 'ZEqyvtyJBxKt0_AU8j9Y3TVvcyCJRomLEdCx3MytuDQ', d: 'EyBqvvXldJQSAr_MFg3PG-L0AEl8uv3GEqePtArzdM4' };
const HS_SECRET = 'latchkey-host-fixture-hs256-secret-not-for-production';

/** The fixture's clock. */
export const JWT_FIXTURE_NOW = 1_750_000_000_000;
/** The fixture's issuer. */
export const JWT_FIXTURE_ISSUER = 'https://latchkey.test';

/** The tokens the fixture made, by what they are for. */
export interface JwtFixtureTokens {
  /** alice, EdDSA, scope "read". */
  readonly alice: string;
  /** alice, HS256 (the second key verifies), scopes "read write". */
  readonly aliceWriter: string;
  /** bob (staff), with a `username` claim for the stateless route. */
  readonly bob: string;
  /** carol, inactive. */
  readonly carol: string;
  /** a user id nobody has. */
  readonly ghost: string;
  /** alice's, expired ten minutes ago. */
  readonly expired: string;
  /** alice's refresh token, presented as an access token. */
  readonly refresh: string;
  /** alice's access token whose refresh token was blacklisted (logout). */
  readonly loggedOut: string;
  /** alice's, one signature byte changed. */
  readonly tampered: string;
  /** signed by a key the server does not know, under a `kid` it does. */
  readonly stranger: string;
  /** `alg: "none"`, unsigned. */
  readonly none: string;
  /** HS256 with the EdDSA key's public bytes as secret, under the EdDSA `kid` (algorithm confusion). */
  readonly confused: string;
  /** properly signed, with no `user_id` claim. */
  readonly noUser: string;
  /** properly signed, from another issuer. */
  readonly otherIssuer: string;
  /** properly signed, not valid before an hour from now. */
  readonly notYet: string;
}

/** The JWT fixture every host mounts. */
export interface JwtHostFixture {
  readonly jwt: JwtService;
  readonly users: MemoryUserStore;
  readonly tokens: JwtFixtureTokens;
  /** Mount each route (GET and POST) with its pipeline and `respond` as the handler. */
  readonly routes: readonly HostRoute[];
  /** The handler behind every route: echoes who was authenticated, and the grant's scopes. */
  respond(identity: Identity<MemoryUser>): Response;
}

/** Builds the JWT fixture: users alice, bob (staff), carol (inactive), their tokens, the routes. */
export async function createJwtHostFixture(): Promise<JwtHostFixture> {
  const now = () => JWT_FIXTURE_NOW;
  const users = new MemoryUserStore({ now });
  const alice = (await users.createUser({ username: 'alice', passwordHash: null }))!;
  const bob = (await users.createUser({ username: 'bob', passwordHash: null, isStaff: true }))!;
  const carol = (await users.createUser({ username: 'carol', passwordHash: null, isActive: false }))!;

  const keys: KeyInput[] = [
    { kid: 'ed-2026', alg: 'EdDSA', privateJwk: ED_KEY },
    { kid: 'hs-2026', alg: 'HS256', secret: HS_SECRET },
  ];
  const refreshTokens = new MemoryRefreshTokenStore();
  const service = (signingKid: string, clock = now) =>
    createJwtService({
      keys: createKeySet({ keys, signingKid }),
      refreshTokens,
      issuer: JWT_FIXTURE_ISSUER,
      now: clock,
      randomBytes: seededRandomBytes(`jwt-${signingKid}-${clock()}`),
    });
  const jwt = service('ed-2026');
  const hs = service('hs-2026');
  const past = service('ed-2026', () => JWT_FIXTURE_NOW - 10 * 60_000);

  const ed = await importJWK({ ...ED_KEY, alg: 'EdDSA' }, 'EdDSA');
  const stranger = await importJWK({ ...STRANGER_KEY, alg: 'EdDSA' }, 'EdDSA');
  const seconds = Math.floor(JWT_FIXTURE_NOW / 1000);
  const claims = { token_type: 'access', jti: 'f'.repeat(32), user_id: alice.id, iss: JWT_FIXTURE_ISSUER, iat: seconds, exp: seconds + 300 };
  const signed = (payload: Record<string, unknown>, key: Parameters<SignJWT['sign']>[0], header: { alg: string; kid: string }) =>
    new SignJWT(payload).setProtectedHeader({ ...header, typ: 'JWT' }).sign(key);
  const encode = (value: unknown) => base64url.encode(JSON.stringify(value));

  const alicePair = await jwt.issuePair(alice, { scopes: ['read'] });
  const loggedOut = await jwt.issuePair(alice, { scopes: ['read'] });
  await jwt.blacklist(loggedOut.refresh);
  const [head, body, signature] = alicePair.access.split('.') as [string, string, string];
  const flipped = signature.slice(0, 10) + (signature[10] === 'A' ? 'B' : 'A') + signature.slice(11);
  const { x } = ED_KEY;

  const tokens: JwtFixtureTokens = {
    alice: alicePair.access,
    aliceWriter: (await hs.issuePair(alice, { scopes: ['read', 'write'] })).access,
    bob: (await jwt.issuePair(bob, { claims: { username: 'bob', is_staff: true } })).access,
    carol: (await jwt.issuePair(carol)).access,
    ghost: (await jwt.issuePair({ id: '999', username: 'ghost', isActive: true, isStaff: false })).access,
    expired: (await past.issuePair(alice)).access,
    refresh: alicePair.refresh,
    loggedOut: loggedOut.access,
    tampered: `${head}.${body}.${flipped}`,
    stranger: await signed(claims, stranger, { alg: 'EdDSA', kid: 'ed-2026' }),
    none: `${encode({ alg: 'none', kid: 'ed-2026', typ: 'JWT' })}.${encode(claims)}.`,
    confused: await signed(claims, base64url.decode(x), { alg: 'HS256', kid: 'ed-2026' }),
    noUser: await signed({ ...claims, user_id: undefined }, ed, { alg: 'EdDSA', kid: 'ed-2026' }),
    otherIssuer: await signed({ ...claims, iss: 'https://elsewhere.test' }, ed, { alg: 'EdDSA', kid: 'ed-2026' }),
    notYet: await signed({ ...claims, nbf: seconds + 3600 }, ed, { alg: 'EdDSA', kid: 'ed-2026' }),
  };

  const base = createLatchkey<MemoryUser>({ authenticators: [jwtAuth({ jwt, users })], onError: () => {} });
  const stateless = jwtAuth<MemoryUser>({ jwt, name: 'jwt-stateless', userFromClaims: (c, id) => ({ ...tokenUser(c, id), email: null, emailVerifiedAt: null, createdAt: 0 }) });
  const routes: HostRoute[] = [
    { path: '/jwt', latchkey: base },
    { path: '/jwt-public', latchkey: base.with({ permissions: [allowAny] }) },
    { path: '/jwt-scoped', latchkey: base.with({ permissions: [hasScopes('write')] }) },
    { path: '/jwt-stateless', latchkey: base.with({ authenticators: [stateless] }) },
  ];
  return {
    jwt,
    users,
    tokens,
    routes,
    respond: (identity) =>
      jsonResponse({ user: identity.user?.username ?? null, scheme: identity.scheme, scopes: identity.auth?.scopes ?? null }),
  };
}
