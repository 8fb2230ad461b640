/**
 * `@latchkey/drizzle/postgres`: Latchkey's token, user, one-time, throttle, TOTP, signing-key,
 * nonce and refresh-token stores over Drizzle's Postgres dialect, for any driver Drizzle has
 * (node-postgres, postgres.js, Neon's HTTP and WebSocket drivers, PGlite). This entry imports
 * no driver and nothing from `node:*`, so it bundles for Workers; `@latchkey/drizzle/node-postgres`
 * opens a database from a URL.
 */
import type { SecretBox } from '@latchkey/signatures';
import type { DrizzleUserStoreOptions } from '../user-store.ts';
import type { PostgresDatabase } from './database.ts';
import { PostgresOneTimeStore } from './one-time-store.ts';
import { PostgresRefreshTokenStore } from './refresh-token-store.ts';
import { PostgresReplayStore } from './replay-store.ts';
import { PostgresSigningKeyStore } from './signing-key-store.ts';
import { PostgresThrottleStore } from './throttle-store.ts';
import { PostgresTokenStore } from './token-store.ts';
import { PostgresTotpStore } from './totp-store.ts';
import { PostgresUserStore } from './user-store.ts';

export type { PostgresDatabase } from './database.ts';
export { migratePostgres } from './migrate.ts';
export { PostgresOneTimeStore } from './one-time-store.ts';
export { PostgresRefreshTokenStore } from './refresh-token-store.ts';
export { PostgresReplayStore } from './replay-store.ts';
export {
  latchkeyNonces,
  latchkeyOneTimeTokens,
  latchkeyRefreshTokens,
  latchkeyRevokedFamilies,
  latchkeySigningKeys,
  latchkeyThrottles,
  latchkeyTokens,
  latchkeyTotp,
  latchkeyTotpBackupCodes,
  latchkeyUsers,
} from './schema.ts';
export { PostgresSigningKeyStore } from './signing-key-store.ts';
export { PostgresThrottleStore } from './throttle-store.ts';
export { PostgresTokenStore, type PostgresTokenStoreOptions } from './token-store.ts';
export { PostgresTotpStore } from './totp-store.ts';
export { PostgresUserStore } from './user-store.ts';

/** Options for `postgresStores`. */
export interface PostgresDatabaseStoresOptions extends DrizzleUserStoreOptions {
  /** Seals signing keys' shared secrets (`createSecretBox(serverKey)`). Default none: public keys only. */
  readonly secrets?: SecretBox;
}

/** The stores over one Postgres database. */
export interface PostgresStores {
  /** Tokens in `latchkey_tokens`, for `createTokenService({ store })`. */
  readonly tokens: PostgresTokenStore;
  /** Users in `latchkey_users`, for the authenticators' `users`. */
  readonly users: PostgresUserStore;
  /** One-time tokens in `latchkey_one_time_tokens`, for `createOneTimeTokens({ store })`. */
  readonly oneTime: PostgresOneTimeStore;
  /** TOTP two-factor state in `latchkey_totp`, for `createTotp({ store })` of `@latchkey/two-factor`. */
  readonly totp: PostgresTotpStore;
  /** `@latchkey/jwt`'s refresh tokens in `latchkey_refresh_tokens`, for `createJwtService({ refreshTokens })`. */
  readonly refreshTokens: PostgresRefreshTokenStore;
  /** Signing keys in `latchkey_signing_keys`, for `hawkAuth` / `httpSignatureAuth` (`@latchkey/signatures`). */
  readonly signingKeys: PostgresSigningKeyStore;
  /** Signed requests' nonces in `latchkey_nonces`, their shared replay store. */
  readonly nonces: PostgresReplayStore;
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
export function postgresStores(db: PostgresDatabase, options: PostgresDatabaseStoresOptions = {}): PostgresStores {
  const { secrets, ...userOptions } = options;
  const users = new PostgresUserStore(db, userOptions);
  return {
    tokens: new PostgresTokenStore(db, { users }),
    users,
    oneTime: new PostgresOneTimeStore(db),
    totp: new PostgresTotpStore(db),
    refreshTokens: new PostgresRefreshTokenStore(db),
    signingKeys: new PostgresSigningKeyStore(db, secrets === undefined ? {} : { secrets }),
    nonces: new PostgresReplayStore(db),
    throttles: new PostgresThrottleStore(db),
  };
}
