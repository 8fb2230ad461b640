/**
 * `@latchkey/drizzle/d1`: the stores over a Cloudflare D1 binding, and the migrations in
 * a form a Worker can apply (it cannot read the .sql files).
 */
import { type AnyD1Database, type DrizzleD1Database, drizzle } from 'drizzle-orm/d1';
import { migrate } from './migrate.ts';
import { DrizzleOneTimeStore } from './one-time-store.ts';
import { DrizzleThrottleStore } from './throttle-store.ts';
import { DrizzleTokenStore } from './token-store.ts';
import { DrizzleRefreshTokenStore } from './refresh-token-store.ts';
import { DrizzleTotpStore } from './totp-store.ts';
import { DrizzleUserStore } from './user-store.ts';

/** What `d1Stores` returns. */
export interface D1Stores {
  /** The Drizzle database, for the app's own tables. */
  readonly db: DrizzleD1Database;
  /** Tokens in `latchkey_tokens`, for `createTokenService({ store })`. */
  readonly tokens: DrizzleTokenStore;
  /** Users in `latchkey_users`, for the authenticators' `users`. */
  readonly users: DrizzleUserStore;
  /** Counters in `latchkey_throttles`, shared by every isolate on the database: for the throttles' `store`. */
  readonly throttles: DrizzleThrottleStore;
  /** One-time tokens in `latchkey_one_time_tokens`, for `createOneTimeTokens({ store })`. */
  readonly oneTime: DrizzleOneTimeStore;
  /** TOTP two-factor state in `latchkey_totp`, for `createTotp({ store })` of `@latchkey/two-factor`. */
  readonly totp: DrizzleTotpStore;
  /** `@latchkey/jwt`'s refresh tokens, for `createJwtService({ refreshTokens })`. */
  readonly refreshTokens: DrizzleRefreshTokenStore;
}

// A Worker sees the same binding object on every request of an isolate: build the stores
// (and their prepared statements) once per binding, not once per request.
const storesByBinding = new WeakMap<object, D1Stores>();

/** The stores over a D1 binding (`env.DB`); the same instances for the same binding. */
export function d1Stores(binding: AnyD1Database): D1Stores {
  let stores = storesByBinding.get(binding);
  if (!stores) {
    const db = drizzle(binding);
    const users = new DrizzleUserStore(db);
    stores = {
      db,
      tokens: new DrizzleTokenStore(db, { users }),
      users,
      oneTime: new DrizzleOneTimeStore(db),
      totp: new DrizzleTotpStore(db),
      refreshTokens: new DrizzleRefreshTokenStore(db),
      throttles: new DrizzleThrottleStore(db),
    };
    storesByBinding.set(binding, stores);
  }
  return stores;
}

/**
 * Applies pending migrations to a D1 database, idempotently, from inside a Worker (or
 * anywhere holding a binding). The history is drizzle's `__drizzle_migrations` table.
 */
export function migrateD1(binding: AnyD1Database): Promise<void> {
  return migrate(drizzle(binding));
}
