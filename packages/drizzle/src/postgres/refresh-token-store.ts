/**
 * `@latchkey/jwt`'s `RefreshTokenStore` over Drizzle's Postgres dialect, in
 * `latchkey_refresh_tokens` and `latchkey_revoked_families`. Like the SQLite store it stores
 * digests and states and decides nothing: rotation, reuse detection and revocation policy
 * are the JWT service's.
 *
 * - `consume` is one `UPDATE … WHERE state = 'live' RETURNING`: of concurrent calls, the
 *   first locks the row; the others wait, re-check the condition against the committed row
 *   (READ COMMITTED does), find it no longer live and change nothing.
 * - Inserting into a family being revoked is where Postgres needs more than SQLite's single
 *   statements. SQLite runs each write alone under its lock; Postgres runs them at once, and
 *   an insert whose snapshot predates the revocation's record inserts a live token that the
 *   revocation's UPDATE, whose snapshot predates the insert's commit, never sees. So each of
 *   them runs in a transaction after an advisory lock: an insert on its family and its user,
 *   `revokeFamily` on the family, `revokeUser` on the user. Whichever comes second sees what
 *   the first committed, so a token inserted into a family being revoked ends revoked.
 */
import type { ConsumeResult, RefreshTokenRecord, RefreshTokenState, RefreshTokenStore } from '@latchkey/jwt';
import { and, eq, gt, lte, sql } from 'drizzle-orm';
import { redacted } from '../database.ts';
import { afterLock, type PostgresDatabase } from './database.ts';
import { latchkeyRefreshTokens as tokens, latchkeyRevokedFamilies as revoked } from './schema.ts';

const STORE = 'PostgresRefreshTokenStore';

type Row = typeof tokens.$inferSelect;

const toRecord = ({ state: _state, ...record }: Row): RefreshTokenRecord => record;

const familyLock = (familyId: string) => `latchkey_refresh_tokens:family:${familyId}`;
const userLock = (userId: string) => `latchkey_refresh_tokens:user:${userId}`;

// A family revoked twice keeps the later accessUntil: its access tokens live that long.
const keepLater = { target: revoked.familyId, set: { accessUntil: sql`greatest(${revoked.accessUntil}, excluded.access_until)` } };

/**
 * Refresh tokens in any Drizzle Postgres database (node-postgres, postgres.js, Neon, PGlite)
 * migrated with `migratePostgres()`. Storage errors propagate (the JWT service answers 503);
 * "not found" is null or `unknown`.
 *
 * ```ts
 * const jwt = createJwtService({ keys, refreshTokens: new PostgresRefreshTokenStore(drizzle(pool)) });
 * ```
 */
export class PostgresRefreshTokenStore implements RefreshTokenStore {
  readonly #db: PostgresDatabase;
  // The queries on the request path (a refresh consumes and, when it loses, finds; every
  // instance polls the revoked families), prepared once.
  readonly #consume;
  readonly #byDigest;
  readonly #revokedSince;

  /** `db`: a Drizzle Postgres database holding the refresh-token tables. */
  constructor(db: PostgresDatabase) {
    this.#db = db;
    this.#consume = db
      .update(tokens)
      .set({ state: 'used' })
      .where(and(eq(tokens.digest, sql.placeholder('digest')), eq(tokens.state, 'live')))
      .returning()
      .prepare('latchkey_refresh_token_consume');
    this.#byDigest = db
      .select()
      .from(tokens)
      .where(eq(tokens.digest, sql.placeholder('digest')))
      .prepare('latchkey_refresh_token_by_digest');
    this.#revokedSince = db
      .select({ familyId: revoked.familyId })
      .from(revoked)
      .where(gt(revoked.accessUntil, sql.placeholder('now')))
      .prepare('latchkey_revoked_families_since');
  }

  async insert(record: RefreshTokenRecord): Promise<void> {
    const familyRevoked = sql`exists (select 1 from ${revoked} where ${revoked.familyId} = ${record.familyId})`;
    await redacted(
      STORE,
      afterLock(this.#db, [familyLock(record.familyId), userLock(record.userId)], (db) =>
        db.insert(tokens).values({ ...record, state: sql`case when ${familyRevoked} then 'revoked' else 'live' end` }),
      ),
    );
  }

  async consume(digest: string): Promise<ConsumeResult> {
    const won = await redacted(STORE, this.#consume.execute({ digest }));
    if (won[0]) return { outcome: 'consumed', record: toRecord(won[0]) };
    const found = await this.find(digest);
    if (!found) return { outcome: 'unknown' };
    // A row read after a failed update is never live again: live rows are only ever consumed.
    return { outcome: found.state === 'revoked' ? 'revoked' : 'used', record: found.record };
  }

  async find(digest: string): Promise<{ readonly record: RefreshTokenRecord; readonly state: RefreshTokenState } | null> {
    const [row] = await redacted(STORE, this.#byDigest.execute({ digest }));
    return row ? { record: toRecord(row), state: row.state } : null;
  }

  async revokeFamily(familyId: string, accessUntil: number): Promise<void> {
    // The family's record before its tokens, as in revokeUser: two revocations taking row
    // locks in one order never wait on each other in a cycle.
    await redacted(
      STORE,
      afterLock(
        this.#db,
        [familyLock(familyId)],
        (db) => db.insert(revoked).values({ familyId, accessUntil }).onConflictDoUpdate(keepLater),
        (db) => db.update(tokens).set({ state: 'revoked' }).where(eq(tokens.familyId, familyId)),
      ),
    );
  }

  async revokeUser(userId: string, accessUntil: number): Promise<readonly string[]> {
    // The families are read and recorded in one INSERT … SELECT DISTINCT, which returns them:
    // no list of ids travels back and forth however many logins the user has.
    const families = (db: PostgresDatabase) =>
      db
        .selectDistinct({ familyId: tokens.familyId, accessUntil: sql`cast(${accessUntil} as bigint)`.as('access_until') })
        .from(tokens)
        .where(eq(tokens.userId, userId));
    const recorded = await redacted(
      STORE,
      afterLock(
        this.#db,
        [userLock(userId)],
        (db) => db.insert(revoked).select(families(db)).onConflictDoUpdate(keepLater).returning({ familyId: revoked.familyId }),
        (db) => db.update(tokens).set({ state: 'revoked' }).where(eq(tokens.userId, userId)),
      ),
    );
    return recorded.map((row) => row.familyId);
  }

  async revokedFamilies(now: number): Promise<readonly string[]> {
    const rows = await redacted(STORE, this.#revokedSince.execute({ now }));
    return rows.map((row) => row.familyId);
  }

  async purgeExpired(now: number): Promise<number> {
    const deleted = await redacted(STORE, this.#db.delete(tokens).where(lte(tokens.expiresAt, now)).returning({ digest: tokens.digest }));
    await redacted(STORE, this.#db.delete(revoked).where(lte(revoked.accessUntil, now)));
    return deleted.length;
  }
}
