import { afterEach, describe, expect, it, vi } from 'vitest';
import { MemoryTokenStore } from '../tokens/memory-token-store.ts';
import type { TokenRecord, TokenStore } from '../tokens/token-store.ts';
import { MemoryUserStore } from '../users/memory-user-store.ts';
import type { AuthUser, UserStore } from '../users/user-store.ts';
import { tokenStoreConformance, userStoreConformance } from './index.ts';

// The same record with its keys in reverse order: what a store mapping columns may return.
const reversed = <T extends object>(value: T): T => Object.fromEntries(Object.entries(value).reverse()) as T;
const reversedOrNull = <T extends object>(value: T | null) => (value === null ? null : reversed(value));

/** A correct store whose records come back with their fields in another order. */
function reorderingTokenStore(): TokenStore {
  const inner = new MemoryTokenStore();
  return {
    insert: (record, limit) => inner.insert(record, limit),
    findByDigest: async (digest) => reversedOrNull(await inner.findByDigest(digest)),
    touch: (id, touch) => inner.touch(id, touch),
    revoke: (id, at) => inner.revoke(id, at),
    revokeForUser: (userId, at) => inner.revokeForUser(userId, at),
    listForUser: async (userId) => (await inner.listForUser(userId)).map(reversed),
    purgeExpired: (now, revokedBefore) => inner.purgeExpired(now, revokedBefore),
    revokedSince: (since, limit) => inner.revokedSince(since, limit),
  };
}

function reorderingUserStore(): UserStore {
  const inner = new MemoryUserStore();
  return {
    findById: async (id) => reversedOrNull<AuthUser>(await inner.findById(id)),
    findByUsername: async (username) => reversedOrNull<AuthUser>(await inner.findByUsername(username)),
    getPasswordHash: (id) => inner.getPasswordHash(id),
    setPasswordHash: (id, hash) => inner.setPasswordHash(id, hash),
    createUser: async (input) => reversedOrNull<AuthUser>(await inner.createUser(input)),
    deleteUser: (id) => inner.deleteUser(id),
  };
}

async function failures(cases: { name: string; run: () => Promise<void> }[]): Promise<string[]> {
  const failed: string[] = [];
  for (const c of cases) await c.run().catch(() => failed.push(c.name));
  return failed;
}

describe('the conformance suites can be trusted both ways', () => {
  afterEach(() => vi.restoreAllMocks());

  it('pass a correct token store that returns fields in another order', async () => {
    expect(await failures(tokenStoreConformance(reorderingTokenStore))).toEqual([]);
  });

  it('pass a correct user store that returns fields in another order', async () => {
    expect(await failures(userStoreConformance(reorderingUserStore))).toEqual([]);
  });

  it('fail a token store that loses a field or matches digests loosely, in the cases that check it', async () => {
    const dropsScopes = (): TokenStore => {
      const store: TokenStore = new MemoryTokenStore();
      const find = store.findByDigest.bind(store);
      store.findByDigest = async (digest) => {
        const found = await find(digest);
        return found && ({ ...found, scopes: found.scopes.slice(1) } satisfies TokenRecord);
      };
      return store;
    };
    expect(await failures(tokenStoreConformance(dropsScopes))).toContain(
      'TokenStore finds an inserted record by its digest, every field intact',
    );
    const caseBlind = (): TokenStore => {
      const store = new MemoryTokenStore();
      const find = store.findByDigest.bind(store);
      store.findByDigest = (digest) => find(digest.toLowerCase());
      return store;
    };
    expect(await failures(tokenStoreConformance(caseBlind))).toEqual(['TokenStore matches digests exactly, not by prefix or case']);
  });

  it('draw record ids from a seeded source, not Math.random', async () => {
    const random = vi.spyOn(Math, 'random');
    expect(await failures(tokenStoreConformance(() => new MemoryTokenStore()))).toEqual([]);
    expect(random).not.toHaveBeenCalled();
  });
});
