/**
 * `OneTimeStore` over Drizzle's Postgres dialect, in the `latchkey_one_time_tokens` table. Like
 * the SQLite store it stores, finds and consumes records and decides nothing.
 */
import type { OneTimeRecord, OneTimeStore } from '@latchkey/core';
import { and, eq, gt, lt, lte, sql } from 'drizzle-orm';
import { redacted } from '../database.ts';
import type { PostgresDatabase } from './database.ts';
import { latchkeyOneTimeTokens as oneTime } from './schema.ts';

const STORE = 'PostgresOneTimeStore';

/**
 * One-time tokens in any Drizzle Postgres database migrated with `migratePostgres()`.
 * Storage errors propagate (core answers 503); "not found" is null or 0.
 */
export class PostgresOneTimeStore implements OneTimeStore {
  readonly #db: PostgresDatabase;
  readonly #byId;

  /** `db`: a Drizzle Postgres database holding the `latchkey_one_time_tokens` table. */
  constructor(db: PostgresDatabase) {
    this.#db = db;
    this.#byId = db
      .select()
      .from(oneTime)
      .where(eq(oneTime.id, sql.placeholder('id')))
      .prepare('latchkey_one_time_by_id');
  }

  async insert(record: OneTimeRecord): Promise<void> {
    await redacted(STORE, this.#db.insert(oneTime).values(record));
  }

  async find(id: string): Promise<OneTimeRecord | null> {
    const [row] = await redacted(STORE, this.#byId.execute({ id }));
    return row ?? null;
  }

  async consume(id: string, purpose: string, digest: string, now: number): Promise<OneTimeRecord | null> {
    // One DELETE … RETURNING: the first of two concurrent consumes locks the row; the second
    // waits, then finds it gone (Postgres re-checks a row deleted under it) and returns none.
    const [row] = await redacted(
      STORE,
      this.#db
        .delete(oneTime)
        .where(
          and(
            eq(oneTime.id, id),
            eq(oneTime.purpose, purpose),
            eq(oneTime.digest, digest),
            gt(oneTime.expiresAt, now),
            lt(oneTime.attempts, oneTime.maxAttempts),
          ),
        )
        .returning(),
    );
    return row ?? null;
  }

  async recordFailure(id: string): Promise<number | null> {
    const [row] = await redacted(
      STORE,
      this.#db
        .update(oneTime)
        .set({ attempts: sql`${oneTime.attempts} + 1` })
        .where(eq(oneTime.id, id))
        .returning({ attempts: oneTime.attempts }),
    );
    return row?.attempts ?? null;
  }

  async deleteForUser(userId: string, purpose?: string): Promise<number> {
    const where = purpose === undefined ? eq(oneTime.userId, userId) : and(eq(oneTime.userId, userId), eq(oneTime.purpose, purpose));
    const deleted = await redacted(STORE, this.#db.delete(oneTime).where(where).returning({ id: oneTime.id }));
    return deleted.length;
  }

  async purgeExpired(now: number): Promise<number> {
    const deleted = await redacted(
      STORE,
      this.#db.delete(oneTime).where(lte(oneTime.expiresAt, now)).returning({ id: oneTime.id }),
    );
    return deleted.length;
  }
}
