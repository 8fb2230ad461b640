/**
 * The refresh-token contract. A store keeps refresh tokens only as digests (SHA-256 of the
 * whole token), grouped in families: a login starts a family, every refresh replaces the
 * family's live token by a new one (rotation), and presenting a replaced token again is
 * reuse (RFC 9700 §4.14.2): the whole family is revoked.
 *
 * Revoked families are also what stops their access tokens early: access tokens name their
 * family (`sid`), and `revokedFamilies` is the small query each instance polls, at most
 * once per interval, to learn revocations made elsewhere.
 *
 * A store holds no authentication logic; a custom one proves itself with
 * `refreshTokenStoreConformance` from `@latchkey/jwt/testing`.
 */

/** One refresh token, as stored. Times are milliseconds since the epoch. */
export interface RefreshTokenRecord {
  /** Lowercase hex SHA-256 of the token; unique. */
  readonly digest: string;
  /** The login this token descends from; shared by every rotation of it. */
  readonly familyId: string;
  readonly userId: string;
  readonly createdAt: number;
  readonly expiresAt: number;
}

/** Where a token stands: usable, already exchanged (rotated), or revoked with its family. */
export type RefreshTokenState = 'live' | 'used' | 'revoked';

/** What `consume` found. Only `consumed` means this call won the token. */
export type ConsumeResult =
  | { readonly outcome: 'consumed'; readonly record: RefreshTokenRecord }
  | { readonly outcome: 'used' | 'revoked'; readonly record: RefreshTokenRecord }
  | { readonly outcome: 'unknown' };

/**
 * Where refresh tokens live.
 *
 * - Lookups MUST match the digest exactly; "not found" is `unknown`/null; only storage
 *   failures throw.
 * - `consume` MUST be atomic: of any number of concurrent calls with one live digest, across
 *   processes, exactly one gets `consumed` and the others `used`.
 * - Revoking a family MUST be visible to every later call on any instance, and MUST also
 *   revoke tokens inserted into that family afterwards (a rotation racing a revocation
 *   must not leave a live token behind).
 * - `revokedFamilies` MUST return every family revoked with `accessUntil > now`, and MAY
 *   forget older ones: by then the family's access tokens have expired anyway.
 */
export interface RefreshTokenStore {
  /** Stores a new live token (revoked at once if its family is revoked). A duplicate digest throws. */
  insert(record: RefreshTokenRecord): Promise<void>;
  /** Marks the live token with this digest used and returns it; or says why not. */
  consume(digest: string): Promise<ConsumeResult>;
  /** The token with this digest and its state, or null. */
  find(digest: string): Promise<{ readonly record: RefreshTokenRecord; readonly state: RefreshTokenState } | null>;
  /** Revokes every token of the family; `accessUntil` is when its last access token expires. Idempotent. */
  revokeFamily(familyId: string, accessUntil: number): Promise<void>;
  /** Revokes every family of the user (logout-all, password change, deactivation); their ids. */
  revokeUser(userId: string, accessUntil: number): Promise<readonly string[]>;
  /** Ids of families revoked whose access tokens may still be unexpired at `now`. */
  revokedFamilies(now: number): Promise<readonly string[]>;
  /** Deletes tokens expired at `now` and revocations past their `accessUntil`; how many tokens. */
  purgeExpired(now: number): Promise<number>;
}
