import type { OneTimeRecord, OneTimeStore } from './one-time-store.ts';

/**
 * A `OneTimeStore` in this process's memory, for tests, demos and single-process apps.
 * JavaScript runs each method to its end before another starts, so `consume` is atomic.
 */
export class MemoryOneTimeStore implements OneTimeStore {
  readonly #records = new Map<string, OneTimeRecord>();

  async insert(record: OneTimeRecord): Promise<void> {
    this.#records.set(record.id, { ...record });
  }

  async find(id: string): Promise<OneTimeRecord | null> {
    const record = this.#records.get(id);
    return record ? { ...record } : null;
  }

  async consume(id: string, purpose: string, digest: string, now: number): Promise<OneTimeRecord | null> {
    const record = this.#records.get(id);
    if (!record || record.purpose !== purpose || record.digest !== digest) return null;
    if (record.expiresAt <= now || record.attempts >= record.maxAttempts) return null;
    this.#records.delete(id);
    return { ...record };
  }

  async recordFailure(id: string): Promise<number | null> {
    const record = this.#records.get(id);
    if (!record) return null;
    const attempts = record.attempts + 1;
    this.#records.set(id, { ...record, attempts });
    return attempts;
  }

  async deleteForUser(userId: string, purpose?: string): Promise<number> {
    let deleted = 0;
    for (const [id, record] of this.#records) {
      if (record.userId === userId && (purpose === undefined || record.purpose === purpose)) {
        this.#records.delete(id);
        deleted++;
      }
    }
    return deleted;
  }

  async purgeExpired(now: number): Promise<number> {
    let deleted = 0;
    for (const [id, record] of this.#records) {
      if (record.expiresAt <= now) {
        this.#records.delete(id);
        deleted++;
      }
    }
    return deleted;
  }
}
