/**
 * `ReplayStore` over Drizzle's Postgres dialect, in the `latchkey_nonces` table, so that
 * every instance of an app on one database refuses a signed request another already admitted.
 */
import type { ReplayStore } from '@latchkey/signatures';
import { lte, sql } from 'drizzle-orm';
import { redacted } from '../database.ts';
import type { PostgresDatabase } from './database.ts';
import { latchkeyNonces as nonces } from './schema.ts';

const STORE = 'PostgresReplayStore';

/**
 * Nonces in any Drizzle Postgres database migrated with `migratePostgres()`. Expired rows are
 * only reused, never deleted on the request path: schedule `purgeExpired`.
 *
 * ```ts
 * const replay = new PostgresReplayStore(db);
 * const hawk = hawkAuth({ keys, users, replay });
 * ```
 */
export class PostgresReplayStore implements ReplayStore {
  readonly #db: PostgresDatabase;
  // On every signed request, so prepared once. One statement is the atomicity argument:
  // `INSERT … ON CONFLICT DO UPDATE … WHERE` inserts, or locks the existing row and then
  // updates it only if it has expired, so of concurrent inserts of one key from any number of
  // processes exactly one gets the row back; the others wait on the lock and get nothing.
  readonly #remember;

  /** `db`: a Drizzle Postgres database holding the `latchkey_nonces` table. */
  constructor(db: PostgresDatabase) {
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
      .prepare('latchkey_nonce_remember');
  }

  async remember(key: string, expiresAt: number, now: number): Promise<boolean> {
    const rows = await redacted(STORE, this.#remember.execute({ key, expiresAt, now }));
    return rows.length === 1;
  }

  /** Deletes nonces whose expiry has passed; how many. */
  async purgeExpired(now: number): Promise<number> {
    const deleted = await redacted(STORE, this.#db.delete(nonces).where(lte(nonces.expiresAt, now)).returning({ key: nonces.key }));
    return deleted.length;
  }
}
