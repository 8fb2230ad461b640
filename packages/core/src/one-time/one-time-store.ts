/**
 * The storage contract for one-time tokens: the secrets mailed for a password reset, an
 * activation or an email change (and, next, login codes and magic links). They live apart
 * from API tokens, so that no one-time secret can ever authenticate a request, and their
 * store has what API tokens do not need: a purpose, a bounded number of attempts, and an
 * atomic consume.
 *
 * Prove a custom store with `oneTimeStoreConformance` from `@latchkey/core/testing`.
 */

/** One issued one-time token, as stored. The plaintext token is never part of it. */
export interface OneTimeRecord {
  /** Public identifier, part of the token itself: the lookup key. Safe to log. */
  readonly id: string;
  /** The user the token acts for (`AuthUser.id`). */
  readonly userId: string;
  /** What the token is for, e.g. `"password-reset"`; it is refused for anything else. */
  readonly purpose: string;
  /** Lowercase hex digest of the token, bound to its purpose and the state it was issued for. */
  readonly digest: string;
  /** What the token carries, e.g. the new address of an email change; null: nothing. */
  readonly data: string | null;
  /** Milliseconds since the epoch. */
  readonly createdAt: number;
  /** Milliseconds since the epoch; one-time tokens always expire. */
  readonly expiresAt: number;
  /** Wrong secrets presented for this id so far. */
  readonly attempts: number;
  /** At this many wrong secrets the token is dead. */
  readonly maxAttempts: number;
}

/**
 * Where one-time tokens live. All times are milliseconds since the epoch.
 *
 * - Methods MUST throw only when storage itself fails; "not found" is `null`, `false` or `0`.
 * - `find` MUST match the id exactly. It returns records whatever their state (expired,
 *   out of attempts): core decides what those mean.
 * - `consume` MUST be atomic: it deletes and returns the record only if, in one step, the
 *   id, purpose and digest match exactly, `expiresAt > now` and `attempts < maxAttempts`.
 *   Of any number of concurrent consumes of one record, from any number of processes,
 *   exactly one returns it; the others return null.
 * - `recordFailure` MUST increment `attempts` atomically (concurrent failures all count).
 * - Deletions MUST be visible to every later `find` and `consume`, from any process.
 */
export interface OneTimeStore {
  /** Saves a new record. */
  insert(record: OneTimeRecord): Promise<void>;
  /** The record with this id, or null. */
  find(id: string): Promise<OneTimeRecord | null>;
  /** Deletes and returns the record if it matches and is still redeemable (see above); else null. */
  consume(id: string, purpose: string, digest: string, now: number): Promise<OneTimeRecord | null>;
  /** Counts one wrong secret against the record; the new count, or null when it is gone. */
  recordFailure(id: string): Promise<number | null>;
  /** Deletes a user's records, of one purpose or (absent) of all; how many. */
  deleteForUser(userId: string, purpose?: string): Promise<number>;
  /** Deletes records whose `expiresAt` is at or before `now`; how many. */
  purgeExpired(now: number): Promise<number>;
}
