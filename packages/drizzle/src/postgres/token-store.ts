/**
 * `TokenStore` over Drizzle's Postgres dialect, in the `latchkey_tokens` table. Like the
 * SQLite store it stores and finds records and decides nothing.
 */
import type { Revocation, TokenLimit, TokenRecord, TokenStore, TokenTouch, TokenWithUser } from '@latchkey/core';
import { and, asc, count, eq, getTableColumns, gt, gte, isNull, lt, lte, or, type SQL, sql } from 'drizzle-orm';
import { redacted } from '../database.ts';
import { type TokenRow, toTokenRecord, toTokenRow } from '../rows.ts';
import { afterLock, type PostgresDatabase } from './database.ts';
import { latchkeyTokens as tokens, latchkeyUsers as users } from './schema.ts';
import { type PostgresUserStore, toUser, userColumns } from './user-store.ts';

const STORE = 'PostgresTokenStore';

const tokenColumns = getTableColumns(tokens);
const columns = Object.entries(tokenColumns) as [keyof TokenRow, (typeof tokens)[keyof TokenRow]][];

/** Options for `PostgresTokenStore`. */
export interface PostgresTokenStoreOptions {
  /**
   * The `PostgresUserStore` over the same database: with it, `findWithUser` reads a token
   * and its user in one query (a join with `latchkey_users`). Default: none, a token and
   * its user are two lookups.
   */
  readonly users?: PostgresUserStore;
}

/**
 * Tokens in any Drizzle Postgres database (node-postgres, postgres.js, Neon, PGlite)
 * migrated with `migratePostgres()`. Storage errors propagate (core answers 503); "not
 * found" is null, false or 0.
 *
 * ```ts
 * const tokens = new PostgresTokenStore(drizzle(pool));
 * const service = createTokenService({ store: tokens, secret });
 * ```
 */
export class PostgresTokenStore implements TokenStore {
  readonly #db: PostgresDatabase;
  // The queries on the request path, prepared once (named statements: each connection
  // parses and plans them once).
  readonly #byDigest;
  readonly #withUser;
  readonly #revokedSince;
  readonly joinedUsers?: PostgresUserStore;

  /** `db`: a Drizzle Postgres database holding the `latchkey_tokens` table. */
  constructor(db: PostgresDatabase, options: PostgresTokenStoreOptions = {}) {
    this.#db = db;
    this.#byDigest = db
      .select()
      .from(tokens)
      .where(eq(tokens.digest, sql.placeholder('digest')))
      .prepare('latchkey_token_by_digest');
    // users.id is an integer and user_id text. Casting users.id to text would compare every
    // user; casting user_id (when it is digits) keeps the lookup on the primary key. Bigint,
    // so no user_id of digits is out of range: it just finds no one.
    this.#withUser = db
      .select({ token: tokenColumns, user: userColumns })
      .from(tokens)
      .leftJoin(users, sql`${users.id} = CASE WHEN ${tokens.userId} ~ '^[1-9][0-9]{0,17}$' THEN ${tokens.userId}::bigint END`)
      .where(eq(tokens.digest, sql.placeholder('digest')))
      .prepare('latchkey_token_with_user');
    this.#revokedSince = db
      .select({ digest: tokens.digest, revokedAt: tokens.revokedAt })
      .from(tokens)
      .where(gte(tokens.revokedAt, sql.placeholder('since')))
      .orderBy(asc(tokens.revokedAt))
      .limit(sql.placeholder('limit'))
      .prepare('latchkey_tokens_revoked_since');
    if (options.users) this.joinedUsers = options.users;
  }

  async insert(record: TokenRecord, limit?: TokenLimit): Promise<boolean> {
    const row = toTokenRow(record);
    if (!limit) {
      await redacted(STORE, this.#db.insert(tokens).values(row));
      return true;
    }
    // A single INSERT … WHERE count < max is not enough here, unlike SQLite: Postgres runs
    // concurrent writers at once, and each counts from a snapshot that misses the other's
    // row. A transaction-scoped advisory lock on the user serialises their insertions (and
    // only theirs); the count after it sees every committed token.
    // The count is the same one-statement INSERT … SELECT … WHERE count < max as SQLite's.
    const inserted = await redacted(
      STORE,
      afterLock(
        this.#db,
        [`latchkey_tokens:${record.userId}`],
        (db) => {
          const live = db
            .select({ count: count().as('count') })
            .from(tokens)
            .where(
              and(
                eq(tokens.userId, record.userId),
                isNull(tokens.revokedAt),
                or(isNull(tokens.expiresAt), gt(tokens.expiresAt, limit.now)),
              ),
            )
            .as('live');
          // Typed: Postgres would read an untyped parameter in a SELECT list as text.
          const values = Object.fromEntries(
            columns.map(([key, column]) => [key, sql`cast(${row[key]} as ${sql.raw(column.getSQLType())})`.as(key)]),
          );
          return db
            .insert(tokens)
            .select(db.select(values as Record<keyof TokenRow, SQL.Aliased>).from(live).where(lt(live.count, limit.max)))
            .returning({ id: tokens.id });
        },
      ),
    );
    return inserted.length === 1;
  }

  async findByDigest(digest: string): Promise<TokenRecord | null> {
    const [row] = await redacted(STORE, this.#byDigest.execute({ digest }));
    return row ? toTokenRecord(row) : null;
  }

  /** The record and its user in one query; only with the `users` option (see `joinedUsers`). */
  async findWithUser(digest: string): Promise<TokenWithUser | null> {
    if (!this.joinedUsers) throw new TypeError(`${STORE}: findWithUser needs the users option`);
    const [row] = await redacted(STORE, this.#withUser.execute({ digest }));
    return row ? { record: toTokenRecord(row.token), user: row.user ? toUser(row.user) : null } : null;
  }

  async touch(id: string, changes: TokenTouch): Promise<void> {
    const set = {
      ...(changes.expiresAt !== undefined && { expiresAt: changes.expiresAt }),
      ...(changes.lastUsedAt !== undefined && { lastUsedAt: changes.lastUsedAt }),
    };
    if (Object.keys(set).length === 0) return;
    await redacted(STORE, this.#db.update(tokens).set(set).where(eq(tokens.id, id)));
  }

  async revoke(id: string, at: number): Promise<boolean> {
    return (await this.#revokeWhere(eq(tokens.id, id), at)) > 0;
  }

  revokeForUser(userId: string, at: number): Promise<number> {
    return this.#revokeWhere(eq(tokens.userId, userId), at);
  }

  // Only rows not yet revoked: a record keeps the time it was first revoked.
  async #revokeWhere(where: SQL, at: number): Promise<number> {
    const revoked = await redacted(
      STORE,
      this.#db
        .update(tokens)
        .set({ revokedAt: at })
        .where(and(where, isNull(tokens.revokedAt)))
        .returning({ id: tokens.id }),
    );
    return revoked.length;
  }

  async listForUser(userId: string): Promise<TokenRecord[]> {
    // Postgres has no rowid; the id breaks ties between tokens created in the same millisecond.
    const rows = await redacted(
      STORE,
      this.#db.select().from(tokens).where(eq(tokens.userId, userId)).orderBy(asc(tokens.createdAt), asc(tokens.id)),
    );
    return rows.map(toTokenRecord);
  }

  async purgeExpired(now: number, revokedBefore: number): Promise<number> {
    // `x <= now` is never true for NULL: tokens without expiry, or not revoked, stay.
    const deleted = await redacted(
      STORE,
      this.#db
        .delete(tokens)
        .where(or(lte(tokens.expiresAt, now), lte(tokens.revokedAt, revokedBefore)))
        .returning({ id: tokens.id }),
    );
    return deleted.length;
  }

  async revokedSince(since: number, limit: number): Promise<Revocation[]> {
    // The index on revoked_at serves the range; NULLs are never in it.
    const rows = await redacted(STORE, this.#revokedSince.execute({ since, limit }));
    return rows.map((row) => ({ digest: row.digest, revokedAt: row.revokedAt! }));
  }
}
