/**
 * Applies the package's Postgres migrations, idempotently.
 *
 * The SQL is drizzle-kit's output in ./drizzle-postgres, embedded in `migrations.ts` so that
 * a Worker (Neon) can apply it without reading files. The bookkeeping is drizzle's own
 * (`drizzle.__drizzle_migrations`, the same hashes and timestamps), so
 * `drizzle-orm/node-postgres/migrator` pointed at ./drizzle-postgres and this function see
 * the same history and either can be used after the other.
 */
import { desc, sql } from 'drizzle-orm';
import { bigint, pgSchema, serial, text } from 'drizzle-orm/pg-core';
import { redacted } from '../database.ts';
import type { PostgresDatabase } from './database.ts';
import { migrations } from './migrations.ts';

// Drizzle's history table, declared as drizzle's Postgres migrators create it.
const drizzleSchema = pgSchema('drizzle');
const history = drizzleSchema.table('__drizzle_migrations', {
  id: serial('id').primaryKey(),
  hash: text('hash').notNull(),
  createdAt: bigint('created_at', { mode: 'number' }),
});

// Any constant: processes migrating at once take turns on it.
const MIGRATION_LOCK = sql`SELECT pg_advisory_xact_lock(hashtextextended('latchkey_migrations', 0))`;

/**
 * Brings the Latchkey tables up to date in a Postgres database; does nothing when they
 * already are. Everything runs in one transaction under an advisory lock, so pending
 * migrations apply entirely or not at all, and processes starting at the same moment wait
 * for each other instead of applying them twice. Needs a driver with transactions
 * (node-postgres, postgres.js, PGlite, Neon's WebSocket `Pool`); Neon's HTTP driver has
 * none: migrate from the `latchkey` command or a `Pool` instead.
 */
export async function migratePostgres(db: PostgresDatabase): Promise<void> {
  await redacted(
    'migratePostgres',
    db.transaction(async (tx) => {
      await tx.execute(MIGRATION_LOCK);
      await tx.execute(sql`CREATE SCHEMA IF NOT EXISTS ${drizzleSchema}`);
      await tx.execute(sql`CREATE TABLE IF NOT EXISTS ${history} (
        id SERIAL PRIMARY KEY,
        hash text NOT NULL,
        created_at bigint
      )`);
      const [last] = await tx.select({ createdAt: history.createdAt }).from(history).orderBy(desc(history.createdAt)).limit(1);
      const appliedUpTo = Number(last?.createdAt ?? -Infinity);
      for (const migration of migrations.filter((m) => m.folderMillis > appliedUpTo)) {
        for (const statement of migration.sql) await tx.execute(sql.raw(statement));
        await tx.insert(history).values({ hash: migration.hash, createdAt: migration.folderMillis });
      }
    }),
  );
}
