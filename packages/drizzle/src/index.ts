/**
 * `@latchkey/drizzle`: Latchkey's token, one-time token, user and throttle stores over
 * Drizzle's SQLite dialect, one implementation for libSQL and D1 (Postgres: `./postgres`).
 * Drivers live in subpaths (`./libsql`, `./d1`), so this entry imports none and runs
 * anywhere, Workers included.
 */
export { migrate } from './migrate.ts';
export { DrizzleOneTimeStore } from './one-time-store.ts';
export { DrizzleReplayStore } from './replay-store.ts';
export { DrizzleRefreshTokenStore } from './refresh-token-store.ts';
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
export { DrizzleSigningKeyStore, type DrizzleSigningKeyStoreOptions } from './signing-key-store.ts';
export { DrizzleThrottleStore, type DrizzleThrottleStoreOptions } from './throttle-store.ts';
export { DrizzleTotpStore } from './totp-store.ts';
export { DrizzleTokenStore } from './token-store.ts';
export { type DrizzleUser, DrizzleUserStore, type DrizzleUserStoreOptions } from './user-store.ts';
