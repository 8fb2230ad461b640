import type { SigningKeyRecord, SigningKeyStore } from './key-store.ts';

/** Signing keys in this process's memory: for tests and single-process apps. */
export class MemorySigningKeyStore implements SigningKeyStore {
  readonly #keys = new Map<string, SigningKeyRecord>();

  async insert(record: SigningKeyRecord): Promise<void> {
    if (this.#keys.has(record.id)) throw new Error('signing key id already exists');
    this.#keys.set(record.id, copy(record));
  }

  async find(id: string): Promise<SigningKeyRecord | null> {
    const record = this.#keys.get(id);
    return record ? copy(record) : null;
  }

  async delete(id: string): Promise<boolean> {
    return this.#keys.delete(id);
  }

  async listForUser(userId: string): Promise<SigningKeyRecord[]> {
    return [...this.#keys.values()]
      .filter((record) => record.userId === userId)
      .sort((a, b) => a.createdAt - b.createdAt)
      .map(copy);
  }
}

// Callers get their own copies: changing a returned record never changes the stored one.
function copy(record: SigningKeyRecord): SigningKeyRecord {
  return { ...record, key: record.key.slice(), scopes: [...record.scopes] };
}
