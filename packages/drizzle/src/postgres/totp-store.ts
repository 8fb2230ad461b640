/**
 * `TotpStore` over Drizzle's Postgres dialect, in `latchkey_totp` and
 * `latchkey_totp_backup_codes`. It stores and fetches; sealing seeds and checking codes are
 * `@latchkey/two-factor`'s.
 */
import type { TotpRecord, TotpStore } from '@latchkey/two-factor';
import { and, count, eq, isNull, lt, or } from 'drizzle-orm';
import { redacted } from '../database.ts';
import { inTransaction, type PostgresDatabase } from './database.ts';
import { latchkeyTotpBackupCodes as backup, latchkeyTotp as totp } from './schema.ts';

const STORE = 'PostgresTotpStore';

/**
 * TOTP state in any Drizzle Postgres database migrated with `migratePostgres()`. A write of
 * several statements (save, enable, delete) runs in one transaction and touches the user's
 * `latchkey_totp` row first, so concurrent writes for one user queue on that row's lock
 * instead of deadlocking. Storage errors propagate (the endpoints answer 503); "not found"
 * is null or false.
 */
export class PostgresTotpStore implements TotpStore {
  readonly #db: PostgresDatabase;

  /** `db`: a Drizzle Postgres database holding the TOTP tables. */
  constructor(db: PostgresDatabase) {
    this.#db = db;
  }

  async find(userId: string): Promise<TotpRecord | null> {
    const [row] = await redacted(STORE, this.#db.select().from(totp).where(eq(totp.userId, userId)));
    return row ?? null;
  }

  async save(record: TotpRecord): Promise<void> {
    const { userId, ...rest } = record;
    await redacted(
      STORE,
      inTransaction(this.#db, async (tx) => {
        await redacted(STORE, tx.insert(totp).values(record).onConflictDoUpdate({ target: totp.userId, set: rest }));
        await redacted(STORE, tx.delete(backup).where(eq(backup.userId, userId)));
      }),
    );
  }

  async enable(userId: string, at: number, backupDigests: readonly string[]): Promise<boolean> {
    return redacted(
      STORE,
      inTransaction(this.#db, async (tx) => {
        // The conditional UPDATE is the atomic step: a concurrent enable waits on the row's
        // lock, then finds it no longer pending and updates nothing.
        const [row] = await redacted(
          STORE,
          tx.update(totp).set({ enabledAt: at }).where(and(eq(totp.userId, userId), isNull(totp.enabledAt))).returning({ userId: totp.userId }),
        );
        if (!row) return false;
        await redacted(STORE, tx.delete(backup).where(eq(backup.userId, userId)));
        if (backupDigests.length > 0) {
          await redacted(STORE, tx.insert(backup).values(backupDigests.map((digest) => ({ userId, digest }))));
        }
        return true;
      }),
    );
  }

  async useStep(userId: string, step: number): Promise<boolean> {
    // One UPDATE … WHERE last_step < step: under READ COMMITTED a concurrent one waits on the
    // row's lock, then re-checks the condition against the committed step, so of two
    // processes presenting the same code only one moves the step and the other is refused.
    const rows = await redacted(
      STORE,
      this.#db
        .update(totp)
        .set({ lastStep: step })
        .where(and(eq(totp.userId, userId), or(isNull(totp.lastStep), lt(totp.lastStep, step))))
        .returning({ userId: totp.userId }),
    );
    return rows.length === 1;
  }

  async useBackupCode(userId: string, digest: string): Promise<boolean> {
    // One DELETE … RETURNING: of concurrent uses of one code, one deletes the row; the others
    // wait on its lock and then find it gone.
    const rows = await redacted(
      STORE,
      this.#db
        .delete(backup)
        .where(and(eq(backup.userId, userId), eq(backup.digest, digest)))
        .returning({ digest: backup.digest }),
    );
    return rows.length === 1;
  }

  async countBackupCodes(userId: string): Promise<number> {
    const [row] = await redacted(STORE, this.#db.select({ n: count() }).from(backup).where(eq(backup.userId, userId)));
    return row?.n ?? 0;
  }

  async delete(userId: string): Promise<boolean> {
    return redacted(
      STORE,
      inTransaction(this.#db, async (tx) => {
        const rows = await redacted(STORE, tx.delete(totp).where(eq(totp.userId, userId)).returning({ userId: totp.userId }));
        await redacted(STORE, tx.delete(backup).where(eq(backup.userId, userId)));
        return rows.length === 1;
      }),
    );
  }
}
