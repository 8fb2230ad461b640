/**
 * `@latchkey/drizzle`: Latchkey's token and user stores over Drizzle's SQLite dialect, one
 * implementation for libSQL and D1. Drivers live in subpaths (`./libsql`, `./d1`), so
 * this entry imports none and runs anywhere, Workers included.
 */
export { migrate } from './migrate.ts';
export { DrizzleRefreshTokenStore } from './refresh-token-store.ts';
export { latchkeyRefreshTokens, latchkeyRevokedFamilies, latchkeyTokens, latchkeyUsers } from './schema.ts';
export { DrizzleTokenStore } from './token-store.ts';
export { type DrizzleUser, DrizzleUserStore, type DrizzleUserStoreOptions } from './user-store.ts';
