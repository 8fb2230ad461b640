/**
 * A `RefreshTokenStore` in memory: for tests, development and single-process apps. Every
 * method does its work synchronously before its first `await`, which is what makes
 * `consume` atomic within one process; it shares nothing across processes.
 */
import type { ConsumeResult, RefreshTokenRecord, RefreshTokenState, RefreshTokenStore } from './refresh-token-store.ts';

interface Entry {
  readonly record: RefreshTokenRecord;
  state: RefreshTokenState;
}

/** Refresh tokens in a `Map`, by digest. */
export class MemoryRefreshTokenStore implements RefreshTokenStore {
  readonly #tokens = new Map<string, Entry>();
  /** Revoked family id → when its last access token expires. */
  readonly #revoked = new Map<string, number>();

  async insert(record: RefreshTokenRecord): Promise<void> {
    if (this.#tokens.has(record.digest)) throw new Error('MemoryRefreshTokenStore: duplicate digest');
    this.#tokens.set(record.digest, { record: { ...record }, state: this.#revoked.has(record.familyId) ? 'revoked' : 'live' });
  }

  async consume(digest: string): Promise<ConsumeResult> {
    const entry = this.#tokens.get(digest);
    if (!entry) return { outcome: 'unknown' };
    if (entry.state !== 'live') return { outcome: entry.state, record: { ...entry.record } };
    entry.state = 'used';
    return { outcome: 'consumed', record: { ...entry.record } };
  }

  async find(digest: string) {
    const entry = this.#tokens.get(digest);
    return entry ? { record: { ...entry.record }, state: entry.state } : null;
  }

  async revokeFamily(familyId: string, accessUntil: number): Promise<void> {
    this.#revokeFamilies([familyId], accessUntil);
  }

  async revokeUser(userId: string, accessUntil: number): Promise<readonly string[]> {
    const families = new Set<string>();
    for (const { record } of this.#tokens.values()) if (record.userId === userId) families.add(record.familyId);
    this.#revokeFamilies([...families], accessUntil);
    return [...families];
  }

  async revokedFamilies(now: number): Promise<readonly string[]> {
    return [...this.#revoked].filter(([, until]) => until > now).map(([familyId]) => familyId);
  }

  async purgeExpired(now: number): Promise<number> {
    let purged = 0;
    for (const [digest, { record }] of this.#tokens) {
      if (record.expiresAt <= now) {
        this.#tokens.delete(digest);
        purged++;
      }
    }
    for (const [familyId, until] of this.#revoked) if (until <= now) this.#revoked.delete(familyId);
    return purged;
  }

  #revokeFamilies(familyIds: readonly string[], accessUntil: number): void {
    const ids = new Set(familyIds);
    for (const id of ids) this.#revoked.set(id, Math.max(this.#revoked.get(id) ?? 0, accessUntil));
    for (const entry of this.#tokens.values()) if (ids.has(entry.record.familyId)) entry.state = 'revoked';
  }
}
