import { type Awaitable, isPromiseLike } from '../awaitable.ts';
import type { AuthUser, UserStore } from '../users/user-store.ts';
import type { Revocation, TokenLimit, TokenRecord, TokenStore, TokenTouch, TokenWithUser } from './token-store.ts';

/** Options for `MemoryTokenStore`. */
export interface MemoryTokenStoreOptions {
  /**
   * A user store to answer `findWithUser` from, as a database store does with a join. Only
   * useful in tests of that path. Default: none, `findWithUser` is absent.
   */
  readonly users?: UserStore;
}

/**
 * A `TokenStore` in this process's memory: for tests, demos and single-instance apps that
 * accept losing every token on restart. Records are copied in and out, so callers cannot
 * change what is stored by mutating what they hold.
 */
export class MemoryTokenStore implements TokenStore {
  readonly #byId = new Map<string, TokenRecord>();
  readonly #idByDigest = new Map<string, string>();
  // Revocations in the order they happened: the feed reads this, never every record.
  #revocations: Revocation[] = [];
  readonly joinedUsers?: UserStore;
  readonly findWithUser?: (digest: string) => Awaitable<TokenWithUser | null>;

  constructor(options: MemoryTokenStoreOptions = {}) {
    const { users } = options;
    if (users) {
      this.joinedUsers = users;
      this.findWithUser = (digest) => {
        const record = this.findByDigest(digest);
        if (!record) return null;
        const user: Awaitable<AuthUser | null> = users.findById(record.userId);
        return isPromiseLike(user) ? Promise.resolve(user).then((found) => ({ record, user: found })) : { record, user };
      };
    }
  }

  async insert(record: TokenRecord, limit?: TokenLimit): Promise<boolean> {
    if (this.#idByDigest.has(record.digest) || this.#byId.has(record.id)) {
      throw new Error('MemoryTokenStore: duplicate token id or digest');
    }
    if (limit && this.#live(record.userId, limit.now) >= limit.max) return false;
    this.#byId.set(record.id, copy(record));
    this.#idByDigest.set(record.digest, record.id);
    if (record.revokedAt !== null) this.#revocations.push({ digest: record.digest, revokedAt: record.revokedAt });
    return true;
  }

  // Not async: the answer is here at once (see `Awaitable`).
  findByDigest(digest: string): TokenRecord | null {
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

  async revoke(id: string, at: number): Promise<boolean> {
    const record = this.#byId.get(id);
    if (!record || record.revokedAt !== null) return false;
    this.#byId.set(id, { ...record, revokedAt: at });
    this.#revocations.push({ digest: record.digest, revokedAt: at });
    return true;
  }

  async revokeForUser(userId: string, at: number): Promise<number> {
    let count = 0;
    for (const record of [...this.#byId.values()]) {
      if (record.userId === userId && (await this.revoke(record.id, at))) count++;
    }
    return count;
  }

  async listForUser(userId: string): Promise<TokenRecord[]> {
    return [...this.#byId.values()]
      .filter((record) => record.userId === userId)
      .sort((a, b) => a.createdAt - b.createdAt)
      .map(copy);
  }

  async purgeExpired(now: number, revokedBefore: number): Promise<number> {
    let count = 0;
    for (const record of [...this.#byId.values()]) {
      const expired = record.expiresAt !== null && record.expiresAt <= now;
      const retired = record.revokedAt !== null && record.revokedAt <= revokedBefore;
      if (expired || retired) {
        this.#byId.delete(record.id);
        this.#idByDigest.delete(record.digest);
        count++;
      }
    }
    this.#revocations = this.#revocations.filter((revocation) => this.#idByDigest.has(revocation.digest));
    return count;
  }

  async revokedSince(since: number, limit: number): Promise<Revocation[]> {
    // Only revocations are scanned, never every record; they are as many as were made
    // since the last purge.
    return this.#revocations
      .filter((revocation) => revocation.revokedAt >= since)
      .sort((a, b) => a.revokedAt - b.revokedAt)
      .slice(0, limit)
      .map((revocation) => ({ ...revocation }));
  }

  #live(userId: string, now: number): number {
    let count = 0;
    for (const record of this.#byId.values()) {
      if (record.userId === userId && record.revokedAt === null && (record.expiresAt === null || record.expiresAt > now)) {
        count++;
      }
    }
    return count;
  }
}

function copy(record: TokenRecord): TokenRecord {
  return { ...record, scopes: [...record.scopes] };
}
