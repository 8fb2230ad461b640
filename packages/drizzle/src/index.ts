/**
 * `@latchkey/drizzle`: Latchkey's token, one-time token and user stores over Drizzle's SQLite dialect, one
 * implementation for libSQL and D1. Drivers live in subpaths (`./libsql`, `./d1`), so
 * this entry imports none and runs anywhere, Workers included.
 */
export { migrate } from './migrate.ts';
export { DrizzleOneTimeStore } from './one-time-store.ts';
export { DrizzleRefreshTokenStore } from './refresh-token-store.ts';
export {
  latchkeyOneTimeTokens,
  latchkeyRefreshTokens,
  latchkeyRevokedFamilies,
  latchkeyTokens,
  latchkeyTotp,
  latchkeyTotpBackupCodes,
  latchkeyUsers,
} from './schema.ts';
export { DrizzleTotpStore } from './totp-store.ts';
export { DrizzleTokenStore } from './token-store.ts';
export { type DrizzleUser, DrizzleUserStore, type DrizzleUserStoreOptions } from './user-store.ts';
