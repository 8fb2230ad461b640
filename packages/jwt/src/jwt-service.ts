/**
 * simplejwt's access and refresh tokens, with its long-standing gaps closed:
 *
 * - A login issues a pair. The refresh token starts a family; it is stored only as its
 *   SHA-256 digest (a JWT carries 128 random bits in `jti`, so a fast hash is enough, as for
 *   core's tokens), never as the token itself (simplejwt #803).
 * - Every refresh rotates: the presented token is consumed atomically and a new one joins
 *   the family. Of two concurrent refreshes with one token exactly one wins.
 * - Presenting a consumed token again is reuse (RFC 9700 §4.14.2): a thief and the client
 *   both hold it, and nobody can tell which is which, so the whole family is revoked and
 *   `onRefreshReuse` is told. A client that races itself loses its session the same way.
 * - Access tokens name their family (`sid`). Revoking a family (blacklist, reuse, logout-all,
 *   a password change, deactivation) stops its unexpired access tokens too, on this instance
 *   at once and on the others within `revocationInterval`, without a query per request
 *   (simplejwt #28: its access tokens outlive a blacklisted refresh token).
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils.js';
import type { AuthUser, Grant, RandomBytes } from '@latchkey/core';
import { type JWTPayload, SignJWT } from 'jose';
import type { KeySet } from './keys.ts';
import type { RefreshTokenStore } from './refresh-token-store.ts';
import { createRevocationWatch, type RevocationWatch } from './revocation-watch.ts';
import {
  scopesOf,
  TOKEN_BLACKLISTED,
  TOKEN_INVALID,
  TOKEN_NO_ID,
  TOKEN_WRONG_TYPE,
  verifyJwt,
} from './verify-jwt.ts';

/** Options for `createJwtService`. Durations are milliseconds. */
export interface JwtServiceOptions {
  /** Signs and verifies. Required. */
  readonly keys: KeySet;
  /** Where refresh tokens (as digests) and family revocations live. Required. */
  readonly refreshTokens: RefreshTokenStore;
  /** Access token lifetime. Default `300_000` (5 minutes, simplejwt's). */
  readonly accessTtl?: number;
  /** Refresh token lifetime, counted again from each rotation. Default `86_400_000` (1 day, simplejwt's). */
  readonly refreshTtl?: number;
  /** Clock skew tolerated on `exp`, `nbf` and `iat`. Default `0` (simplejwt's). */
  readonly leeway?: number;
  /** `iss` put in and required, when set. Default none. */
  readonly issuer?: string;
  /** `aud` put in and required, when set. Default none. */
  readonly audience?: string;
  /** The claim naming the user. Default `"user_id"` (simplejwt's USER_ID_CLAIM). */
  readonly userIdClaim?: string;
  /** Bound on learning another instance's revocations, as the token cache's; one store query per interval. Default `1_000`. */
  readonly revocationInterval?: number;
  /** Told when a consumed refresh token comes back and its family is revoked. Default none. */
  readonly onRefreshReuse?: (event: RefreshReuseEvent) => void | Promise<void>;
  /** Clock, milliseconds since the epoch. Default `Date.now`. */
  readonly now?: () => number;
  /** Randomness for `jti` and family ids. Default Web Crypto's. */
  readonly randomBytes?: RandomBytes;
}

/** A rotated refresh token was presented again; its family is revoked already. */
export interface RefreshReuseEvent {
  readonly userId: string;
  readonly familyId: string;
}

/** simplejwt's answer to a login or a refresh. */
export interface TokenPair {
  readonly access: string;
  readonly refresh: string;
}

/** What to put in a new pair beyond the user. */
export interface IssueOptions {
  /** Granted scopes, sent as the space-separated `scope` claim. Default none. */
  readonly scopes?: readonly string[];
  /** Further claims copied into both tokens (simplejwt's custom claims). Default none. */
  readonly claims?: Readonly<Record<string, unknown>>;
}

/** A verified access token, or simplejwt's reason (`message`) it is not one. */
export type AccessCheck =
  | { readonly ok: true; readonly claims: JWTPayload; readonly grant: Grant }
  | { readonly ok: false; readonly message: string };

/**
 * A refresh's outcome: a new pair, simplejwt's token message, or `inactive` when the user
 * is gone or inactive (the family is then revoked).
 */
export type RefreshResult =
  | { readonly ok: true; readonly pair: TokenPair; readonly userId: string }
  | { readonly ok: false; readonly message: string }
  | { readonly ok: false; readonly inactive: true };

/** The token verify endpoint's outcome: `blacklisted` is simplejwt's 400, other failures its 401. */
export type VerifyResult = { readonly ok: true } | { readonly ok: false; readonly message: string; readonly blacklisted: boolean };

/** Issues, refreshes, verifies and revokes JWT pairs. */
export interface JwtService {
  readonly keys: KeySet;
  /** The claim naming the user. */
  readonly userIdClaim: string;
  /** A new pair for `user`: a new family. */
  issuePair(user: AuthUser, options?: IssueOptions): Promise<TokenPair>;
  /**
   * Exchanges a refresh token for a new pair (rotation). `findUser` is asked for the
   * token's user after the token is won; null or inactive revokes the family.
   */
  refresh(token: string, findUser: (userId: string) => Promise<AuthUser | null>): Promise<RefreshResult>;
  /** Verifies an access token: signature, claims, type, and its family's revocation. */
  verifyAccess(token: string): Promise<AccessCheck>;
  /** Verifies a token of either type, as simplejwt's verify view does. */
  verify(token: string): Promise<VerifyResult>;
  /** Revokes a refresh token's family (logout). A consumed token is reuse and revokes it too. */
  blacklist(token: string): Promise<{ readonly ok: true } | { readonly ok: false; readonly message: string }>;
  /** Revokes all the user's families and their access tokens (logout-all, password change, deactivation). */
  revokeUser(userId: string): Promise<readonly string[]>;
}

const MINUTE = 60_000;

/** The store key for a refresh token: lowercase hex SHA-256 of the whole token. */
export function digestRefreshToken(token: string): string {
  return bytesToHex(sha256(utf8ToBytes(token)));
}

const positive = (name: string, value: number) => {
  if (!Number.isFinite(value) || value <= 0) throw new RangeError(`createJwtService: ${name} must be a positive number of milliseconds`);
};

/** Builds the service. Missing or contradictory options throw here. */
export function createJwtService(options: JwtServiceOptions): JwtService {
  const {
    keys,
    refreshTokens,
    accessTtl = 5 * MINUTE,
    refreshTtl = 24 * 60 * MINUTE,
    leeway = 0,
    issuer,
    audience,
    userIdClaim = 'user_id',
    revocationInterval = 1_000,
    onRefreshReuse,
    now = Date.now,
    randomBytes = (length: number) => crypto.getRandomValues(new Uint8Array(length)),
  } = options;
  if (!keys || !refreshTokens) throw new TypeError('createJwtService: keys and refreshTokens are required');
  positive('accessTtl', accessTtl);
  positive('refreshTtl', refreshTtl);
  if (!Number.isFinite(leeway) || leeway < 0) throw new RangeError('createJwtService: leeway must be a non-negative number of milliseconds');
  if (accessTtl > refreshTtl) throw new RangeError('createJwtService: accessTtl must not exceed refreshTtl');

  const watch: RevocationWatch = createRevocationWatch({ revoked: (at) => refreshTokens.revokedFamilies(at), interval: revocationInterval, now });
  const randomId = () => bytesToHex(randomBytes(16));
  // When the last access token of a family revoked now expires: the revocation matters until then.
  const accessUntil = () => now() + accessTtl + leeway;
  const checks = () => ({ algorithms: keys.algorithms, issuer, audience, leeway, now: now() });

  const sign = async (claims: JWTPayload, ttl: number, at: number) => {
    const { kid, alg, key } = await keys.signingKey();
    const jwt = new SignJWT(claims)
      .setProtectedHeader({ alg, kid, typ: 'JWT' })
      .setIssuedAt(Math.floor(at / 1000))
      .setExpirationTime(Math.floor((at + ttl) / 1000))
      .setJti(randomId());
    if (issuer !== undefined) jwt.setIssuer(issuer);
    if (audience !== undefined) jwt.setAudience(audience);
    return jwt.sign(key);
  };

  // The pair for a family: the refresh token stored (as a digest) before either is handed out.
  const issueInFamily = async (userId: string, familyId: string, claims: Readonly<Record<string, unknown>>): Promise<TokenPair> => {
    const at = now();
    const base = { ...claims, [userIdClaim]: userId, sid: familyId };
    const refresh = await sign({ ...base, token_type: 'refresh' }, refreshTtl, at);
    await refreshTokens.insert({ digest: digestRefreshToken(refresh), familyId, userId, createdAt: at, expiresAt: at + refreshTtl });
    const access = await sign({ ...base, token_type: 'access' }, accessTtl, at);
    return { access, refresh };
  };

  // A verified token of `type` (or any type), in simplejwt's order: decode, exp, jti, type.
  const verifyTyped = async (token: string, type: 'access' | 'refresh' | null) => {
    const checked = await verifyJwt(token, keys.verificationKey, checks());
    if (!checked.ok) return checked;
    const { payload } = checked;
    if (typeof payload.jti !== 'string') return { ok: false as const, message: TOKEN_NO_ID };
    if (type !== null && payload.token_type !== type) return { ok: false as const, message: TOKEN_WRONG_TYPE };
    return { ok: true as const, payload };
  };

  const revokeFamily = async (familyId: string) => {
    const until = accessUntil();
    await refreshTokens.revokeFamily(familyId, until);
    watch.add([familyId], until);
  };

  // A consumed token presented again: revoke its family, then tell the hook.
  const reused = async (record: { userId: string; familyId: string }) => {
    await revokeFamily(record.familyId);
    await onRefreshReuse?.({ userId: record.userId, familyId: record.familyId });
  };

  // Claims that a rotation carries over: all but the ones every token gets anew.
  const carried = (payload: JWTPayload) => {
    const { token_type: _type, exp: _exp, iat: _iat, jti: _jti, nbf: _nbf, iss: _iss, aud: _aud, sid: _sid, [userIdClaim]: _user, ...rest } = payload;
    return rest;
  };

  return {
    keys,
    userIdClaim,
    async issuePair(user, issue = {}) {
      const claims: Record<string, unknown> = { ...issue.claims };
      if (issue.scopes && issue.scopes.length > 0) claims.scope = issue.scopes.join(' ');
      return issueInFamily(user.id, randomId(), claims);
    },
    async refresh(token, findUser) {
      const checked = await verifyTyped(token, 'refresh');
      if (!checked.ok) return checked;
      const consumed = await refreshTokens.consume(digestRefreshToken(token));
      if (consumed.outcome === 'unknown') return { ok: false, message: TOKEN_INVALID };
      if (consumed.outcome === 'used') await reused(consumed.record);
      if (consumed.outcome !== 'consumed') return { ok: false, message: TOKEN_BLACKLISTED };
      const { userId, familyId } = consumed.record;
      const user = await findUser(userId);
      if (!user || !user.isActive) {
        await revokeFamily(familyId);
        return { ok: false, inactive: true };
      }
      return { ok: true, pair: await issueInFamily(userId, familyId, carried(checked.payload)), userId };
    },
    async verifyAccess(token) {
      const checked = await verifyTyped(token, 'access');
      if (!checked.ok) return checked;
      const { payload } = checked;
      if (typeof payload.sid === 'string' && (await watch.isRevoked(payload.sid))) return { ok: false, message: TOKEN_BLACKLISTED };
      return { ok: true, claims: payload, grant: { id: payload.jti!, scopes: scopesOf(payload), expiresAt: payload.exp! * 1000 } };
    },
    async verify(token) {
      const checked = await verifyTyped(token, null);
      if (!checked.ok) return { ...checked, blacklisted: false };
      const { payload } = checked;
      if (payload.token_type === 'refresh') {
        const found = await refreshTokens.find(digestRefreshToken(token));
        if (!found) return { ok: false, message: TOKEN_INVALID, blacklisted: false };
        if (found.state !== 'live') return { ok: false, message: TOKEN_BLACKLISTED, blacklisted: true };
      } else if (typeof payload.sid === 'string' && (await watch.isRevoked(payload.sid))) {
        return { ok: false, message: TOKEN_BLACKLISTED, blacklisted: true };
      }
      return { ok: true };
    },
    async blacklist(token) {
      const checked = await verifyTyped(token, 'refresh');
      if (!checked.ok) return checked;
      const found = await refreshTokens.find(digestRefreshToken(token));
      if (!found) return { ok: false, message: TOKEN_INVALID };
      if (found.state === 'used') await reused(found.record);
      if (found.state !== 'live') return { ok: false, message: TOKEN_BLACKLISTED };
      await revokeFamily(found.record.familyId);
      return { ok: true };
    },
    async revokeUser(userId) {
      const until = accessUntil();
      const families = await refreshTokens.revokeUser(userId, until);
      watch.add(families, until);
      return families;
    },
  };
}
