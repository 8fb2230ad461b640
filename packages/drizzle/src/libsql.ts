/**
 * `@latchkey/drizzle/libsql`: both stores from a libSQL URL. On one machine that is an
 * embedded file (`file:latchkey.db`); when one machine is not enough, the same call takes
 * a remote `libsql://` or `https://` URL and an auth token (as Turso serves), with no
 * other change.
 *
 * A local file is opened with a synchronous driver, the fastest available (bun:sqlite in
 * Bun, else better-sqlite3 if installed, else the `libsql` package that `@libsql/client`
 * itself loads for files): a lookup then costs a few microseconds instead of a promise
 * round trip through `@libsql/client` (about 55 µs). Remote URLs keep `@libsql/client`.
 */
import { type Client, createClient } from '@libsql/client';
import { BetterSQLiteSession } from 'drizzle-orm/better-sqlite3/session';
import { drizzle } from 'drizzle-orm/libsql';
import { BaseSQLiteDatabase, SQLiteSyncDialect } from 'drizzle-orm/sqlite-core';
import { migrate } from './migrate.ts';
import { DrizzleOneTimeStore } from './one-time-store.ts';
import { DrizzleReplayStore } from './replay-store.ts';
import { DrizzleSigningKeyStore } from './signing-key-store.ts';
import { type SqliteStores, type SqliteStoresOptions, syncStores } from './sqlite-stores.ts';
import { DrizzleThrottleStore } from './throttle-store.ts';
import { DrizzleTokenStore } from './token-store.ts';
import { DrizzleRefreshTokenStore } from './refresh-token-store.ts';
import { DrizzleTotpStore } from './totp-store.ts';
import { DrizzleUserStore } from './user-store.ts';

/** The database when none is named: a file in the working directory. */
export const DEFAULT_DATABASE_URL = 'file:latchkey.db';

/** A driver for a local file or `:memory:`; `"auto"` picks the fastest available. */
export type LocalDriver = 'auto' | 'bun:sqlite' | 'better-sqlite3' | 'libsql';

/** Options for `openLibsqlStores`. */
export interface LibsqlStoresOptions extends SqliteStoresOptions {
  /**
   * `file:path.db`, `:memory:`, or a remote `libsql://…` / `https://…` URL.
   * Default `"file:latchkey.db"`.
   */
  readonly url?: string;
  /** Auth token for a remote database. Default: none. */
  readonly authToken?: string;
  /** The driver for a local file or `:memory:`; ignored for remote URLs. Default `"auto"`. */
  readonly driver?: LocalDriver;
}

/** What `openLibsqlStores` opens (`driver` says which driver answers). */
export type LibsqlStores = SqliteStores;

// Named through a variable so that Node's type checking and bundlers never load bun:sqlite.
const BUN_SQLITE = '@latchkey/drizzle/bun-sqlite';

// How long a remote or @libsql/client write waits for a lock before SQLITE_BUSY.
const REMOTE_TIMEOUT_MS = 5_000;

/** The file path in a `file:` URL or `:memory:`; null for a remote URL. */
function localPath(url: string): string | null {
  if (url === ':memory:' || url === 'file::memory:') return ':memory:';
  if (!url.startsWith('file:')) return null;
  return url.startsWith('file://') ? decodeURIComponent(new URL(url).pathname) : url.slice('file:'.length);
}

async function openLocal(path: string, driver: LocalDriver, options: SqliteStoresOptions): Promise<SqliteStores> {
  const inBun = typeof (globalThis as { Bun?: unknown }).Bun !== 'undefined';
  if (driver === 'bun:sqlite' || (driver === 'auto' && inBun)) {
    const module: { openBunSqliteStores(options: SqliteStoresOptions & { path: string }): Promise<SqliteStores> } =
      await import(BUN_SQLITE);
    return module.openBunSqliteStores({ ...options, path });
  }
  if (driver === 'better-sqlite3' || driver === 'auto') {
    const module = await import('./better-sqlite3.ts').catch((error: unknown) => {
      // Optional: without it the `libsql` package below serves, a little slower.
      if (driver === 'auto' && isMissing(error, 'better-sqlite3')) return null;
      throw error;
    });
    if (module) return module.openBetterSqlite3Stores({ ...options, path });
  }
  const { default: Database } = await import('libsql');
  const connection = new Database(path);
  // The `libsql` package has better-sqlite3's API, which is what drizzle-orm's better-sqlite3
  // session calls. Its `drizzle()` is not used: that module imports better-sqlite3 itself.
  const dialect = new SQLiteSyncDialect();
  const session = new BetterSQLiteSession(connection as never, dialect, undefined);
  const db = new BaseSQLiteDatabase('sync', dialect, session, undefined);
  return syncStores(db, connection, 'libsql', path !== ':memory:', options);
}

const isMissing = (error: unknown, name: string) =>
  (error as { code?: unknown }).code === 'ERR_MODULE_NOT_FOUND' && String((error as Error).message).includes(`'${name}'`);

/**
 * Opens a libSQL database and the stores over it. A local file goes to a synchronous
 * driver (see the module comment) in WAL mode, so readers never wait for a writer, and its
 * writes wait up to `busyTimeout` for another process's lock without blocking other
 * requests. A remote URL goes to `@libsql/client`.
 */
export async function openLibsqlStores(options: LibsqlStoresOptions = {}): Promise<LibsqlStores> {
  const url = options.url ?? DEFAULT_DATABASE_URL;
  const path = localPath(url);
  if (path !== null) return openLocal(path, options.driver ?? 'auto', options);
  const client: Client = createClient({
    url,
    timeout: REMOTE_TIMEOUT_MS,
    ...(options.authToken !== undefined && { authToken: options.authToken }),
  });
  try {
    const db = drizzle(client);
    if (options.migrate ?? true) await migrate(db);
    const users = new DrizzleUserStore(db);
    return {
      db,
      driver: '@libsql/client',
      tokens: new DrizzleTokenStore(db, { users }),
      users,
      oneTime: new DrizzleOneTimeStore(db),
      totp: new DrizzleTotpStore(db),
      refreshTokens: new DrizzleRefreshTokenStore(db),
      signingKeys: new DrizzleSigningKeyStore(db, options.secrets === undefined ? {} : { secrets: options.secrets }),
      nonces: new DrizzleReplayStore(db),
      throttles: new DrizzleThrottleStore(db),
      close: () => client.close(),
    };
  } catch (error) {
    client.close();
    throw error;
  }
}
