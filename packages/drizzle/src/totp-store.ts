/**
 * `TotpStore` over Drizzle, in `latchkey_totp` and `latchkey_totp_backup_codes`. It stores
 * and fetches; sealing seeds and checking codes are `@latchkey/two-factor`'s.
 */
import type { TotpRecord, TotpStore } from '@latchkey/two-factor';
import { and, count, eq, isNull, lt, or } from 'drizzle-orm';
import { redacted, type SQLiteDatabase } from './database.ts';
import { latchkeyTotpBackupCodes as backup, latchkeyTotp as totp } from './schema.ts';

const STORE = 'DrizzleTotpStore';

/**
 * TOTP state in any Drizzle SQLite database (libSQL, D1, …) migrated with `migrate()`.
 * Storage errors propagate (the endpoints answer 503); "not found" is null or false.
 */
export class DrizzleTotpStore implements TotpStore {
  readonly #db: SQLiteDatabase;

  /** `db`: a Drizzle SQLite database holding the TOTP tables. */
  constructor(db: SQLiteDatabase) {
    this.#db = db;
  }

  async find(userId: string): Promise<TotpRecord | null> {
    const [row] = await redacted(STORE, this.#db.select().from(totp).where(eq(totp.userId, userId)));
    return row ?? null;
  }

  async save(record: TotpRecord): Promise<void> {
    await redacted(STORE, this.#db.delete(backup).where(eq(backup.userId, record.userId)));
    const { userId, ...rest } = record;
    await redacted(STORE, this.#db.insert(totp).values(record).onConflictDoUpdate({ target: totp.userId, set: rest }));
  }

  async enable(userId: string, at: number, backupDigests: readonly string[]): Promise<boolean> {
    // The conditional UPDATE is the atomic step: of concurrent enables one finds the row pending.
    const [row] = await redacted(
      STORE,
      this.#db
        .update(totp)
        .set({ enabledAt: at })
        .where(and(eq(totp.userId, userId), isNull(totp.enabledAt)))
        .returning({ userId: totp.userId }),
    );
    if (!row) return false;
    await redacted(STORE, this.#db.delete(backup).where(eq(backup.userId, userId)));
    if (backupDigests.length > 0) {
      await redacted(STORE, this.#db.insert(backup).values(backupDigests.map((digest) => ({ userId, digest }))));
    }
    return true;
  }

  async useStep(userId: string, step: number): Promise<boolean> {
    // One UPDATE … WHERE last_step < step: SQLite runs it under the write lock, so of two
    // processes presenting the same code only one moves the step, and the other is refused.
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
    await redacted(STORE, this.#db.delete(backup).where(eq(backup.userId, userId)));
    const rows = await redacted(STORE, this.#db.delete(totp).where(eq(totp.userId, userId)).returning({ userId: totp.userId }));
    return rows.length === 1;
  }
}
