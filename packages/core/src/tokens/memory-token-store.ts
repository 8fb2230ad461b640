import type { TokenLimit, TokenRecord, TokenStore, TokenTouch } from './token-store.ts';

/**
 * A `TokenStore` in this process's memory: for tests, demos and single-instance apps that
 * accept losing every token on restart. Records are copied in and out, so callers cannot
 * change what is stored by mutating what they hold.
 */
export class MemoryTokenStore implements TokenStore {
  readonly #byId = new Map<string, TokenRecord>();
  readonly #idByDigest = new Map<string, string>();

  async insert(record: TokenRecord, limit?: TokenLimit): Promise<boolean> {
    if (this.#idByDigest.has(record.digest) || this.#byId.has(record.id)) {
      throw new Error('MemoryTokenStore: duplicate token id or digest');
    }
    if (limit && this.#live(record.userId, limit.now) >= limit.max) return false;
    this.#byId.set(record.id, copy(record));
    this.#idByDigest.set(record.digest, record.id);
    return true;
  }

  async findByDigest(digest: string): Promise<TokenRecord | null> {
    const id = this.#idByDigest.get(digest);
    const record = id === undefined ? undefined : this.#byId.get(id);
    return record ? copy(record) : null;
  }

  async touch(id: string, changes: TokenTouch): Promise<void> {
    const record = this.#byId.get(id);
    if (!record) return;
    this.#byId.set(id, {
      ...record,
      expiresAt: changes.expiresAt === undefined ? record.expiresAt : changes.expiresAt,
      lastUsedAt: changes.lastUsedAt ?? record.lastUsedAt,
    });
  }

  async delete(id: string): Promise<boolean> {
    const record = this.#byId.get(id);
    if (!record) return false;
    this.#byId.delete(id);
    this.#idByDigest.delete(record.digest);
    return true;
  }

  async deleteForUser(userId: string): Promise<number> {
    let count = 0;
    for (const record of [...this.#byId.values()]) {
      if (record.userId === userId && (await this.delete(record.id))) count++;
    }
    return count;
  }

  async listForUser(userId: string): Promise<TokenRecord[]> {
    return [...this.#byId.values()]
      .filter((record) => record.userId === userId)
      .sort((a, b) => a.createdAt - b.createdAt)
      .map(copy);
  }

  async purgeExpired(now: number): Promise<number> {
    let count = 0;
    for (const record of [...this.#byId.values()]) {
      if (record.expiresAt !== null && record.expiresAt <= now && (await this.delete(record.id))) {
        count++;
      }
    }
    return count;
  }

  #live(userId: string, now: number): number {
    let count = 0;
    for (const record of this.#byId.values()) {
      if (record.userId === userId && (record.expiresAt === null || record.expiresAt > now)) count++;
    }
    return count;
  }
}

function copy(record: TokenRecord): TokenRecord {
  return { ...record, scopes: [...record.scopes] };
}
