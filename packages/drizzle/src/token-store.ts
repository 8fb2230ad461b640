/**
 * `TokenStore` over Drizzle, in the `latchkey_tokens` table. It stores and finds records and
 * decides nothing: hashing, expiry, refresh and limits are core's token service's.
 */
import type { TokenLimit, TokenRecord, TokenStore, TokenTouch } from '@latchkey/core';
import { and, asc, count, eq, getTableColumns, gt, isNull, lt, lte, or, type SQL, sql } from 'drizzle-orm';
import { redacted, type SQLiteDatabase } from './database.ts';
import { toTokenRecord as toRecord, toTokenRow as toRow } from './rows.ts';
import { latchkeyTokens as tokens } from './schema.ts';

const STORE = 'DrizzleTokenStore';

type TokenRow = typeof tokens.$inferSelect;

const columnKeys = Object.keys(getTableColumns(tokens)) as (keyof TokenRow)[];

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
  // The one query on every authenticated request, prepared once.
  readonly #byDigest;

  /** `db`: a Drizzle SQLite database holding the `latchkey_tokens` table. */
  constructor(db: SQLiteDatabase) {
    this.#db = db;
    this.#byDigest = db
      .select()
      .from(tokens)
      .where(eq(tokens.digest, sql.placeholder('digest')))
      .prepare();
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
      .where(and(eq(tokens.userId, record.userId), or(isNull(tokens.expiresAt), gt(tokens.expiresAt, limit.now))))
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

  async findByDigest(digest: string): Promise<TokenRecord | null> {
    const row = await redacted(STORE, this.#byDigest.get({ digest }));
    return row ? toRecord(row) : null;
  }

  async touch(id: string, changes: TokenTouch): Promise<void> {
    const set = {
      ...(changes.expiresAt !== undefined && { expiresAt: changes.expiresAt }),
      ...(changes.lastUsedAt !== undefined && { lastUsedAt: changes.lastUsedAt }),
    };
    if (Object.keys(set).length === 0) return;
    await redacted(STORE, this.#db.update(tokens).set(set).where(eq(tokens.id, id)));
  }

  async delete(id: string): Promise<boolean> {
    const deleted = await redacted(STORE, this.#db.delete(tokens).where(eq(tokens.id, id)).returning({ id: tokens.id }));
    return deleted.length > 0;
  }

  async deleteForUser(userId: string): Promise<number> {
    const deleted = await redacted(
      STORE,
      this.#db.delete(tokens).where(eq(tokens.userId, userId)).returning({ id: tokens.id }),
    );
    return deleted.length;
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

  async purgeExpired(now: number): Promise<number> {
    // `expires_at <= now` is never true for NULL: tokens without expiry stay.
    const deleted = await redacted(
      STORE,
      this.#db.delete(tokens).where(lte(tokens.expiresAt, now)).returning({ id: tokens.id }),
    );
    return deleted.length;
  }
}
