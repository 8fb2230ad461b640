/**
 * `TokenStore` over Drizzle, in the `latchkey_tokens` table. It stores and finds records and
 * decides nothing: hashing, expiry, refresh, purposes and limits are core's token service's.
 */
import type { Awaitable, Revocation, TokenLimit, TokenRecord, TokenStore, TokenTouch, TokenWithUser } from '@latchkey/core';
import { and, asc, count, eq, getTableColumns, gt, gte, isNull, lt, lte, or, type SQL, sql } from 'drizzle-orm';
import { mapQuery, redacted, type SQLiteDatabase } from './database.ts';
import { toTokenRecord as toRecord, toTokenRow as toRow } from './rows.ts';
import { latchkeyTokens as tokens, latchkeyUsers as users } from './schema.ts';
import { type DrizzleUserStore, toUser, userColumns } from './user-store.ts';

const STORE = 'DrizzleTokenStore';

type TokenRow = typeof tokens.$inferSelect;

const tokenColumns = getTableColumns(tokens);
const columnKeys = Object.keys(tokenColumns) as (keyof TokenRow)[];

/** Options for `DrizzleTokenStore`. */
export interface DrizzleTokenStoreOptions {
  /**
   * The `DrizzleUserStore` over the same database: with it, `findWithUser` reads a token
   * and its user in one query (a join with `latchkey_users`). Default: none, a token and
   * its user are two lookups.
   */
  readonly users?: DrizzleUserStore;
}

/**
 * Tokens in any Drizzle SQLite database (libSQL, D1, …) migrated with `migrate()`.
 * Storage errors propagate (core answers 503); "not found" is null, false or 0.
 *
 * ```ts
 * const tokens = new DrizzleTokenStore(drizzle(client));
 * const service = createTokenService({ store: tokens, secret });
 * ```
 */
export class DrizzleTokenStore implements TokenStore {
  readonly #db: SQLiteDatabase;
  // The queries on the request path, prepared once.
  readonly #byDigest;
  readonly #revokedSince;
  readonly joinedUsers?: DrizzleUserStore;
  /**
   * The record and its user in one query; present only with the `users` option (see
   * `joinedUsers`), as the TokenStore contract asks of an optional method.
   */
  readonly findWithUser?: (digest: string) => Awaitable<TokenWithUser | null>;

  /** `db`: a Drizzle SQLite database holding the `latchkey_tokens` table. */
  constructor(db: SQLiteDatabase, options: DrizzleTokenStoreOptions = {}) {
    this.#db = db;
    this.#byDigest = db
      .select()
      .from(tokens)
      .where(eq(tokens.digest, sql.placeholder('digest')))
      .prepare();
    this.#revokedSince = db
      .select({ digest: tokens.digest, revokedAt: tokens.revokedAt })
      .from(tokens)
      .where(gte(tokens.revokedAt, sql.placeholder('since')))
      .orderBy(asc(tokens.revokedAt))
      .limit(sql.placeholder('limit'))
      .prepare();
    if (options.users) {
      this.joinedUsers = options.users;
      // users.id is an integer and user_id text: SQLite compares them as numbers, through
      // the users table's primary key.
      const withUser = db
        .select({ token: tokenColumns, user: userColumns })
        .from(tokens)
        .leftJoin(users, sql`${users.id} = ${tokens.userId}`)
        .where(eq(tokens.digest, sql.placeholder('digest')))
        .prepare();
      // Not async, as findByDigest: a synchronous driver's answer is passed on at once.
      this.findWithUser = (digest) =>
        mapQuery(
          STORE,
          () => withUser.get({ digest }),
          (row) => (row ? { record: toRecord(row.token), user: row.user ? toUser(row.user) : null } : null),
        );
    }
  }

  async insert(record: TokenRecord, limit?: TokenLimit): Promise<boolean> {
    const row = toRow(record);
    if (!limit) {
      await redacted(STORE, this.#db.insert(tokens).values(row));
      return true;
    }
    // One statement, so the count and the insert are atomic without a transaction (D1
    // has none): INSERT … SELECT <the record> FROM (SELECT count(*) of live tokens) WHERE
    // count < max. SQLite runs a write statement under the database's write lock.
    const live = this.#db
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
    const values = Object.fromEntries(columnKeys.map((key) => [key, sql`${row[key]}`.as(key)]));
    const insert = this.#db
      .insert(tokens)
      .select(
        this.#db
          .select(values as Record<keyof TokenRow, SQL.Aliased>)
          .from(live)
          .where(lt(live.count, limit.max)),
      )
      .returning({ id: tokens.id });
    const inserted = await redacted(STORE, insert);
    return inserted.length === 1;
  }

  // Not async, as findWithUser: a synchronous driver's answer is passed on at once.
  findByDigest(digest: string): Awaitable<TokenRecord | null> {
    return mapQuery(STORE, () => this.#byDigest.get({ digest }), (row) => (row ? toRecord(row) : null));
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
    // rowid breaks ties between tokens created in the same millisecond: insertion order.
    const rows = await redacted(
      STORE,
      this.#db
        .select()
        .from(tokens)
        .where(eq(tokens.userId, userId))
        .orderBy(asc(tokens.createdAt), sql`rowid`),
    );
    return rows.map(toRecord);
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
    const rows = await redacted(STORE, this.#revokedSince.all({ since, limit }));
    // The index on revoked_at serves the range; NULLs are never in it.
    return rows.map((row) => ({ digest: row.digest, revokedAt: row.revokedAt! }));
  }
}
