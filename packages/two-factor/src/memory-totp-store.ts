import type { TotpRecord, TotpStore } from './totp-store.ts';

/**
 * A `TotpStore` in this process's memory, for tests, demos and single-process apps.
 * JavaScript runs each method to its end before another starts, so each is atomic.
 */
export class MemoryTotpStore implements TotpStore {
  readonly #records = new Map<string, TotpRecord>();
  readonly #backup = new Map<string, Set<string>>();

  async find(userId: string): Promise<TotpRecord | null> {
    const record = this.#records.get(userId);
    return record ? { ...record } : null;
  }

  async save(record: TotpRecord): Promise<void> {
    this.#records.set(record.userId, { ...record });
    this.#backup.delete(record.userId);
  }

  async enable(userId: string, at: number, backupDigests: readonly string[]): Promise<boolean> {
    const record = this.#records.get(userId);
    if (!record || record.enabledAt !== null) return false;
    this.#records.set(userId, { ...record, enabledAt: at });
    this.#backup.set(userId, new Set(backupDigests));
    return true;
  }

  async useStep(userId: string, step: number): Promise<boolean> {
    const record = this.#records.get(userId);
    if (!record || (record.lastStep !== null && record.lastStep >= step)) return false;
    this.#records.set(userId, { ...record, lastStep: step });
    return true;
  }

  async useBackupCode(userId: string, digest: string): Promise<boolean> {
    return this.#backup.get(userId)?.delete(digest) ?? false;
  }

  async countBackupCodes(userId: string): Promise<number> {
    return this.#backup.get(userId)?.size ?? 0;
  }

  async delete(userId: string): Promise<boolean> {
    this.#backup.delete(userId);
    return this.#records.delete(userId);
  }
}
