/**
 * `@latchkey/jwt`'s `RefreshTokenStore` over Drizzle, in `latchkey_refresh_tokens` and
 * `latchkey_revoked_families`. It stores digests and states and decides nothing: rotation,
 * reuse detection and revocation policy are the JWT service's.
 *
 * Every guarantee rests on single statements, because D1 has no transactions and SQLite
 * runs each write statement under the database's write lock:
 * - `consume` is one `UPDATE … WHERE state = 'live' RETURNING`: of concurrent calls, across
 *   processes, one changes the row and the others change nothing.
 * - `insert` reads the family's revocation in the same statement that inserts, and revoking
 *   records the family before it marks its tokens: whatever the interleaving, a token
 *   inserted into a family being revoked ends revoked.
 */
import type { ConsumeResult, RefreshTokenRecord, RefreshTokenState, RefreshTokenStore } from '@latchkey/jwt';
import { and, eq, gt, lte, sql } from 'drizzle-orm';
import { redacted, type SQLiteDatabase } from './database.ts';
import { latchkeyRefreshTokens as tokens, latchkeyRevokedFamilies as revoked } from './schema.ts';

const STORE = 'DrizzleRefreshTokenStore';

type Row = typeof tokens.$inferSelect;

const toRecord = ({ state: _state, ...record }: Row): RefreshTokenRecord => record;

/**
 * Refresh tokens in any Drizzle SQLite database (libSQL, D1, …) migrated with `migrate()`.
 * Storage errors propagate (the JWT service answers 503); "not found" is null or `unknown`.
 *
 * ```ts
 * const jwt = createJwtService({ keys, refreshTokens: new DrizzleRefreshTokenStore(db) });
 * ```
 */
export class DrizzleRefreshTokenStore implements RefreshTokenStore {
  readonly #db: SQLiteDatabase;

  /** `db`: a Drizzle SQLite database holding the refresh-token tables. */
  constructor(db: SQLiteDatabase) {
    this.#db = db;
  }

  async insert(record: RefreshTokenRecord): Promise<void> {
    const familyRevoked = sql`exists (select 1 from ${revoked} where ${revoked.familyId} = ${record.familyId})`;
    await redacted(
      STORE,
      this.#db.run(sql`insert into ${tokens} (digest, family_id, user_id, state, created_at, expires_at)
        select ${record.digest}, ${record.familyId}, ${record.userId},
               case when ${familyRevoked} then 'revoked' else 'live' end, ${record.createdAt}, ${record.expiresAt}`),
    );
  }

  async consume(digest: string): Promise<ConsumeResult> {
    const won = await redacted(
      STORE,
      this.#db.update(tokens).set({ state: 'used' }).where(and(eq(tokens.digest, digest), eq(tokens.state, 'live'))).returning(),
    );
    if (won[0]) return { outcome: 'consumed', record: toRecord(won[0]) };
    const found = await this.find(digest);
    if (!found) return { outcome: 'unknown' };
    // A row read after a failed update is never live again: live rows are only ever consumed.
    return { outcome: found.state === 'revoked' ? 'revoked' : 'used', record: found.record };
  }

  async find(digest: string): Promise<{ readonly record: RefreshTokenRecord; readonly state: RefreshTokenState } | null> {
    const [row] = await redacted(STORE, this.#db.select().from(tokens).where(eq(tokens.digest, digest)));
    return row ? { record: toRecord(row), state: row.state } : null;
  }

  async revokeFamily(familyId: string, accessUntil: number): Promise<void> {
    await this.#recordRevoked([familyId], accessUntil);
    await redacted(STORE, this.#db.update(tokens).set({ state: 'revoked' }).where(eq(tokens.familyId, familyId)));
  }

  async revokeUser(userId: string, accessUntil: number): Promise<readonly string[]> {
    const rows = await redacted(STORE, this.#db.selectDistinct({ familyId: tokens.familyId }).from(tokens).where(eq(tokens.userId, userId)));
    const families = rows.map((row) => row.familyId);
    await this.#recordRevoked(families, accessUntil);
    // By user, not by a list of families: one parameter however many logins the user has.
    await redacted(STORE, this.#db.update(tokens).set({ state: 'revoked' }).where(eq(tokens.userId, userId)));
    return families;
  }

  async revokedFamilies(now: number): Promise<readonly string[]> {
    const rows = await redacted(STORE, this.#db.select({ familyId: revoked.familyId }).from(revoked).where(gt(revoked.accessUntil, now)));
    return rows.map((row) => row.familyId);
  }

  async purgeExpired(now: number): Promise<number> {
    const deleted = await redacted(STORE, this.#db.delete(tokens).where(lte(tokens.expiresAt, now)).returning({ digest: tokens.digest }));
    await redacted(STORE, this.#db.delete(revoked).where(lte(revoked.accessUntil, now)));
    return deleted.length;
  }

  // Families are recorded before their tokens are marked (see the header for why), in
  // chunks: D1 binds at most 100 parameters per statement.
  async #recordRevoked(familyIds: readonly string[], accessUntil: number): Promise<void> {
    for (let start = 0; start < familyIds.length; start += 40) {
      const rows = familyIds.slice(start, start + 40).map((familyId) => ({ familyId, accessUntil }));
      await redacted(
        STORE,
        this.#db
          .insert(revoked)
          .values(rows)
          .onConflictDoUpdate({ target: revoked.familyId, set: { accessUntil: sql`max(${revoked.accessUntil}, excluded.access_until)` } }),
      );
    }
  }
}
