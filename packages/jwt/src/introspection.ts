/**
 * RFC 7662 token introspection for opaque access tokens, through `oauth4webapi` (never a
 * hand-rolled OAuth client): the provider says whether a token is active, for whom, with
 * which scopes, until when.
 *
 * Answers are cached by the token's SHA-256 digest (the plaintext is never a map key), for
 * at most `cacheTtl` and never past the token's own `exp`: a cached "active" cannot outlive
 * the token. Inactive answers are cached for `cacheTtl` too (an inactive token never comes
 * back to life). The cache is bounded; the oldest entry goes first. A provider that cannot
 * be reached, refuses our client or answers garbage is a 503, never a 200.
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils.js';
import { type AuthUser, type Authenticator, fail, type Grant, skip, success } from '@latchkey/core';
import * as oauth from 'oauth4webapi';
import { assertRealm, bearerChallenge, readBearer } from './bearer.ts';
import { BAD_AUTHORIZATION_HEADER, NO_USER_ID, notValidForAnyType } from './simplejwt-errors.ts';
import { TOKEN_EXPIRED, TOKEN_INVALID } from './verify-jwt.ts';

/** Options for `introspectionAuth`. Durations are milliseconds. */
export interface IntrospectionAuthOptions<U extends AuthUser> {
  /** The provider's issuer identifier. Required. */
  readonly issuer: string;
  /** The provider's introspection endpoint (OIDC discovery's `introspection_endpoint`). Required. */
  readonly introspectionEndpoint: string;
  /** This resource server's client id at the provider. Required. */
  readonly clientId: string;
  /** Its client secret, sent with HTTP Basic (`client_secret_basic`). Required. */
  readonly clientSecret: string;
  /** The user for an active token. Default a stateless user from `sub` (or `username`), never staff. */
  readonly user?: (answer: oauth.IntrospectionResponse) => U | null | Promise<U | null>;
  /** Longest an answer is reused. Default `60_000`. */
  readonly cacheTtl?: number;
  /** Most answers kept. Default `10_000`. */
  readonly cacheSize?: number;
  /** Time limit on the provider's answer; past it the request is a 503. Default `5_000`. */
  readonly timeout?: number;
  /** Allow an `http:` endpoint (tests on loopback only). Default `false`. */
  readonly allowInsecureRequests?: boolean;
  /** Realm in the challenge. Default `"api"`. */
  readonly realm?: string;
  /** `Identity.scheme` on success. Default `"introspection"`. */
  readonly name?: string;
  /** Clock, milliseconds since the epoch. Default `Date.now`. */
  readonly now?: () => number;
}

interface Cached {
  readonly answer: oauth.IntrospectionResponse;
  readonly until: number;
}

/** The stateless user of an introspected token: `sub` (or `username`) is the id. */
export function introspectedUser(answer: oauth.IntrospectionResponse): AuthUser | null {
  const id = answer.sub ?? answer.username;
  if (typeof id !== 'string' || id === '') return null;
  return { id, username: answer.username ?? id, isActive: true, isStaff: false };
}

/** An authenticator for opaque Bearer tokens checked by introspection. Bad options throw here. */
export function introspectionAuth<U extends AuthUser = AuthUser>(options: IntrospectionAuthOptions<U>): Authenticator<U> {
  const {
    issuer,
    introspectionEndpoint,
    clientId,
    clientSecret,
    cacheTtl = 60_000,
    cacheSize = 10_000,
    timeout = 5_000,
    allowInsecureRequests = false,
    realm = 'api',
    name = 'introspection',
    now = Date.now,
  } = options;
  const user = options.user ?? (introspectedUser as unknown as (answer: oauth.IntrospectionResponse) => U | null);
  if (!issuer || !introspectionEndpoint || !clientId || !clientSecret) {
    throw new TypeError('introspectionAuth: issuer, introspectionEndpoint, clientId and clientSecret are required');
  }
  new URL(introspectionEndpoint); // throws a TypeError now, not on the first request
  if (!Number.isFinite(cacheTtl) || cacheTtl < 0) throw new RangeError('introspectionAuth: cacheTtl must be a non-negative number');
  if (!Number.isInteger(cacheSize) || cacheSize < 0) throw new RangeError('introspectionAuth: cacheSize must be a non-negative integer');
  assertRealm(realm, 'introspectionAuth');

  const server: oauth.AuthorizationServer = { issuer, introspection_endpoint: introspectionEndpoint };
  const client: oauth.Client = { client_id: clientId };
  const authentication = oauth.ClientSecretBasic(clientSecret);
  const cache = new Map<string, Cached>();

  const ask = async (token: string): Promise<oauth.IntrospectionResponse> => {
    const response = await oauth.introspectionRequest(server, client, authentication, token, {
      signal: AbortSignal.timeout(timeout),
      [oauth.allowInsecureRequests]: allowInsecureRequests,
    });
    return oauth.processIntrospectionResponse(server, client, response);
  };

  const introspect = async (token: string, key: string): Promise<oauth.IntrospectionResponse> => {
    const at = now();
    const hit = cache.get(key);
    if (hit && hit.until > at) return hit.answer;
    if (hit) cache.delete(key);
    const answer = await ask(token);
    const until = Math.min(at + cacheTtl, answer.active && typeof answer.exp === 'number' ? answer.exp * 1000 : Infinity);
    if (cacheSize > 0 && until > at) {
      if (cache.size >= cacheSize) cache.delete(cache.keys().next().value!);
      cache.set(key, { answer, until });
    }
    return answer;
  };

  return {
    name,
    async authenticate(request) {
      const header = readBearer(request);
      if (header.kind === 'absent') return skip();
      if (header.kind === 'malformed') return fail(BAD_AUTHORIZATION_HEADER);
      const digest = bytesToHex(sha256(utf8ToBytes(header.token)));
      const answer = await introspect(header.token, digest);
      if (!answer.active) return fail(notValidForAnyType(TOKEN_INVALID));
      // A provider may answer active for a token whose exp has passed (clock skew): not here.
      if (typeof answer.exp === 'number' && answer.exp * 1000 <= now()) return fail(notValidForAnyType(TOKEN_EXPIRED));
      const found = await user(answer);
      if (!found) return fail(NO_USER_ID);
      const grant: Grant = {
        id: answer.jti ?? `introspected:${digest.slice(0, 16)}`,
        scopes: (answer.scope ?? '').split(' ').filter((scope) => scope.length > 0),
        expiresAt: typeof answer.exp === 'number' ? answer.exp * 1000 : null,
      };
      return success(found, grant);
    },
    challenge: bearerChallenge(realm),
  };
}
