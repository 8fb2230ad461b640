/**
 * `OneTimeStore` over Drizzle, in the `latchkey_one_time_tokens` table. It stores, finds and
 * consumes records and decides nothing: hashing, binding and expiry are core's.
 */
import type { OneTimeRecord, OneTimeStore } from '@latchkey/core';
import { and, eq, gt, lt, lte, sql } from 'drizzle-orm';
import { redacted, type SQLiteDatabase } from './database.ts';
import { latchkeyOneTimeTokens as oneTime } from './schema.ts';

const STORE = 'DrizzleOneTimeStore';

/**
 * One-time tokens in any Drizzle SQLite database (libSQL, D1, …) migrated with `migrate()`.
 * Storage errors propagate (core answers 503); "not found" is null or 0.
 */
export class DrizzleOneTimeStore implements OneTimeStore {
  readonly #db: SQLiteDatabase;
  readonly #byId;

  /** `db`: a Drizzle SQLite database holding the `latchkey_one_time_tokens` table. */
  constructor(db: SQLiteDatabase) {
    this.#db = db;
    this.#byId = db
      .select()
      .from(oneTime)
      .where(eq(oneTime.id, sql.placeholder('id')))
      .prepare();
  }

  async insert(record: OneTimeRecord): Promise<void> {
    await redacted(STORE, this.#db.insert(oneTime).values(record));
  }

  async find(id: string): Promise<OneTimeRecord | null> {
    return (await redacted(STORE, this.#byId.get({ id }))) ?? null;
  }

  async consume(id: string, purpose: string, digest: string, now: number): Promise<OneTimeRecord | null> {
    // One DELETE … RETURNING: SQLite runs it under the database's write lock, so of two
    // concurrent consumes, from any connection or process, only one finds the row to delete.
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
