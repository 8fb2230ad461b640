/**
 * `@latchkey/drizzle/open`: the stores from whatever database URL the app is configured
 * with: a Postgres server (`postgres://`, over node-postgres) or libSQL (a `file:`, a
 * remote `libsql://` / `https://`, `:memory:`). For Node servers and the `latchkey`
 * command, which take the URL from the environment and must not care which it is.
 */
import type { OneTimeStore, ThrottleStore, TokenStore } from '@latchkey/core';
import type { SecretBox } from '@latchkey/core';
import { type LibsqlStores, openLibsqlStores } from './libsql.ts';
import { isPostgresUrl, openPostgresStores } from './node-postgres.ts';
import type { PostgresUserStore } from './postgres/user-store.ts';
import type { DrizzleTotpStore } from './totp-store.ts';
import type { DrizzleUserStore } from './user-store.ts';

/** Options for `openStores`. */
export interface OpenStoresOptions {
  /** A `postgres://` / `postgresql://` URL, or any URL `openLibsqlStores` takes. Required. */
  readonly url: string;
  /** Auth token for a remote libSQL database. Default: none. */
  readonly authToken?: string;
  /** Apply pending migrations before returning. Default `true`. */
  readonly migrate?: boolean;
  /** Seals signing secrets at rest (libSQL's signing-key store). Default: none. */
  readonly secrets?: SecretBox;
}

/** The stores over one database, whichever kind it is. */
export interface OpenStores {
  /** `"postgres"` or `"libsql"`: which kind of database the URL named. */
  readonly kind: 'postgres' | 'libsql';
  readonly tokens: TokenStore;
  readonly users: DrizzleUserStore | PostgresUserStore;
  readonly oneTime: OneTimeStore;
  /** TOTP two-factor state (`@latchkey/two-factor`); null on Postgres, which has no TOTP store yet. */
  readonly totp: DrizzleTotpStore | null;
  /** Counters shared by every process on the database: for the throttles' `store`. */
  readonly throttles: ThrottleStore;
  /**
   * All of `openLibsqlStores`' stores when the URL is libSQL's, signing keys and nonces
   * included; null on Postgres, which has no store for those yet.
   */
  readonly sqlite: LibsqlStores | null;
  /** Closes the connections. */
  close(): Promise<void>;
}

/** Opens the database a URL names and the stores over it. */
export async function openStores(options: OpenStoresOptions): Promise<OpenStores> {
  const migrate = options.migrate ?? true;
  if (isPostgresUrl(options.url)) {
    const { tokens, users, oneTime, throttles, close } = await openPostgresStores({ url: options.url, migrate });
    return { kind: 'postgres', tokens, users, oneTime, totp: null, throttles, sqlite: null, close };
  }
  const sqlite = await openLibsqlStores({
    url: options.url,
    migrate,
    ...(options.authToken !== undefined && { authToken: options.authToken }),
    ...(options.secrets !== undefined && { secrets: options.secrets }),
  });
  const { tokens, users, oneTime, totp, throttles } = sqlite;
  return { kind: 'libsql', tokens, users, oneTime, totp, throttles, sqlite, close: async () => sqlite.close() };
}
