/**
 * `ThrottleStore` over Drizzle, in the `latchkey_throttles` table: counters every instance
 * on the database shares, so a limit of 5 logins a minute is 5 for the whole deployment,
 * not 5 per process or isolate.
 */
import type { ThrottleStore } from '@latchkey/core';
import { and, eq, gt, lte, sql } from 'drizzle-orm';
import { redacted, type SQLiteDatabase } from './database.ts';
import { latchkeyThrottles as throttles } from './schema.ts';

const STORE = 'DrizzleThrottleStore';

/** Options for the Drizzle throttle stores. */
export interface DrizzleThrottleStoreOptions {
  /**
   * Every this many increments, this instance deletes the expired counters, so the table
   * holds about one window's keys rather than every key ever seen. Default `1000`.
   */
  readonly sweepEvery?: number;
}

/**
 * The pieces both dialects' stores share: the sweep schedule. The SQL is the same text in
 * SQLite and Postgres, but Drizzle types each dialect's builder apart.
 */
export function sweepSchedule(options: DrizzleThrottleStoreOptions): () => boolean {
  const every = options.sweepEvery ?? 1000;
  if (!Number.isInteger(every) || every < 1) throw new RangeError('sweepEvery must be a positive integer');
  let increments = 0;
  return () => ++increments % every === 0;
}

/**
 * The upsert's SET: a live counter goes up by one and keeps its expiry; an expired one
 * restarts at 1 with the new expiry. One statement, so concurrent increments from any
 * number of processes each see a distinct count (the row is locked by the upsert).
 */
export const incrementSet = (() => {
  // Qualified: in an upsert's SET, the table's name is the existing row, `excluded` the new one.
  const column = (name: string) => sql`${sql.identifier('latchkey_throttles')}.${sql.identifier(name)}`;
  const live = sql`${column('expires_at')} > ${sql.placeholder('now')}`;
  return {
    count: sql`CASE WHEN ${live} THEN ${column('count')} + 1 ELSE 1 END`,
    expiresAt: sql`CASE WHEN ${live} THEN ${column('expires_at')} ELSE excluded.expires_at END`,
  };
})();

/**
 * Throttle counters in any Drizzle SQLite database (libSQL, D1) migrated with `migrate()`.
 * Storage errors propagate (the request is refused with 503).
 */
export class DrizzleThrottleStore implements ThrottleStore {
  readonly #db: SQLiteDatabase;
  readonly #sweepDue: () => boolean;
  // Both run on every throttled request: prepared once.
  readonly #increment;
  readonly #get;

  /** `db`: a Drizzle SQLite database holding the `latchkey_throttles` table. */
  constructor(db: SQLiteDatabase, options: DrizzleThrottleStoreOptions = {}) {
    this.#db = db;
    this.#sweepDue = sweepSchedule(options);
    this.#increment = db
      .insert(throttles)
      .values({ key: sql.placeholder('key'), count: 1, expiresAt: sql.placeholder('expiresAt') })
      .onConflictDoUpdate({ target: throttles.key, set: incrementSet })
      .returning({ count: throttles.count })
      .prepare();
    this.#get = db
      .select({ count: throttles.count })
      .from(throttles)
      .where(and(eq(throttles.key, sql.placeholder('key')), gt(throttles.expiresAt, sql.placeholder('now'))))
      .prepare();
  }

  async increment(key: string, expiresAt: number, now: number): Promise<number> {
    if (this.#sweepDue()) await this.purgeExpired(now);
    const [row] = await redacted(STORE, this.#increment.all({ key, expiresAt, now }));
    if (!row) throw new Error(`${STORE}: the increment returned no count`);
    return row.count;
  }

  async get(key: string, now: number): Promise<number> {
    const row = await redacted(STORE, this.#get.get({ key, now }));
    return row?.count ?? 0;
  }

  /** Deletes counters expired at `now`; how many. The store also does it every `sweepEvery` increments. */
  async purgeExpired(now: number): Promise<number> {
    const deleted = await redacted(
      STORE,
      this.#db.delete(throttles).where(lte(throttles.expiresAt, now)).returning({ key: throttles.key }),
    );
    return deleted.length;
  }
}
