/**
 * `ThrottleStore` over Drizzle's Postgres dialect, in the `latchkey_throttles` table:
 * counters every instance on the database shares.
 */
import type { ThrottleStore } from '@latchkey/core';
import { and, eq, gt, lte, sql } from 'drizzle-orm';
import { redacted } from '../database.ts';
import { type DrizzleThrottleStoreOptions, incrementSet, sweepSchedule } from '../throttle-store.ts';
import type { PostgresDatabase } from './database.ts';
import { latchkeyThrottles as throttles } from './schema.ts';

const STORE = 'PostgresThrottleStore';

/**
 * Throttle counters in any Drizzle Postgres database migrated with `migratePostgres()`.
 * Each increment is one upsert (`INSERT … ON CONFLICT DO UPDATE … RETURNING`), which locks
 * the key's row: concurrent increments from any process each see a distinct count.
 * Storage errors propagate (the request is refused with 503).
 */
export class PostgresThrottleStore implements ThrottleStore {
  readonly #db: PostgresDatabase;
  readonly #sweepDue: () => boolean;
  // Both run on every throttled request: prepared once.
  readonly #increment;
  readonly #get;

  /** `db`: a Drizzle Postgres database holding the `latchkey_throttles` table. */
  constructor(db: PostgresDatabase, options: DrizzleThrottleStoreOptions = {}) {
    this.#db = db;
    this.#sweepDue = sweepSchedule(options);
    this.#increment = db
      .insert(throttles)
      .values({ key: sql.placeholder('key'), count: 1, expiresAt: sql.placeholder('expiresAt') })
      .onConflictDoUpdate({ target: throttles.key, set: incrementSet })
      .returning({ count: throttles.count })
      .prepare('latchkey_throttle_increment');
    this.#get = db
      .select({ count: throttles.count })
      .from(throttles)
      .where(and(eq(throttles.key, sql.placeholder('key')), gt(throttles.expiresAt, sql.placeholder('now'))))
      .prepare('latchkey_throttle_get');
  }

  async increment(key: string, expiresAt: number, now: number): Promise<number> {
    if (this.#sweepDue()) await this.purgeExpired(now);
    const [row] = await redacted(STORE, this.#increment.execute({ key, expiresAt, now }));
    if (!row) throw new Error(`${STORE}: the increment returned no count`);
    return row.count;
  }

  async get(key: string, now: number): Promise<number> {
    const [row] = await redacted(STORE, this.#get.execute({ key, now }));
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
