/**
 * The Drizzle schema (Postgres dialect: node-postgres, postgres.js, Neon, PGlite) for
 * Latchkey's tables: the same tables, columns and indexes as the SQLite schema in
 * `../schema.ts`, in Postgres types. Times are milliseconds since the epoch, as core counts
 * them, in `bigint` columns (an `integer` would overflow in 1970) read back as numbers,
 * which hold milliseconds exactly for the next 285,000 years.
 */
import { sql } from 'drizzle-orm';
import { bigint, boolean, index, integer, pgTable, primaryKey, text, uniqueIndex } from 'drizzle-orm/pg-core';

const millis = (name: string) => bigint(name, { mode: 'number' });

/** Issued tokens, looked up by `digest` (unique, so indexed). `scopes` is space-separated. */
export const latchkeyTokens = pgTable(
  'latchkey_tokens',
  {
    id: text('id').primaryKey(),
    userId: text('user_id').notNull(),
    digest: text('digest').notNull().unique(),
    // 'api' or 'session': core checks it on every verification.
    purpose: text('purpose', { enum: ['api', 'session'] }).notNull().default('api'),
    name: text('name'),
    scopes: text('scopes').notNull().default(''),
    createdAt: millis('created_at').notNull(),
    expiresAt: millis('expires_at'),
    lastUsedAt: millis('last_used_at'),
    // Soft revocation: the row stays as an audit trail until purged.
    revokedAt: millis('revoked_at'),
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
export const latchkeyOneTimeTokens = pgTable(
  'latchkey_one_time_tokens',
  {
    id: text('id').primaryKey(),
    userId: text('user_id').notNull(),
    purpose: text('purpose').notNull(),
    digest: text('digest').notNull(),
    data: text('data'),
    createdAt: millis('created_at').notNull(),
    expiresAt: millis('expires_at').notNull(),
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
 * The ready users table. Ids are integers from an identity column (never reused, so no
 * later user inherits a deleted one's tokens) and strings to core ("1", "2", …). Emails are
 * optional and unique by `lower(email)`.
 */
export const latchkeyUsers = pgTable(
  'latchkey_users',
  {
    id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
    username: text('username').notNull().unique(),
    passwordHash: text('password_hash'),
    isActive: boolean('is_active').notNull().default(true),
    isStaff: boolean('is_staff').notNull().default(false),
    email: text('email'),
    emailVerifiedAt: millis('email_verified_at'),
    createdAt: millis('created_at').notNull(),
  },
  (table) => [uniqueIndex('latchkey_users_email_lower_unique').on(sql`lower(${table.email})`)],
);

/** Throttle counters shared by every instance: one row per key and window. */
export const latchkeyThrottles = pgTable(
  'latchkey_throttles',
  {
    key: text('key').primaryKey(),
    count: integer('count').notNull(),
    expiresAt: millis('expires_at').notNull(),
  },
  (table) => [index('latchkey_throttles_expires_at_idx').on(table.expiresAt)],
);

/**
 * TOTP two-factor state, one row per user (`@latchkey/two-factor`'s `TotpStore`): the seed
 * sealed with the server key (never in the clear), when a first code turned it on, and the
 * last time step a code was accepted for, which an atomic UPDATE advances.
 */
export const latchkeyTotp = pgTable('latchkey_totp', {
  userId: text('user_id').primaryKey(),
  sealedSeed: text('sealed_seed').notNull(),
  enabledAt: millis('enabled_at'),
  // A time step (milliseconds / 30 s) fits an integer, but bigint keeps it a number either way.
  lastStep: bigint('last_step', { mode: 'number' }),
  createdAt: millis('created_at').notNull(),
});

/** Unused TOTP backup codes, as SHA-256 digests; a used one is deleted. */
export const latchkeyTotpBackupCodes = pgTable(
  'latchkey_totp_backup_codes',
  {
    userId: text('user_id').notNull(),
    digest: text('digest').notNull(),
  },
  (table) => [primaryKey({ columns: [table.userId, table.digest] })],
);

/**
 * Signing keys for Hawk and RFC 9421 (`@latchkey/signatures`). `key` is base64 text, as in
 * the SQLite table: a public key's SPKI DER as it is, or for `hmac-sha256` the shared secret
 * sealed with AES-256-GCM under the server key, never the secret itself. `scopes` is
 * space-separated, as for tokens.
 */
export const latchkeySigningKeys = pgTable(
  'latchkey_signing_keys',
  {
    id: text('id').primaryKey(),
    userId: text('user_id').notNull(),
    algorithm: text('algorithm').notNull(),
    key: text('key').notNull(),
    scopes: text('scopes').notNull().default(''),
    createdAt: millis('created_at').notNull(),
    expiresAt: millis('expires_at'),
  },
  (table) => [index('latchkey_signing_keys_user_id_idx').on(table.userId)],
);

/**
 * Nonces of signed requests (`@latchkey/signatures`' replay store), shared by every process
 * on the database: a key is `scheme:keyid:nonce`, kept until the request carrying it could no
 * longer pass the clock.
 */
export const latchkeyNonces = pgTable(
  'latchkey_nonces',
  {
    key: text('key').primaryKey(),
    expiresAt: millis('expires_at').notNull(),
  },
  // Purging expired nonces.
  (table) => [index('latchkey_nonces_expires_at_idx').on(table.expiresAt)],
);

/**
 * `@latchkey/jwt`'s refresh tokens, only as digests (SHA-256 of the whole token), grouped in
 * families (one per login). `state` is `live`, `used` (rotated: presenting it again is reuse)
 * or `revoked`.
 */
export const latchkeyRefreshTokens = pgTable(
  'latchkey_refresh_tokens',
  {
    digest: text('digest').primaryKey(),
    familyId: text('family_id').notNull(),
    userId: text('user_id').notNull(),
    state: text('state', { enum: ['live', 'used', 'revoked'] }).notNull(),
    createdAt: millis('created_at').notNull(),
    expiresAt: millis('expires_at').notNull(),
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
export const latchkeyRevokedFamilies = pgTable(
  'latchkey_revoked_families',
  {
    familyId: text('family_id').primaryKey(),
    accessUntil: millis('access_until').notNull(),
  },
  (table) => [index('latchkey_revoked_families_access_until_idx').on(table.accessUntil)],
);
