/**
 * `@latchkey/drizzle/libsql`: both stores from a libSQL URL. On one machine that is an
 * embedded file (`file:latchkey.db`); when one machine is not enough, the same call takes
 * a remote `libsql://` or `https://` URL and an auth token (as Turso serves), with no
 * other change. The only module besides the CLI that imports `@libsql/client`.
 */
import { type Client, createClient } from '@libsql/client';
import { drizzle, type LibSQLDatabase } from 'drizzle-orm/libsql';
import { migrate } from './migrate.ts';
import { DrizzleOneTimeStore } from './one-time-store.ts';
import { DrizzleRefreshTokenStore } from './refresh-token-store.ts';
import { DrizzleTokenStore } from './token-store.ts';
import { DrizzleUserStore } from './user-store.ts';

/** The database when none is named: a file in the working directory. */
export const DEFAULT_DATABASE_URL = 'file:latchkey.db';

// How long a write waits for another connection or process to release the file before it
// fails with SQLITE_BUSY (libSQL's default is not to wait at all).
const BUSY_TIMEOUT_MS = 5_000;

/** Options for `openLibsqlStores`. */
export interface LibsqlStoresOptions {
  /**
   * `file:path.db`, `:memory:`, or a remote `libsql://…` / `https://…` URL.
   * Default `"file:latchkey.db"`.
   */
  readonly url?: string;
  /** Auth token for a remote database. Default: none. */
  readonly authToken?: string;
  /** Apply pending migrations before returning. Default `true`. */
  readonly migrate?: boolean;
}

/** What `openLibsqlStores` opens. */
export interface LibsqlStores {
  /** The Drizzle database, for the app's own tables. */
  readonly db: LibSQLDatabase;
  /** The underlying libSQL client. */
  readonly client: Client;
  /** Tokens in `latchkey_tokens`, for `createTokenService({ store })`. */
  readonly tokens: DrizzleTokenStore;
  /** Users in `latchkey_users`, for the authenticators' `users`. */
  readonly users: DrizzleUserStore;
  /** One-time tokens in `latchkey_one_time_tokens`, for `createOneTimeTokens({ store })`. */
  readonly oneTime: DrizzleOneTimeStore;
  /** `@latchkey/jwt`'s refresh tokens, for `createJwtService({ refreshTokens })`. */
  readonly refreshTokens: DrizzleRefreshTokenStore;
  /** Closes the client. */
  close(): void;
}

const isLocalFile = (url: string) => url.startsWith('file:') && !url.includes(':memory:');

/**
 * Opens a libSQL database and the two stores over it. A local file is put in WAL mode,
 * so readers never wait for a writer, and every connection waits up to 5 s for a lock
 * held by another process instead of failing at once.
 */
export async function openLibsqlStores(options: LibsqlStoresOptions = {}): Promise<LibsqlStores> {
  const url = options.url ?? DEFAULT_DATABASE_URL;
  const client = createClient({
    url,
    timeout: BUSY_TIMEOUT_MS,
    ...(options.authToken !== undefined && { authToken: options.authToken }),
  });
  try {
    if (isLocalFile(url)) await client.execute('PRAGMA journal_mode = WAL');
    const db = drizzle(client);
    if (options.migrate ?? true) await migrate(db);
    return {
      db,
      client,
      tokens: new DrizzleTokenStore(db),
      users: new DrizzleUserStore(db),
      oneTime: new DrizzleOneTimeStore(db),
      refreshTokens: new DrizzleRefreshTokenStore(db),
      close: () => client.close(),
    };
  } catch (error) {
    client.close();
    throw error;
  }
}
