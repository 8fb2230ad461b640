/**
 * Applies the package's migrations, idempotently, to a libSQL or D1 database.
 *
 * The SQL is drizzle-kit's output in ./drizzle, embedded in `migrations.ts` because a
 * Worker cannot read files. The bookkeeping is drizzle's own (`__drizzle_migrations`, the
 * same hashes and timestamps), so `drizzle-orm/libsql/migrator` pointed at ./drizzle and
 * this function see the same history and either can be used after the other.
 */
import { desc, sql } from 'drizzle-orm';
import type { BatchItem } from 'drizzle-orm/batch';
import { type BaseSQLiteDatabase, integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { redacted, type SQLiteDatabase } from './database.ts';
import { migrations } from './migrations.ts';

// Drizzle's history table, declared as drizzle's migrators create it.
const history = sqliteTable('__drizzle_migrations', {
  id: integer('id'),
  hash: text('hash').notNull(),
  createdAt: integer('created_at'),
});
const CREATE_HISTORY = sql`CREATE TABLE IF NOT EXISTS ${history} (
  id SERIAL PRIMARY KEY,
  hash text NOT NULL,
  created_at numeric
)`;

/** A Drizzle SQLite database that can run several statements as one atomic batch. */
export interface BatchDatabase extends BaseSQLiteDatabase<'async', any, any> {
  batch(queries: readonly [BatchItem<'sqlite'>, ...BatchItem<'sqlite'>[]]): Promise<unknown>;
}

/** A database `migrate` takes: one with batches (libSQL), or a synchronous one (better-sqlite3, bun:sqlite). */
export type MigratableDatabase = BatchDatabase | BaseSQLiteDatabase<'sync', any, any>;

const isBatchDatabase = (db: MigratableDatabase): db is BatchDatabase => 'batch' in db;

/**
 * Brings the Latchkey tables up to date; does nothing when they already are. Pending
 * migrations run in one batch, so they apply entirely or not at all. Run it once per
 * deployment (`latchkey migrate`) rather than from several processes at the same moment:
 * like drizzle's migrator, it reads the history before it writes.
 *
 * For libSQL (`file:`, `:memory:`, remote); D1 has `migrateD1` in `@latchkey/drizzle/d1`.
 */
export async function migrate(db: MigratableDatabase): Promise<void> {
  const any: SQLiteDatabase = db;
  await redacted('migrate', any.run(CREATE_HISTORY));
  const [last] = await redacted(
    'migrate',
    any.select({ createdAt: history.createdAt }).from(history).orderBy(desc(history.createdAt)).limit(1),
  );
  const appliedUpTo = Number(last?.createdAt ?? -Infinity);
  const pending = migrations.filter((migration) => migration.folderMillis > appliedUpTo);
  if (!isBatchDatabase(db)) {
    // A synchronous driver runs statements as they are built, so they go inside its
    // transaction (immediate: the write lock is taken before the history is trusted).
    db.transaction(
      (tx) => {
        for (const migration of pending) {
          for (const statement of migration.sql) tx.run(sql.raw(statement));
          tx.insert(history).values({ hash: migration.hash, createdAt: migration.folderMillis }).run();
        }
      },
      { behavior: 'immediate' },
    );
    return;
  }
  const queries = pending
    .flatMap((migration) => [
      ...migration.sql.map((statement) => db.run(sql.raw(statement))),
      db.insert(history).values({ hash: migration.hash, createdAt: migration.folderMillis }),
    ]);
  const [first, ...rest] = queries;
  if (first !== undefined) await redacted('migrate', db.batch([first, ...rest]));
}
