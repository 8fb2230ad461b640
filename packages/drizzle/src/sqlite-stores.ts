/**
 * The stores over a synchronous SQLite driver (better-sqlite3, `libsql`, bun:sqlite), the
 * part every driver shares: WAL mode, migrations, and writes that are durable when
 * acknowledged and never freeze the event loop (`sqlite-writes.ts`). Each driver's module
 * opens its connection and hands it here; this file imports no driver.
 */
import type { BaseSQLiteDatabase } from 'drizzle-orm/sqlite-core';
import type { SQLiteDatabase } from './database.ts';
import { migrate } from './migrate.ts';
import { LOCK_POLL_MS, serialWrites, type SyncConnection, syncStore } from './sqlite-writes.ts';
import type { SecretBox } from '@latchkey/signatures';
import { DrizzleOneTimeStore } from './one-time-store.ts';
import { DrizzleReplayStore } from './replay-store.ts';
import { DrizzleSigningKeyStore } from './signing-key-store.ts';
import { DrizzleThrottleStore } from './throttle-store.ts';
import { DrizzleTokenStore } from './token-store.ts';
import { DrizzleRefreshTokenStore } from './refresh-token-store.ts';
import { DrizzleTotpStore } from './totp-store.ts';
import { DrizzleUserStore } from './user-store.ts';

/** Options every synchronous driver's opener takes. */
export interface SqliteStoresOptions {
  /** Apply pending migrations before returning. Default `true`. */
  readonly migrate?: boolean;
  /**
   * Longest a write waits, on a timer and without blocking other requests, for a lock held
   * by another process; then it fails and core answers 503. Milliseconds; default `2_000`.
   */
  readonly busyTimeout?: number;
  /** Seals signing keys' shared secrets (`createSecretBox(serverKey)`). Default none: public keys only. */
  readonly secrets?: SecretBox;
}

/** What a store opener returns, whatever the driver. */
export interface SqliteStores {
  /** The Drizzle database, for the app's own tables. Its own writes are not serialised. */
  readonly db: SQLiteDatabase;
  /** Which driver answers: `"better-sqlite3"`, `"libsql"`, `"bun:sqlite"` or `"@libsql/client"`. */
  readonly driver: string;
  /** Tokens in `latchkey_tokens`, for `createTokenService({ store })`. */
  readonly tokens: DrizzleTokenStore;
  /** Users in `latchkey_users`, for the authenticators' `users`. */
  readonly users: DrizzleUserStore;
  /** One-time tokens in `latchkey_one_time_tokens`, for `createOneTimeTokens({ store })`. */
  readonly oneTime: DrizzleOneTimeStore;
  /** TOTP two-factor state in `latchkey_totp`, for `createTotp({ store })` of `@latchkey/two-factor`. */
  readonly totp: DrizzleTotpStore;
  /** `@latchkey/jwt`'s refresh tokens, for `createJwtService({ refreshTokens })`. */
  readonly refreshTokens: DrizzleRefreshTokenStore;
  /** Signing keys in `latchkey_signing_keys`, for `hawkAuth` / `httpSignatureAuth` (`@latchkey/signatures`). */
  readonly signingKeys: DrizzleSigningKeyStore;
  /** Signed requests' nonces in `latchkey_nonces`, their shared replay store. */
  readonly nonces: DrizzleReplayStore;
  /** Counters in `latchkey_throttles`, shared by every process on the database: for the throttles' `store`. */
  readonly throttles: DrizzleThrottleStore;
  /** Closes the connection. */
  close(): void;
}

/** A synchronous connection as the stores use it. */
export interface SyncDatabase extends SyncConnection {
  close(): unknown;
}

// The request path's reads: they run directly, since in WAL mode a reader never waits.
// Every other method is a write and goes through `serialWrites`.
const TOKEN_READS = new Set<PropertyKey>(['findByDigest', 'findWithUser', 'listForUser', 'revokedSince']);
const USER_READS = new Set<PropertyKey>(['findById', 'findByUsername', 'findByEmail', 'getPasswordHash']);
const ONE_TIME_READS = new Set<PropertyKey>(['find']);
const TOTP_READS = new Set<PropertyKey>(['find', 'countBackupCodes']);
const REFRESH_READS = new Set<PropertyKey>(['find', 'revokedFamilies']);
const SIGNING_KEY_READS = new Set<PropertyKey>(['find', 'listForUser', 'listWithoutKeys']);
const THROTTLE_READS = new Set<PropertyKey>(['get']);

/** How long migrations at open may block: nothing is served yet (ms). */
const OPEN_BUSY_TIMEOUT_MS = 5_000;

/**
 * The stores over `db`, a Drizzle database on the synchronous `connection`. `file`: the
 * database is a file, to be put in WAL mode. Closes the connection if opening fails.
 */
export async function syncStores(
  db: BaseSQLiteDatabase<'sync', any, any>,
  connection: SyncDatabase,
  driver: string,
  file: boolean,
  options: SqliteStoresOptions,
): Promise<SqliteStores> {
  try {
    connection.exec(`PRAGMA busy_timeout = ${OPEN_BUSY_TIMEOUT_MS}`);
    if (file) connection.exec('PRAGMA journal_mode = WAL');
    if (options.migrate ?? true) await migrate(db);
    // From here on the connection's own wait only bounds how long one attempt blocks.
    connection.exec(`PRAGMA busy_timeout = ${LOCK_POLL_MS}`);
    const writes = serialWrites(connection, options.busyTimeout === undefined ? {} : { busyTimeout: options.busyTimeout });
    const users = syncStore('DrizzleUserStore', DrizzleUserStore, () => new DrizzleUserStore(db), USER_READS, writes);
    // Joined with the very user store handed out, so findWithUser serves its authenticators;
    // except on bun:sqlite, where the joined statement costs more than the two lookups it
    // replaces (`npm run bench`: 13 µs against 3.9 + 3.0 µs; better-sqlite3: 5.9 against 4.4 + 3.6).
    const joined = driver === 'bun:sqlite' ? {} : { users };
    const tokens = syncStore('DrizzleTokenStore', DrizzleTokenStore, () => new DrizzleTokenStore(db, joined), TOKEN_READS, writes);
    const oneTime = syncStore('DrizzleOneTimeStore', DrizzleOneTimeStore, () => new DrizzleOneTimeStore(db), ONE_TIME_READS, writes);
    // Its writes of two statements (save, enable, delete) then run in one transaction too.
    const totp = syncStore('DrizzleTotpStore', DrizzleTotpStore, () => new DrizzleTotpStore(db), TOTP_READS, writes);
    const refreshTokens = syncStore('DrizzleRefreshTokenStore', DrizzleRefreshTokenStore, () => new DrizzleRefreshTokenStore(db), REFRESH_READS, writes);
    const secrets = options.secrets === undefined ? {} : { secrets: options.secrets };
    const signingKeys = syncStore('DrizzleSigningKeyStore', DrizzleSigningKeyStore, () => new DrizzleSigningKeyStore(db, secrets), SIGNING_KEY_READS, writes);
    // Every remember is a write (an upsert), so all go through the write queue.
    const nonces = syncStore('DrizzleReplayStore', DrizzleReplayStore, () => new DrizzleReplayStore(db), new Set(), writes);
    // An increment is a write (one upsert): serialised like the others.
    const throttles = syncStore('DrizzleThrottleStore', DrizzleThrottleStore, () => new DrizzleThrottleStore(db), THROTTLE_READS, writes);
    return {
      db,
      driver,
      tokens,
      users,
      oneTime,
      totp,
      refreshTokens,
      signingKeys,
      nonces,
      throttles,
      close: () => void connection.close(),
    };
  } catch (error) {
    connection.close();
    throw error;
  }
}
