/**
 * `@latchkey/drizzle/bun-sqlite`: both stores on a local SQLite file through Bun's built-in
 * `bun:sqlite`, a synchronous driver. Runs in Bun only.
 */
import { Database } from 'bun:sqlite';
import { drizzle } from 'drizzle-orm/bun-sqlite';
import { type SqliteStores, type SqliteStoresOptions, syncStores } from './sqlite-stores.ts';

/** Options for `openBunSqliteStores`. */
export interface BunSqliteStoresOptions extends SqliteStoresOptions {
  /** A file path, or `":memory:"`. Default `"latchkey.db"`. */
  readonly path?: string;
}

/**
 * Opens a SQLite file with bun:sqlite and both stores over it: WAL mode, migrations
 * (unless `migrate: false`), and writes that wait for another process's lock without
 * blocking other requests, then fail after `busyTimeout` (default 2 s).
 */
export function openBunSqliteStores(options: BunSqliteStoresOptions = {}): Promise<SqliteStores> {
  const path = options.path ?? 'latchkey.db';
  const connection = new Database(path);
  return syncStores(drizzle(connection), connection, 'bun:sqlite', path !== ':memory:', options);
}
