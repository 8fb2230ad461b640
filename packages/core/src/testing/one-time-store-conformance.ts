import type { OneTimeRecord, OneTimeStore } from '../one-time/one-time-store.ts';
import { check, checkEqual } from './assert.ts';
import type { ConformanceCase } from './conformance-case.ts';

const NOW = 1_700_000_000_000;
let sequence = 0;

function record(overrides: Partial<OneTimeRecord> = {}): OneTimeRecord {
  sequence++;
  return {
    id: `${sequence.toString(16).padStart(8, '0')}${Math.random().toString(16).slice(2, 10).padEnd(8, '0')}ab12cd34`,
    userId: 'user-1',
    purpose: 'password-reset',
    digest: `${sequence.toString(16).padStart(8, '0')}${'cd'.repeat(28)}`,
    data: null,
    createdAt: NOW,
    expiresAt: NOW + 3_600_000,
    attempts: 0,
    maxAttempts: 5,
    ...overrides,
  };
}

/**
 * The `OneTimeStore` contract as runnable checks. `makeStore` is called once per case and
 * must return an empty store.
 *
 * ```ts
 * for (const c of oneTimeStoreConformance(() => makeMyStore())) test(c.name, c.run);
 * ```
 */
export function oneTimeStoreConformance(makeStore: () => OneTimeStore | Promise<OneTimeStore>): ConformanceCase[] {
  const cases: Array<[string, (store: OneTimeStore) => Promise<void>]> = [
    ['finds an inserted record by its id, every field intact', async (store) => {
      const saved = record({ data: 'new@example.org, ünïcode', attempts: 2, maxAttempts: 3 });
      await store.insert(saved);
      checkEqual(await store.find(saved.id), saved, 'find');
      const plain = record({ data: null });
      await store.insert(plain);
      checkEqual(await store.find(plain.id), plain, 'null data');
    }],
    ['answers null for an unknown id, and matches ids exactly', async (store) => {
      const saved = record();
      await store.insert(saved);
      checkEqual(await store.find('f'.repeat(24)), null, 'unknown');
      checkEqual(await store.find(saved.id.slice(0, 12)), null, 'prefix');
      checkEqual(await store.find(saved.id.toUpperCase()), null, 'upper case');
    }],
    ['consume returns the record once and deletes it', async (store) => {
      const saved = record();
      await store.insert(saved);
      checkEqual(await store.consume(saved.id, saved.purpose, saved.digest, NOW), saved, 'first consume');
      checkEqual(await store.consume(saved.id, saved.purpose, saved.digest, NOW), null, 'second consume');
      checkEqual(await store.find(saved.id), null, 'gone');
    }],
    ['consume refuses another purpose, another digest, an expired or exhausted record, and keeps it', async (store) => {
      const saved = record();
      const expired = record({ expiresAt: NOW });
      const exhausted = record({ attempts: 5, maxAttempts: 5 });
      for (const r of [saved, expired, exhausted]) await store.insert(r);
      checkEqual(await store.consume(saved.id, 'activation', saved.digest, NOW), null, 'other purpose');
      checkEqual(await store.consume(saved.id, saved.purpose, saved.digest.toUpperCase(), NOW), null, 'other digest');
      checkEqual(await store.consume(saved.id, saved.purpose, saved.digest, saved.expiresAt), null, 'at expiry');
      checkEqual(await store.consume(expired.id, expired.purpose, expired.digest, NOW), null, 'expired');
      checkEqual(await store.consume(exhausted.id, exhausted.purpose, exhausted.digest, NOW), null, 'exhausted');
      checkEqual(await store.find(saved.id), saved, 'still there');
      checkEqual(await store.consume(saved.id, saved.purpose, saved.digest, saved.expiresAt - 1), saved, 'just in time');
    }],
    ['of many concurrent consumes exactly one wins', async (store) => {
      const saved = record();
      await store.insert(saved);
      const results = await Promise.all(
        Array.from({ length: 12 }, () => store.consume(saved.id, saved.purpose, saved.digest, NOW)),
      );
      checkEqual(results.filter((result) => result !== null).length, 1, 'winners');
    }],
    ['recordFailure counts every failure, concurrent ones too, and answers null when the record is gone', async (store) => {
      const saved = record({ maxAttempts: 20 });
      await store.insert(saved);
      checkEqual(await store.recordFailure(saved.id), 1, 'first');
      await Promise.all(Array.from({ length: 9 }, () => store.recordFailure(saved.id)));
      checkEqual((await store.find(saved.id))?.attempts, 10, 'all counted');
      checkEqual(await store.recordFailure('f'.repeat(24)), null, 'unknown');
    }],
    ['a record out of attempts can no longer be consumed', async (store) => {
      const saved = record({ maxAttempts: 2 });
      await store.insert(saved);
      await store.recordFailure(saved.id);
      await store.recordFailure(saved.id);
      checkEqual(await store.consume(saved.id, saved.purpose, saved.digest, NOW), null, 'exhausted');
    }],
    ["deleteForUser removes one purpose or all of one user's records, no one else's", async (store) => {
      const reset = record();
      const activation = record({ purpose: 'activation' });
      const other = record({ userId: 'user-2' });
      for (const r of [reset, activation, other]) await store.insert(r);
      checkEqual(await store.deleteForUser('user-1', 'password-reset'), 1, 'one purpose');
      checkEqual(await store.find(reset.id), null, 'reset gone');
      check(await store.find(activation.id), 'activation kept');
      checkEqual(await store.deleteForUser('user-1'), 1, 'all purposes');
      checkEqual(await store.find(activation.id), null, 'activation gone');
      check(await store.find(other.id), "another user's kept");
      checkEqual(await store.deleteForUser('nobody'), 0, 'unknown user');
    }],
    ['purgeExpired removes records at or past expiry only', async (store) => {
      const past = record({ expiresAt: NOW - 1 });
      const at = record({ expiresAt: NOW });
      const live = record({ expiresAt: NOW + 1 });
      for (const r of [past, at, live]) await store.insert(r);
      checkEqual(await store.purgeExpired(NOW), 2, 'purged');
      checkEqual(await store.find(past.id), null, 'past gone');
      check(await store.find(live.id), 'live kept');
    }],
  ];
  return cases.map(([name, body]) => ({
    name: `OneTimeStore ${name}`,
    run: async () => body(await makeStore()),
  }));
}
