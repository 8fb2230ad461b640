import { sql } from 'drizzle-orm';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';

/**
 * Any Drizzle Postgres database: node-postgres (`drizzle-orm/node-postgres`), postgres.js
 * (`drizzle-orm/postgres-js`), Neon (`drizzle-orm/neon-serverless`, `drizzle-orm/neon-http`),
 * PGlite (`drizzle-orm/pglite`). The stores use only the query builder, never a driver, so
 * one store serves them all. The result type and the relational schema differ per driver
 * and app and are never read, hence `any` for both.
 */
export type PostgresDatabase = PgDatabase<PgQueryResultHKT, any, any>;

/**
 * Neon's HTTP driver sends each query as its own request and has no interactive
 * transactions; it runs a batch of queries as one transaction instead.
 */
interface BatchingDatabase {
  batch(queries: readonly unknown[]): Promise<unknown[]>;
}

const batches = (db: PostgresDatabase): db is PostgresDatabase & BatchingDatabase =>
  db.constructor.name === 'NeonHttpDatabase';

/**
 * Takes a transaction-scoped advisory lock on each of `keys`, in order, then runs `query` and
 * each of `then` in the same transaction, and returns what `query` returns: an interactive
 * transaction where the driver has them, a batch (one transaction too) on Neon's HTTP
 * driver. Under Postgres's default READ COMMITTED, each statement sees what was committed
 * before it began, so a statement after the lock sees every write made by whoever held the
 * lock before. Keys are hashed to 64 bits: two keys may share a lock, and then only wait.
 */
export async function afterLock<T>(
  db: PostgresDatabase,
  keys: readonly string[],
  query: (db: PostgresDatabase) => PromiseLike<T>,
  ...then: ReadonlyArray<(db: PostgresDatabase) => PromiseLike<unknown>>
): Promise<T> {
  const lock = (db: PostgresDatabase) =>
    db.execute(sql`SELECT ${sql.join(keys.map((key) => sql`pg_advisory_xact_lock(hashtextextended(${key}, 0))`), sql`, `)}`);
  if (batches(db)) {
    const [, result] = await db.batch([lock(db), query(db), ...then.map((next) => next(db))]);
    return result as T;
  }
  return db.transaction(async (tx) => {
    await lock(tx);
    const result = await query(tx);
    for (const next of then) await next(tx);
    return result;
  });
}

/**
 * Runs `work` in one transaction where the driver has interactive ones, so that a store's
 * write of several statements lands whole or not at all; on Neon's HTTP driver, which has
 * none, the statements run one by one, each still atomic on its own.
 */
export async function inTransaction<T>(db: PostgresDatabase, work: (db: PostgresDatabase) => Promise<T>): Promise<T> {
  return batches(db) ? work(db) : db.transaction(work);
}
