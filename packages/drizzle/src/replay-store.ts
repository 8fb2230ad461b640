/**
 * `ReplayStore` over Drizzle, in the `latchkey_nonces` table, so that every instance of an
 * app on one database refuses a signed request another instance already admitted.
 */
import type { ReplayStore } from '@latchkey/signatures';
import { lte, sql } from 'drizzle-orm';
import { redacted, type SQLiteDatabase } from './database.ts';
import { latchkeyNonces as nonces } from './schema.ts';

const STORE = 'DrizzleReplayStore';

/**
 * Nonces in any Drizzle SQLite database migrated with `migrate()`. Expired rows are only
 * reused, never deleted on the request path: schedule `purgeExpired`.
 *
 * ```ts
 * const replay = new DrizzleReplayStore(db);
 * const hawk = hawkAuth({ keys, users, replay });
 * ```
 */
export class DrizzleReplayStore implements ReplayStore {
  readonly #db: SQLiteDatabase;
  // On every signed request, so prepared once. One statement is the atomicity argument:
  // SQLite runs it under the write lock, so of two processes inserting one key exactly one
  // inserts (or revives an expired row) and gets the row back; the other gets nothing.
  readonly #remember;

  /** `db`: a Drizzle SQLite database holding the `latchkey_nonces` table. */
  constructor(db: SQLiteDatabase) {
    this.#db = db;
    this.#remember = db
      .insert(nonces)
      .values({ key: sql.placeholder('key'), expiresAt: sql.placeholder('expiresAt') })
      .onConflictDoUpdate({
        target: nonces.key,
        set: { expiresAt: sql`excluded.expires_at` },
        setWhere: lte(nonces.expiresAt, sql.placeholder('now')),
      })
      .returning({ key: nonces.key })
      .prepare();
  }

  async remember(key: string, expiresAt: number, now: number): Promise<boolean> {
    const rows = await redacted(STORE, this.#remember.all({ key, expiresAt, now }));
    return rows.length === 1;
  }

  /** Deletes nonces whose expiry has passed; how many. */
  async purgeExpired(now: number): Promise<number> {
    const deleted = await redacted(STORE, this.#db.delete(nonces).where(lte(nonces.expiresAt, now)).returning({ key: nonces.key }));
    return deleted.length;
  }
}
