/**
 * The storage contract for tokens. A store keeps records and finds them again; every
 * decision (generation, hashing, expiry, limits, refresh) is made in core by the token
 * service, so that a custom store is an afternoon's work and cannot get security wrong.
 *
 * Prove a custom store with `tokenStoreConformance` from `@latchkey/core/testing`.
 */

import type { Grant } from '../schemes/authenticator.ts';

/** One issued token, as stored. The plaintext token is never part of it. */
export interface TokenRecord extends Grant {
  /** Public identifier: safe to show, log and use in URLs (`revoke <id>`). */
  readonly id: string;
  /** The owner's `AuthUser.id`. */
  readonly userId: string;
  /** Lowercase hex SHA-256 (or HMAC-SHA256) of the whole token: the lookup key. */
  readonly digest: string;
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
  /** At most this many tokens whose `expiresAt` is null or greater than `now`. */
  readonly max: number;
  /** Milliseconds since the epoch. */
  readonly now: number;
}

/**
 * Where tokens live. All times are milliseconds since the epoch.
 *
 * - Methods MUST throw only when storage itself fails (the pipeline answers 503 and grants
 *   nothing); "not found" is `null`, `false` or `0`, never an exception. Their messages
 *   SHOULD NOT quote digests: errors reach `onError` and logs (the default logger redacts
 *   key-like runs, a custom one may not).
 * - `findByDigest` MUST match the digest exactly (it is unique); a store MUST index it.
 * - `insert` with a `limit` MUST be atomic: concurrent inserts for one user never leave
 *   more than `limit.max` live tokens. It returns false, inserting nothing, when the user
 *   is at the limit.
 * - A deletion MUST be visible to every later `findByDigest`, from any process.
 * - The store MUST NOT interpret records: expired records are still returned by
 *   `findByDigest` (core decides what expired means) until `purgeExpired` removes them.
 */
export interface TokenStore {
  /** Saves a new record; false when `limit` is given and the user is already at it. */
  insert(record: TokenRecord, limit?: TokenLimit): Promise<boolean>;
  /** The record with this digest, or null. */
  findByDigest(digest: string): Promise<TokenRecord | null>;
  /** Updates expiry and/or last-used time; a missing id is not an error. */
  touch(id: string, changes: TokenTouch): Promise<void>;
  /** Deletes one record; true if it existed. */
  delete(id: string): Promise<boolean>;
  /** Deletes all of a user's records; how many there were. */
  deleteForUser(userId: string): Promise<number>;
  /** All of a user's records, expired ones included, oldest first. */
  listForUser(userId: string): Promise<TokenRecord[]>;
  /** Deletes records whose `expiresAt` is not null and at or before `now`; how many. */
  purgeExpired(now: number): Promise<number>;
}
