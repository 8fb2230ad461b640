/**
 * The Drizzle schema (Postgres dialect: node-postgres, postgres.js, Neon, PGlite) for
 * Latchkey's tables: the same tables, columns and indexes as the SQLite schema in
 * `../schema.ts`, in Postgres types. Times are milliseconds since the epoch, as core counts
 * them, in `bigint` columns (an `integer` would overflow in 1970) read back as numbers,
 * which hold milliseconds exactly for the next 285,000 years.
 */
import { sql } from 'drizzle-orm';
import { bigint, boolean, index, integer, pgTable, text, uniqueIndex } from 'drizzle-orm/pg-core';

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
