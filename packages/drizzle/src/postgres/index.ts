/**
 * `@latchkey/drizzle/postgres`: Latchkey's token, user, one-time and throttle stores over Drizzle's
 * Postgres dialect, for any driver Drizzle has (node-postgres, postgres.js, Neon's HTTP and
 * WebSocket drivers, PGlite). This entry imports no driver and nothing from `node:*`, so it
 * bundles for Workers; `@latchkey/drizzle/node-postgres` opens a database from a URL.
 */
import type { DrizzleUserStoreOptions } from '../user-store.ts';
import type { PostgresDatabase } from './database.ts';
import { PostgresOneTimeStore } from './one-time-store.ts';
import { PostgresThrottleStore } from './throttle-store.ts';
import { PostgresTokenStore } from './token-store.ts';
import { PostgresUserStore } from './user-store.ts';

export type { PostgresDatabase } from './database.ts';
export { migratePostgres } from './migrate.ts';
export { PostgresOneTimeStore } from './one-time-store.ts';
export { latchkeyOneTimeTokens, latchkeyThrottles, latchkeyTokens, latchkeyUsers } from './schema.ts';
export { PostgresThrottleStore } from './throttle-store.ts';
export { PostgresTokenStore, type PostgresTokenStoreOptions } from './token-store.ts';
export { PostgresUserStore } from './user-store.ts';

/** The stores over one Postgres database. */
export interface PostgresStores {
  /** Tokens in `latchkey_tokens`, for `createTokenService({ store })`. */
  readonly tokens: PostgresTokenStore;
  /** Users in `latchkey_users`, for the authenticators' `users`. */
  readonly users: PostgresUserStore;
  /** One-time tokens in `latchkey_one_time_tokens`, for `createOneTimeTokens({ store })`. */
  readonly oneTime: PostgresOneTimeStore;
  /** Counters in `latchkey_throttles`, shared by every instance: for the throttles' `store`. */
  readonly throttles: PostgresThrottleStore;
}

/**
 * The stores over a Drizzle Postgres database (whatever `drizzle(…)` returned for your
 * driver), migrated with `migratePostgres(db)`.
 *
 * ```ts
 * const db = drizzle(new Pool({ connectionString: process.env.DATABASE_URL }));
 * await migratePostgres(db);
 * const { tokens, users, throttles } = postgresStores(db);
 * ```
 */
export function postgresStores(db: PostgresDatabase, options: DrizzleUserStoreOptions = {}): PostgresStores {
  const users = new PostgresUserStore(db, options);
  return {
    tokens: new PostgresTokenStore(db, { users }),
    users,
    oneTime: new PostgresOneTimeStore(db),
    throttles: new PostgresThrottleStore(db),
  };
}
