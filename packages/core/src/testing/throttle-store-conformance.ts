import type { ThrottleStore } from '../throttling/throttle-store.ts';
import { checkEqual } from './assert.ts';
import type { ConformanceCase } from './conformance-case.ts';

let sequence = 0;
// A key no other case (or earlier run on the same database) has used.
const freshKey = (label: string) => `conf:${label}:${++sequence}:${Math.random().toString(36).slice(2)}`;

/**
 * The `ThrottleStore` contract as runnable checks. `makeStore` is called once per case; the
 * store need not be empty (each case uses keys of its own), so one shared database serves.
 *
 * ```ts
 * for (const c of throttleStoreConformance(() => makeMyStore())) test(c.name, c.run);
 * ```
 */
export function throttleStoreConformance(makeStore: () => ThrottleStore | Promise<ThrottleStore>): ConformanceCase[] {
  const cases: Array<[string, (store: ThrottleStore) => Promise<void>]> = [
    ['counts up from 1, and get reads the count without adding to it', async (store) => {
      const key = freshKey('count');
      checkEqual(await store.get(key, 0), 0, 'absent key');
      checkEqual(await store.increment(key, 60_000, 0), 1, 'first');
      checkEqual(await store.increment(key, 60_000, 10), 2, 'second');
      checkEqual(await store.increment(key, 60_000, 20), 3, 'third');
      checkEqual(await store.get(key, 30), 3, 'get');
      checkEqual(await store.get(key, 40), 3, 'get again');
    }],
    ['keeps keys apart, matching them exactly (not by prefix or case)', async (store) => {
      const key = freshKey('Apart');
      await store.increment(key, 60_000, 0);
      await store.increment(key, 60_000, 0);
      checkEqual(await store.increment(`${key}x`, 60_000, 0), 1, 'longer key');
      checkEqual(await store.get(key.slice(0, -1), 0), 0, 'prefix');
      checkEqual(await store.get(key.toLowerCase(), 0), 0, 'lower case');
      checkEqual(await store.get(key, 0), 2, 'the key itself');
    }],
    ['takes any string as a key: addresses, unicode usernames, colons and quotes', async (store) => {
      const base = freshKey('chars');
      for (const suffix of ['2001:db8::1', 'ålice 🙂', "o'brien\"; --", ' ', '\\%_']) {
        checkEqual(await store.increment(base + suffix, 60_000, 0), 1, `first for ${JSON.stringify(suffix)}`);
        checkEqual(await store.get(base + suffix, 0), 1, `get for ${JSON.stringify(suffix)}`);
      }
    }],
    ['a counter reads 0 once its expiry is reached, and restarts at 1 with the new expiry', async (store) => {
      const key = freshKey('expiry');
      await store.increment(key, 1_000, 0);
      await store.increment(key, 1_000, 500);
      checkEqual(await store.get(key, 999), 2, 'just before expiry');
      checkEqual(await store.get(key, 1_000), 0, 'at expiry');
      checkEqual(await store.increment(key, 3_000, 1_000), 1, 'restarted');
      checkEqual(await store.get(key, 2_999), 1, 'lives to the new expiry');
      checkEqual(await store.get(key, 3_000), 0, 'and no longer');
    }],
    ['a live counter keeps the expiry it was created with', async (store) => {
      const key = freshKey('keep');
      await store.increment(key, 1_000, 0);
      checkEqual(await store.increment(key, 9_000, 100), 2, 'second');
      checkEqual(await store.get(key, 1_000), 0, 'expired at the first expiry');
    }],
    ['counts times in milliseconds since the epoch, beyond 32 bits', async (store) => {
      const key = freshKey('epoch');
      const now = 1_800_000_000_000;
      await store.increment(key, now + 60_000, now);
      checkEqual(await store.increment(key, now + 60_000, now + 1), 2, 'second');
      checkEqual(await store.get(key, now + 59_999), 2, 'live');
      checkEqual(await store.get(key, now + 60_000), 0, 'expired');
    }],
    ['increments atomically: concurrent calls for one key each see a distinct count', async (store) => {
      const key = freshKey('race');
      const counts = await Promise.all(Array.from({ length: 25 }, () => store.increment(key, 60_000, 0)));
      checkEqual([...counts].sort((a, b) => a - b), Array.from({ length: 25 }, (_, i) => i + 1), 'counts');
      checkEqual(await store.get(key, 0), 25, 'total');
    }],
  ];
  return cases.map(([name, body]) => ({
    name: `ThrottleStore ${name}`,
    run: async () => body(await makeStore()),
  }));
}
