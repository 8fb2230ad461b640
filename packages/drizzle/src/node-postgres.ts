/**
 * `@latchkey/drizzle/node-postgres`: the stores from a `postgres://` URL, over a
 * node-postgres (`pg`) pool. For Node, Bun and Deno servers; on Workers use
 * `@latchkey/drizzle/postgres` with Neon's driver instead.
 */
import { drizzle, type NodePgDatabase } from 'drizzle-orm/node-postgres';
import type { SecretBox } from '@latchkey/signatures';
import pg from 'pg';
import { migratePostgres } from './postgres/migrate.ts';
import { type PostgresStores, postgresStores } from './postgres/index.ts';

/** Options for `openPostgresStores`. */
export interface PostgresStoresOptions {
  /** `postgres://user:password@host:port/database` (or `postgresql://`). Required. */
  readonly url: string;
  /** Apply pending migrations before returning. Default `true`. */
  readonly migrate?: boolean;
  /** Most connections the pool opens. Default `10` (node-postgres's default). */
  readonly maxConnections?: number;
  /**
   * How long a request waits for a connection before failing (core answers 503), in
   * milliseconds. Default `5000`; node-postgres's own default is to wait forever, which
   * turns a database outage into requests that never end.
   */
  readonly connectTimeoutMs?: number;
  /** Seals signing keys' shared secrets (`createSecretBox(serverKey)`). Default none: public keys only. */
  readonly secrets?: SecretBox;
}

/** What `openPostgresStores` opens. */
export interface OpenPostgresStores extends PostgresStores {
  /** The Drizzle database, for the app's own tables. */
  readonly db: NodePgDatabase;
  /** The underlying pool. */
  readonly pool: pg.Pool;
  /** Closes the pool's connections. */
  close(): Promise<void>;
}

/** Whether a database URL names a Postgres server (`postgres://` or `postgresql://`). */
export const isPostgresUrl = (url: string): boolean => /^postgres(ql)?:\/\//i.test(url);

/** Opens a pool on a Postgres server and the stores over it. */
export async function openPostgresStores(options: PostgresStoresOptions): Promise<OpenPostgresStores> {
  if (!isPostgresUrl(options.url)) throw new TypeError('openPostgresStores: url must start with postgres:// or postgresql://');
  const pool = new pg.Pool({
    connectionString: options.url,
    max: options.maxConnections ?? 10,
    connectionTimeoutMillis: options.connectTimeoutMs ?? 5_000,
  });
  // An idle connection the server drops (a restart, a failover) is an 'error' event on the
  // pool, which would crash the process unhandled. The pool discards that connection itself
  // and the next query opens another or rejects, so there is nothing to do here.
  pool.on('error', () => {});
  try {
    const db = drizzle(pool);
    if (options.migrate ?? true) await migratePostgres(db);
    return { db, pool, ...postgresStores(db, options.secrets === undefined ? {} : { secrets: options.secrets }), close: () => pool.end() };
  } catch (error) {
    await pool.end();
    throw error;
  }
}
