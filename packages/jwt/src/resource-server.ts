/**
 * Resource-server mode: accept access tokens that an external OAuth 2.0 / OIDC provider
 * issued (Auth0, Keycloak, Clerk, Django OAuth Toolkit with OIDC), verified against the
 * provider's published JWKS.
 *
 * - `issuer`, `audience` and `algorithms` are pinned by configuration; the token's own `alg`
 *   only selects among them, so `alg: "none"` and HS256-signed-with-the-public-key
 *   (algorithm confusion) never verify.
 * - The JWKS is fetched by jose's remote key set: cached for `cacheMaxAge`, refetched for an
 *   unknown `kid` at most once per `cooldown` (so a flood of made-up `kid`s cannot make the
 *   server hammer the provider), one fetch at a time.
 * - Workers isolates are short-lived and would refetch on every cold start: `jwksCache`
 *   (KV, a Durable Object, any store) is read once per isolate and written when the set was
 *   refetched.
 * - A provider that cannot be reached (or answers garbage) is a 503, never a 200 and never
 *   a 401 that would make clients drop good tokens.
 */
import { type AuthUser, type Authenticator, fail, skip, success } from '@latchkey/core';
import { createRemoteJWKSet, type ExportedJWKSCache, jwksCache as JWKS_CACHE, type JWTPayload } from 'jose';
import { assertRealm, bearerChallenge, readBearer } from './bearer.ts';
import { BAD_AUTHORIZATION_HEADER, NO_USER_ID, notValidForAnyType } from './simplejwt-errors.ts';
import type { AsymmetricAlgorithm } from './keys.ts';
import { scopesOf, verifyJwt } from './verify-jwt.ts';

/** Where a remote JWKS is kept between isolates (Workers KV, a Durable Object…). */
export interface JwksCacheStore {
  /** The last saved set, or null. Only trusted code may write it: its keys are trusted. */
  get(): Promise<ExportedJWKSCache | null>;
  /** Saves the set after it was fetched. */
  set(value: ExportedJWKSCache): Promise<void>;
}

/** Options for `remoteJwtAuth`. Durations are milliseconds. */
export interface RemoteJwtAuthOptions<U extends AuthUser> {
  /** The provider's JWKS URL (OIDC discovery's `jwks_uri`). Required. */
  readonly jwksUrl: string | URL;
  /** Required `iss`: the provider's issuer identifier. Required. */
  readonly issuer: string;
  /** Required `aud`: this API's identifier at the provider. Required. */
  readonly audience: string | readonly string[];
  /** The algorithms the provider signs with. Default `["RS256"]` (what most providers use). */
  readonly algorithms?: readonly AsymmetricAlgorithm[];
  /** Required `typ` header, e.g. `"at+jwt"` (RFC 9068). Default none: any. */
  readonly typ?: string;
  /** The user for a verified token. Default a stateless user from `sub` (never staff). */
  readonly user?: (claims: JWTPayload) => U | null | Promise<U | null>;
  /** Clock skew tolerated on `exp`, `nbf`, `iat`. Default `0`. */
  readonly leeway?: number;
  /** How long a fetched JWKS is used without refetching. Default `600_000` (jose's). */
  readonly cacheMaxAge?: number;
  /** Least time between refetches for an unknown `kid`. Default `30_000` (jose's). */
  readonly cooldown?: number;
  /** Time limit on a JWKS fetch; past it the request is a 503. Default `5_000`. */
  readonly timeout?: number;
  /** A cache that survives the isolate. Default none (memory only). */
  readonly jwksCache?: JwksCacheStore;
  /** Realm in the challenge. Default `"api"`. */
  readonly realm?: string;
  /** `Identity.scheme` on success. Default `"oauth"`. */
  readonly name?: string;
  /** Clock, milliseconds since the epoch. Default `Date.now`. */
  readonly now?: () => number;
}

/** The stateless user of an external token: `sub` is the id, never staff. */
export function subjectUser(claims: JWTPayload): AuthUser | null {
  if (typeof claims.sub !== 'string' || claims.sub === '') return null;
  return { id: claims.sub, username: typeof claims.preferred_username === 'string' ? claims.preferred_username : claims.sub, isActive: true, isStaff: false };
}

/**
 * An authenticator for a provider's JWT access tokens; `auth` is a grant with the token's
 * scopes (`scope` or `scp`) and expiry, for `hasScopes`. Bad options throw here.
 */
export function remoteJwtAuth<U extends AuthUser = AuthUser>(options: RemoteJwtAuthOptions<U>): Authenticator<U> {
  const {
    issuer,
    audience,
    algorithms = ['RS256'],
    typ,
    leeway = 0,
    cacheMaxAge = 600_000,
    cooldown = 30_000,
    timeout = 5_000,
    jwksCache,
    realm = 'api',
    name = 'oauth',
    now = Date.now,
  } = options;
  const user = options.user ?? (subjectUser as unknown as (claims: JWTPayload) => U | null);
  const url = new URL(options.jwksUrl);
  if (typeof issuer !== 'string' || issuer === '' || audience === undefined) throw new TypeError('remoteJwtAuth: issuer and audience are required');
  // A JWKS publishes public keys: an HMAC algorithm here could only serve the confusion attack.
  if (!Array.isArray(algorithms) || algorithms.length === 0 || algorithms.some((alg) => !['RS256', 'ES256', 'EdDSA'].includes(alg))) {
    throw new RangeError('remoteJwtAuth: algorithms must list only RS256, ES256 or EdDSA');
  }
  assertRealm(realm, 'remoteJwtAuth');

  // Built once, on the first request: the persisted cache is read before jose sees it.
  let keySet: Promise<{ resolve: ReturnType<typeof createRemoteJWKSet>; cache: Partial<ExportedJWKSCache> }> | null = null;
  let savedAt: number | undefined;
  const keys = () => {
    keySet ??= (async () => {
      const cache: Partial<ExportedJWKSCache> = { ...((await jwksCache?.get()) ?? {}) };
      savedAt = cache.uat;
      const resolve = createRemoteJWKSet(url, {
        cacheMaxAge,
        cooldownDuration: cooldown,
        timeoutDuration: timeout,
        [JWKS_CACHE]: cache as ExportedJWKSCache,
      });
      return { resolve, cache };
    })().catch((error: unknown) => {
      keySet = null;
      throw error;
    });
    return keySet;
  };

  return {
    name,
    async authenticate(request) {
      const header = readBearer(request);
      if (header.kind === 'absent') return skip();
      if (header.kind === 'malformed') return fail(BAD_AUTHORIZATION_HEADER);
      const { resolve, cache } = await keys();
      const checked = await verifyJwt(header.token, resolve, { algorithms, issuer, audience, leeway, now: now(), typ });
      // jose updated the cache object if it fetched; persist that for the next isolate.
      if (jwksCache && cache.jwks && cache.uat !== undefined && cache.uat !== savedAt) {
        savedAt = cache.uat;
        await jwksCache.set({ jwks: cache.jwks, uat: cache.uat });
      }
      if (!checked.ok) return fail(notValidForAnyType(checked.message));
      const found = await user(checked.payload);
      if (!found) return fail(NO_USER_ID);
      const { payload } = checked;
      const id = typeof payload.jti === 'string' ? payload.jti : `${payload.iss}:${payload.sub}:${payload.iat ?? payload.exp}`;
      return success(found, { id, scopes: scopesOf(payload), expiresAt: payload.exp! * 1000 });
    },
    challenge: bearerChallenge(realm),
  };
}
