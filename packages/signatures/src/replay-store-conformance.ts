import { check, checkEqual, type ConformanceCase } from '@latchkey/core/testing';
import type { ReplayStore } from './replay-store.ts';

const NOW = 1_700_000_000_000;
let sequence = 0;
const fresh = () => `conf-${++sequence}-${Math.random().toString(36).slice(2)}`;

/**
 * The `ReplayStore` contract as runnable checks. `makeStore` is called once per case and
 * must return an empty store.
 *
 * ```ts
 * for (const c of replayStoreConformance(() => makeMyStore())) test(c.name, c.run);
 * ```
 */
export function replayStoreConformance(makeStore: () => ReplayStore | Promise<ReplayStore>): ConformanceCase[] {
  const cases: Array<[string, (store: ReplayStore) => Promise<void>]> = [
    ['says true the first time and false while the key lives', async (store) => {
      const key = fresh();
      checkEqual(await store.remember(key, NOW + 60_000, NOW), true, 'first');
      checkEqual(await store.remember(key, NOW + 60_000, NOW + 1_000), false, 'replay');
      checkEqual(await store.remember(key, NOW + 120_000, NOW + 59_999), false, 'just before expiry');
    }],
    ['keys are independent and matched exactly', async (store) => {
      const key = fresh();
      await store.remember(key, NOW + 60_000, NOW);
      checkEqual(await store.remember(`${key}x`, NOW + 60_000, NOW), true, 'longer key');
      checkEqual(await store.remember(key.toUpperCase(), NOW + 60_000, NOW), true, 'other case');
    }],
    ['a key is new again once its expiry has passed, and then lives until its new expiry', async (store) => {
      const key = fresh();
      await store.remember(key, NOW + 1_000, NOW);
      checkEqual(await store.remember(key, NOW + 5_000, NOW + 1_000), true, 'at expiry');
      checkEqual(await store.remember(key, NOW + 9_000, NOW + 4_000), false, 'within the new expiry');
    }],
    ['of concurrent calls with one key, exactly one says true', async (store) => {
      const key = fresh();
      const results = await Promise.all(Array.from({ length: 16 }, () => store.remember(key, NOW + 60_000, NOW)));
      checkEqual(results.filter(Boolean).length, 1, 'winners');
    }],
    ['a replayed key does not extend its own life', async (store) => {
      const key = fresh();
      await store.remember(key, NOW + 1_000, NOW);
      check(!(await store.remember(key, NOW + 100_000, NOW + 500)), 'replay refused');
      checkEqual(await store.remember(key, NOW + 100_000, NOW + 1_000), true, 'expired at the first expiry');
    }],
  ];
  return cases.map(([name, run]) => ({ name, run: async () => run(await makeStore()) }));
}
