/**
 * `TokenStore` over Drizzle's Postgres dialect, in the `latchkey_tokens` table. Like the
 * SQLite store it stores and finds records and decides nothing.
 */
import type { TokenLimit, TokenRecord, TokenStore, TokenTouch } from '@latchkey/core';
import { and, asc, count, eq, getTableColumns, gt, isNull, lt, lte, or, type SQL, sql } from 'drizzle-orm';
import { redacted } from '../database.ts';
import { type TokenRow, toTokenRecord, toTokenRow } from '../rows.ts';
import { afterLock, type PostgresDatabase } from './database.ts';
import { latchkeyTokens as tokens } from './schema.ts';

const STORE = 'PostgresTokenStore';

const columns = Object.entries(getTableColumns(tokens)) as [keyof TokenRow, (typeof tokens)[keyof TokenRow]][];

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
  // The one query on every authenticated request, prepared once (a named statement: each
  // connection parses and plans it once).
  readonly #byDigest;

  /** `db`: a Drizzle Postgres database holding the `latchkey_tokens` table. */
  constructor(db: PostgresDatabase) {
    this.#db = db;
    this.#byDigest = db
      .select()
      .from(tokens)
      .where(eq(tokens.digest, sql.placeholder('digest')))
      .prepare('latchkey_token_by_digest');
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
        (db) => db.execute(sql`SELECT pg_advisory_xact_lock(hashtextextended(${`latchkey_tokens:${record.userId}`}, 0))`),
        (db) => {
          const live = db
            .select({ count: count().as('count') })
            .from(tokens)
            .where(and(eq(tokens.userId, record.userId), or(isNull(tokens.expiresAt), gt(tokens.expiresAt, limit.now))))
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
    // Postgres has no rowid; the id breaks ties between tokens created in the same millisecond.
    const rows = await redacted(
      STORE,
      this.#db.select().from(tokens).where(eq(tokens.userId, userId)).orderBy(asc(tokens.createdAt), asc(tokens.id)),
    );
    return rows.map(toTokenRecord);
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
