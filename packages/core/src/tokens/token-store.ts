/**
 * The storage contract for tokens. A store keeps records and finds them again; every
 * decision (generation, hashing, expiry, limits, refresh, what a purpose allows) is made
 * in core by the token service, so that a custom store is an afternoon's work and cannot
 * get security wrong.
 *
 * Prove a custom store with `tokenStoreConformance` from `@latchkey/core/testing`.
 */

import type { Awaitable } from '../awaitable.ts';
import type { Grant } from '../schemes/authenticator.ts';
import type { AuthUser, UserStore } from '../users/user-store.ts';

/**
 * What a token was issued for; verification checks it, so a credential works only where
 * it was issued: an `"api"` token in an Authorization header, a `"session"` token in the
 * session cookie. One-time secrets (reset, activation, login links) get a store of their own.
 */
export type TokenPurpose = 'api' | 'session';

/** Every purpose, for validation. */
export const TOKEN_PURPOSES: readonly TokenPurpose[] = Object.freeze(['api', 'session']);

/** One issued token, as stored. The plaintext token is never part of it. */
export interface TokenRecord extends Grant {
  /** Public identifier: safe to show, log and use in URLs (`revoke <id>`). */
  readonly id: string;
  /** The owner's `AuthUser.id`. */
  readonly userId: string;
  /** Lowercase hex SHA-256 (or HMAC-SHA256) of the whole token: the lookup key. */
  readonly digest: string;
  /** What the token may be used for. */
  readonly purpose: TokenPurpose;
  /** The client or device the token was issued to, e.g. "cli" or "iPhone". */
  readonly name: string | null;
  /** Scopes granted to this token; a token with none passes no `hasScopes` check. */
  readonly scopes: readonly string[];
  /** Milliseconds since the epoch. */
  readonly createdAt: number;
  /** Milliseconds since the epoch; null: never expires. */
  readonly expiresAt: number | null;
  /** Milliseconds since the epoch; null: not used since it was issued. */
  readonly lastUsedAt: number | null;
  /**
   * Milliseconds since the epoch; null: not revoked. A revoked record stays (an audit
   * trail, and what `revokedSince` reports) until `purgeExpired` removes it.
   */
  readonly revokedAt: number | null;
}

/** Whether a grant is a stored token record (token and session schemes) rather than, say, a JWT's claims. */
export function isTokenRecord(grant: Grant): grant is TokenRecord {
  return typeof (grant as Partial<TokenRecord>).digest === 'string' && typeof (grant as Partial<TokenRecord>).userId === 'string';
}

/** Fields the token service may change after a token is issued. */
export interface TokenTouch {
  /** New expiry (sliding refresh); absent: leave it as it is. */
  readonly expiresAt?: number | null;
  /** New last-used time; absent: leave it as it is. */
  readonly lastUsedAt?: number;
}

/** A per-user cap on live tokens, checked atomically with the insert. */
export interface TokenLimit {
  /** At most this many tokens whose `revokedAt` is null and `expiresAt` null or greater than `now`. */
  readonly max: number;
  /** Milliseconds since the epoch. */
  readonly now: number;
}

/** One entry of the revocation feed. */
export interface Revocation {
  /** The revoked record's digest: what the verified-token cache is keyed by. */
  readonly digest: string;
  /** Its `revokedAt`. */
  readonly revokedAt: number;
}

/** A record and its owner, read together by a store that holds both. */
export interface TokenWithUser {
  readonly record: TokenRecord;
  /** The user whose id is `record.userId`, or null when there is none. */
  readonly user: AuthUser | null;
}

/**
 * Where tokens live. All times are milliseconds since the epoch, given by core.
 *
 * - Methods MUST throw only when storage itself fails (the pipeline answers 503 and grants
 *   nothing); "not found" is `null`, `false` or `0`, never an exception. Their messages
 *   SHOULD NOT quote digests: errors reach `onError` and logs (the default logger redacts
 *   key-like runs, a custom one may not).
 * - `findByDigest` MUST match the digest exactly (it is unique); a store MUST index it.
 * - `insert` with a `limit` MUST be atomic: concurrent inserts for one user never leave
 *   more than `limit.max` live tokens. It returns false, inserting nothing, when the user
 *   is at the limit.
 * - Revocation is soft: `revoke` and `revokeForUser` set `revokedAt` and keep the record.
 *   It MUST be visible to every later `findByDigest` and `revokedSince`, from any process,
 *   once the call resolves.
 * - The store MUST NOT interpret records: expired and revoked records are still returned
 *   by `findByDigest` and `listForUser` (core decides what they mean) until `purgeExpired`
 *   removes them.
 */
export interface TokenStore {
  /** Saves a new record; false when `limit` is given and the user is already at it. */
  insert(record: TokenRecord, limit?: TokenLimit): Promise<boolean>;
  /**
   * The record with this digest, revoked and expired ones included, or null. On every
   * request: a store that has the answer at once (memory, a synchronous SQLite driver) may
   * return it without a promise, and the request then needs none.
   */
  findByDigest(digest: string): Awaitable<TokenRecord | null>;
  /** Updates expiry and/or last-used time; a missing id is not an error. */
  touch(id: string, changes: TokenTouch): Promise<void>;
  /**
   * Sets `revokedAt = at` on one record unless it is already revoked; true if it was not
   * (an expired record counts: it is revoked all the same), false if it is unknown or was
   * revoked before, which keeps its first `revokedAt`.
   */
  revoke(id: string, at: number): Promise<boolean>;
  /** Sets `revokedAt = at` on each of a user's records not yet revoked; how many. */
  revokeForUser(userId: string, at: number): Promise<number>;
  /** All of a user's records, expired and revoked ones included, oldest first. */
  listForUser(userId: string): Promise<TokenRecord[]>;
  /**
   * Deletes records whose `expiresAt` is not null and at or before `now`, and records
   * whose `revokedAt` is not null and at or before `revokedBefore`; how many.
   */
  purgeExpired(now: number, revokedBefore: number): Promise<number>;
  /**
   * Optional, the revocation feed: records whose `revokedAt` is at or after `since`,
   * ordered by `revokedAt` (ties in any order), at most `limit` of them. Called once per
   * interval per instance by the verified-token cache, so it MUST be a small indexed
   * query (an index on `revokedAt`). Without it the service refuses to enable the cache,
   * since revocations from other instances would go unseen.
   */
  revokedSince?(since: number, limit: number): Promise<Revocation[]>;
  /**
   * Optional, with `joinedUsers`: the record with this digest and its owner in one round
   * trip (a join), for a store that holds the users table too; null when no record has the
   * digest. The same rules as `findByDigest` hold for the record.
   */
  findWithUser?(digest: string): Awaitable<TokenWithUser | null>;
  /**
   * The `UserStore` whose users `findWithUser` returns. The token service uses
   * `findWithUser` only for that very store (`users === store.joinedUsers`), so a join
   * can never hand an authenticator users of another table.
   */
  readonly joinedUsers?: UserStore;
}
