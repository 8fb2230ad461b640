/**
 * The Drizzle schema (SQLite dialect: libSQL, D1, bun:sqlite) for Latchkey's tables.
 *
 * - `latchkey_tokens` holds one row per issued token. The plaintext token is never stored:
 *   `digest` is core's SHA-256 (or HMAC-SHA256) of it, unique and therefore indexed, and
 *   every request looks a token up by it. Revoked rows keep `revoked_at` until purged.
 * - `latchkey_one_time_tokens` holds the one-time tokens the account flows mail (reset,
 *   activation, email change): a digest again, never the token, found by the public id the
 *   token carries, consumed by one atomic DELETE.
 * - `latchkey_users` is a ready users table for apps that have none. An app with its own
 *   users table does not need it: implement core's `UserStore` over that table instead
 *   (see the README), and tokens refer to its ids through `user_id`, which is text so any
 *   key fits.
 * - `latchkey_throttles` holds the throttles' expiring counters, so every instance on the
 *   database counts against one limit.
 *
 * All times are integer milliseconds since the epoch, as core counts them.
 */
import { sql } from 'drizzle-orm';
import { index, integer, primaryKey, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';

/** Issued tokens. `scopes` is space-separated (core refuses scopes containing spaces). */
export const latchkeyTokens = sqliteTable(
  'latchkey_tokens',
  {
    id: text('id').primaryKey(),
    userId: text('user_id').notNull(),
    digest: text('digest').notNull().unique(),
    // 'api' or 'session': core checks it on every verification.
    purpose: text('purpose', { enum: ['api', 'session'] }).notNull().default('api'),
    name: text('name'),
    scopes: text('scopes').notNull().default(''),
    createdAt: integer('created_at').notNull(),
    expiresAt: integer('expires_at'),
    lastUsedAt: integer('last_used_at'),
    // Soft revocation: the row stays as an audit trail until purged.
    revokedAt: integer('revoked_at'),
  },
  (table) => [
    // Listing, revoking and counting a user's tokens (the per-user limit).
    index('latchkey_tokens_user_id_idx').on(table.userId),
    // Purging expired tokens.
    index('latchkey_tokens_expires_at_idx').on(table.expiresAt),
    // The revocation feed (what was revoked since a time) and purging revoked tokens.
    index('latchkey_tokens_revoked_at_idx').on(table.revokedAt),
  ],
);

/** One-time tokens: one row per mailed link until it is used, revoked or purged. */
export const latchkeyOneTimeTokens = sqliteTable(
  'latchkey_one_time_tokens',
  {
    id: text('id').primaryKey(),
    userId: text('user_id').notNull(),
    purpose: text('purpose').notNull(),
    digest: text('digest').notNull(),
    data: text('data'),
    createdAt: integer('created_at').notNull(),
    expiresAt: integer('expires_at').notNull(),
    attempts: integer('attempts').notNull().default(0),
    maxAttempts: integer('max_attempts').notNull(),
  },
  (table) => [
    // Revoking a user's tokens (a password change kills pending resets).
    index('latchkey_one_time_tokens_user_id_idx').on(table.userId),
    index('latchkey_one_time_tokens_expires_at_idx').on(table.expiresAt),
  ],
);

/**
 * The ready users table. Ids are integers here and strings to core ("1", "2", …). Emails are
 * optional and unique by `lower(email)`: SQLite's `lower()` folds ASCII only, which is the
 * case-insensitivity core's contract asks for.
 */
export const latchkeyUsers = sqliteTable(
  'latchkey_users',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    username: text('username').notNull().unique(),
    passwordHash: text('password_hash'),
    isActive: integer('is_active', { mode: 'boolean' }).notNull().default(true),
    isStaff: integer('is_staff', { mode: 'boolean' }).notNull().default(false),
    email: text('email'),
    emailVerifiedAt: integer('email_verified_at'),
    createdAt: integer('created_at').notNull(),
  },
  (table) => [uniqueIndex('latchkey_users_email_lower_unique').on(sql`lower(${table.email})`)],
);

/** Throttle counters shared by every instance: one row per key and window. */
export const latchkeyThrottles = sqliteTable(
  'latchkey_throttles',
  {
    key: text('key').primaryKey(),
    count: integer('count').notNull(),
    expiresAt: integer('expires_at').notNull(),
  },
  (table) => [index('latchkey_throttles_expires_at_idx').on(table.expiresAt)],
);

/**
 * TOTP two-factor state, one row per user (`@latchkey/two-factor`'s `TotpStore`): the seed
 * sealed with the server key (never in the clear), when a first code turned it on, and the
 * last time step a code was accepted for, which an atomic UPDATE advances.
 */
export const latchkeyTotp = sqliteTable('latchkey_totp', {
  userId: text('user_id').primaryKey(),
  sealedSeed: text('sealed_seed').notNull(),
  enabledAt: integer('enabled_at'),
  lastStep: integer('last_step'),
  createdAt: integer('created_at').notNull(),
});

/** Unused TOTP backup codes, as SHA-256 digests; a used one is deleted. */
export const latchkeyTotpBackupCodes = sqliteTable(
  'latchkey_totp_backup_codes',
  {
    userId: text('user_id').notNull(),
    digest: text('digest').notNull(),
  },
  (table) => [primaryKey({ columns: [table.userId, table.digest] })],
);

/**
 * Signing keys for Hawk and RFC 9421 (`@latchkey/signatures`). `key` is base64 text (every
 * driver, D1 included, round-trips text; blobs come back as different types): a public key's
 * SPKI DER as it is, or for `hmac-sha256` the shared secret sealed with AES-256-GCM under the
 * server key, never the secret itself. `scopes` is space-separated, as for tokens.
 */
export const latchkeySigningKeys = sqliteTable(
  'latchkey_signing_keys',
  {
    id: text('id').primaryKey(),
    userId: text('user_id').notNull(),
    algorithm: text('algorithm').notNull(),
    key: text('key').notNull(),
    scopes: text('scopes').notNull().default(''),
    createdAt: integer('created_at').notNull(),
    expiresAt: integer('expires_at'),
  },
  (table) => [index('latchkey_signing_keys_user_id_idx').on(table.userId)],
);

/**
 * Nonces of signed requests (`@latchkey/signatures`' replay store), shared by every process
 * on the database: a key is `scheme:keyid:nonce`, kept until the request carrying it could no
 * longer pass the clock.
 */
export const latchkeyNonces = sqliteTable(
  'latchkey_nonces',
  {
    key: text('key').primaryKey(),
    expiresAt: integer('expires_at').notNull(),
  },
  // Purging expired nonces.
  (table) => [index('latchkey_nonces_expires_at_idx').on(table.expiresAt)],
);

/**
 * `@latchkey/jwt`'s refresh tokens, only as digests (SHA-256 of the whole token), grouped in
 * families (one per login). `state` is `live`, `used` (rotated: presenting it again is reuse)
 * or `revoked`.
 */
export const latchkeyRefreshTokens = sqliteTable(
  'latchkey_refresh_tokens',
  {
    digest: text('digest').primaryKey(),
    familyId: text('family_id').notNull(),
    userId: text('user_id').notNull(),
    state: text('state', { enum: ['live', 'used', 'revoked'] }).notNull(),
    createdAt: integer('created_at').notNull(),
    expiresAt: integer('expires_at').notNull(),
  },
  (table) => [
    // Revoking a family, and every family of a user (logout-all).
    index('latchkey_refresh_tokens_family_id_idx').on(table.familyId),
    index('latchkey_refresh_tokens_user_id_idx').on(table.userId),
    // Purging expired tokens.
    index('latchkey_refresh_tokens_expires_at_idx').on(table.expiresAt),
  ],
);

/**
 * Revoked refresh-token families, kept until `access_until` (when their last access token
 * expires): the small table every instance polls to stop those access tokens early.
 */
export const latchkeyRevokedFamilies = sqliteTable(
  'latchkey_revoked_families',
  {
    familyId: text('family_id').primaryKey(),
    accessUntil: integer('access_until').notNull(),
  },
  (table) => [index('latchkey_revoked_families_access_until_idx').on(table.accessUntil)],
);
