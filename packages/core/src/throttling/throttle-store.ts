/**
 * The storage contract for rate limits: counters that expire. Any store with an atomic
 * increment serves (Redis `INCR` + `PEXPIRE`, a SQL upsert, a Durable Object).
 */

/**
 * Expiring counters. Times are milliseconds since the epoch.
 *
 * - `increment` MUST be atomic: concurrent calls for one key each see a distinct count.
 * - A counter whose expiry has passed MUST read as 0 and restart from 0.
 * - Methods throw only when storage fails (the request is then refused with 503).
 */
export interface ThrottleStore {
  /** Adds one to `key`, creating it to expire at `expiresAt` if absent; the new count. */
  increment(key: string, expiresAt: number, now: number): Promise<number>;
  /** The current count of `key`; 0 when absent or expired. */
  get(key: string, now: number): Promise<number>;
}
