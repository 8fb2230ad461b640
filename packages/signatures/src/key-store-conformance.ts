import { check, checkEqual, type ConformanceCase } from '@latchkey/core/testing';
import type { SigningKeyRecord, SigningKeyStore } from './key-store.ts';

let sequence = 0;

function record(overrides: Partial<SigningKeyRecord> = {}): SigningKeyRecord {
  sequence++;
  return {
    id: `key_conf${sequence}_${Math.random().toString(36).slice(2)}`,
    userId: 'user-1',
    algorithm: 'hmac-sha256',
    key: crypto.getRandomValues(new Uint8Array(32)),
    scopes: ['read', 'write'],
    createdAt: 1_700_000_000_000 + sequence,
    expiresAt: null,
    ...overrides,
  };
}

const plain = (found: SigningKeyRecord | null) => found && { ...found, key: [...found.key] };

/**
 * The `SigningKeyStore` contract as runnable checks. `makeStore` is called once per case
 * and must return an empty store.
 *
 * ```ts
 * for (const c of signingKeyStoreConformance(() => makeMyStore())) test(c.name, c.run);
 * ```
 */
export function signingKeyStoreConformance(makeStore: () => SigningKeyStore | Promise<SigningKeyStore>): ConformanceCase[] {
  const cases: Array<[string, (store: SigningKeyStore) => Promise<void>]> = [
    ['finds an inserted shared secret by id, every byte and field intact', async (store) => {
      const saved = record({ scopes: ['read', 'write:äö'], expiresAt: 1_800_000_000_000 });
      await store.insert(saved);
      checkEqual(plain(await store.find(saved.id)), plain(saved), 'find');
    }],
    ['keeps a public key as it is, with empty scopes and no expiry', async (store) => {
      const saved = record({ algorithm: 'ed25519', key: crypto.getRandomValues(new Uint8Array(44)), scopes: [] });
      await store.insert(saved);
      checkEqual(plain(await store.find(saved.id)), plain(saved), 'find');
    }],
    ['answers null for an unknown id, and matches ids exactly (not by case or prefix)', async (store) => {
      const saved = record({ id: 'key_CaseSensitive' });
      await store.insert(saved);
      checkEqual(await store.find('key_casesensitive'), null, 'other case');
      checkEqual(await store.find('key_Case'), null, 'prefix');
      checkEqual(await store.find('key_unknown'), null, 'unknown');
    }],
    ['refuses a second key with the same id, keeping the first', async (store) => {
      const saved = record();
      await store.insert(saved);
      let threw = false;
      try {
        await store.insert(record({ id: saved.id, userId: 'user-2' }));
      } catch {
        threw = true;
      }
      check(threw, 'duplicate insert throws');
      checkEqual((await store.find(saved.id))?.userId, 'user-1', 'first key kept');
    }],
    ['returns an expired key (the authenticator refuses it)', async (store) => {
      const saved = record({ expiresAt: 1 });
      await store.insert(saved);
      checkEqual((await store.find(saved.id))?.expiresAt, 1, 'expired key found');
    }],
    ['delete removes one key and says whether it did', async (store) => {
      const gone = record();
      const kept = record();
      await store.insert(gone);
      await store.insert(kept);
      checkEqual(await store.delete(gone.id), true, 'first delete');
      checkEqual(await store.delete(gone.id), false, 'second delete');
      checkEqual(await store.find(gone.id), null, 'deleted key');
      check((await store.find(kept.id)) !== null, 'other key kept');
    }],
    ['lists a user\'s keys oldest first, and no one else\'s', async (store) => {
      const first = record({ userId: 'alice', createdAt: 1_700_000_000_000 });
      const second = record({ userId: 'alice', createdAt: 1_700_000_000_001 });
      await store.insert(second);
      await store.insert(first);
      await store.insert(record({ userId: 'bob' }));
      checkEqual((await store.listForUser('alice')).map((key) => key.id), [first.id, second.id], 'alice');
      checkEqual(await store.listForUser('nobody'), [], 'nobody');
    }],
    ['changing a returned record does not change the stored one', async (store) => {
      const saved = record();
      await store.insert(saved);
      const found = await store.find(saved.id);
      found!.key.fill(0);
      checkEqual(plain(await store.find(saved.id)), plain(saved), 'after mutation');
    }],
  ];
  return cases.map(([name, run]) => ({ name, run: async () => run(await makeStore()) }));
}
