/**
 * `@latchkey/drizzle/better-sqlite3`: both stores on a local SQLite file through
 * better-sqlite3 (12.x on Node 20), a synchronous driver: a token lookup is one prepared
 * statement with no promise in between. better-sqlite3 is an optional peer dependency.
 */
import Database from 'better-sqlite3';
import { drizzle } from 'drizzle-orm/better-sqlite3';
import { type SqliteStores, type SqliteStoresOptions, syncStores } from './sqlite-stores.ts';

/** Options for `openBetterSqlite3Stores`. */
export interface BetterSqlite3StoresOptions extends SqliteStoresOptions {
  /** A file path, or `":memory:"`. Default `"latchkey.db"`. */
  readonly path?: string;
}

/**
 * Opens a SQLite file with better-sqlite3 and both stores over it: WAL mode, migrations
 * (unless `migrate: false`), and writes that wait for another process's lock without
 * blocking other requests, then fail after `busyTimeout` (default 2 s).
 */
export function openBetterSqlite3Stores(options: BetterSqlite3StoresOptions = {}): Promise<SqliteStores> {
  const path = options.path ?? 'latchkey.db';
  const connection = new Database(path);
  return syncStores(drizzle(connection), connection, 'better-sqlite3', path !== ':memory:', options);
}
