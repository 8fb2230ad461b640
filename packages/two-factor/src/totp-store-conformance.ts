/**
 * The `TotpStore` contract as runnable checks, runner-agnostic like core's suites: register
 * each `{ name, run }` with Vitest, `bun test`, `deno test` or `node:test`.
 */
import type { ConformanceCase } from '@latchkey/core/testing';
import type { TotpRecord, TotpStore } from './totp-store.ts';

const NOW = 1_700_000_000_000;
let sequence = 0;

function check(condition: unknown, message: string): asserts condition {
  if (!condition) throw new Error(`conformance: ${message}`);
}

function same(actual: unknown, expected: unknown, message: string): void {
  const sorted = (value: unknown) => JSON.stringify(value, (_key, field) => (field && typeof field === 'object' && !Array.isArray(field) ? Object.fromEntries(Object.entries(field).sort()) : field));
  if (sorted(actual) !== sorted(expected)) throw new Error(`conformance: ${message}: expected ${sorted(expected)}, got ${sorted(actual)}`);
}

function record(overrides: Partial<TotpRecord> = {}): TotpRecord {
  sequence++;
  return { userId: `user-${sequence}-${Math.random().toString(16).slice(2, 8)}`, sealedSeed: 'AQIDBAUGBwgJCgsMDQ4PEA==', enabledAt: null, lastStep: null, createdAt: NOW, ...overrides };
}

/**
 * The suite; `makeStore` is called once per case and must return an empty store.
 *
 * ```ts
 * for (const c of totpStoreConformance(() => makeMyStore())) test(c.name, c.run);
 * ```
 */
export function totpStoreConformance(makeStore: () => TotpStore | Promise<TotpStore>): ConformanceCase[] {
  const cases: Array<[string, (store: TotpStore) => Promise<void>]> = [
    ['finds a saved record by user id, every field intact; null for another user', async (store) => {
      const saved = record({ lastStep: 56_666_666 });
      await store.save(saved);
      same(await store.find(saved.userId), saved, 'find');
      check((await store.find('someone-else')) === null, 'an unknown user has no record');
    }],
    ['save replaces the record whole and drops its backup codes', async (store) => {
      const first = record();
      await store.save(first);
      check(await store.enable(first.userId, NOW + 1, ['aa'.repeat(32)]), 'enable');
      const second = { ...first, sealedSeed: 'BBBB', enabledAt: null, createdAt: NOW + 2 };
      await store.save(second);
      same(await store.find(first.userId), second, 'replaced');
      check((await store.countBackupCodes(first.userId)) === 0, 'backup codes dropped');
    }],
    ['enable turns a pending record on once, with its backup codes', async (store) => {
      const saved = record();
      await store.save(saved);
      const digests = ['a1'.repeat(32), 'b2'.repeat(32), 'c3'.repeat(32)];
      const results = await Promise.all([store.enable(saved.userId, NOW + 5, digests), store.enable(saved.userId, NOW + 6, digests)]);
      check(results.filter(Boolean).length === 1, 'one of two concurrent enables wins');
      const found = await store.find(saved.userId);
      check(found?.enabledAt === NOW + 5 || found?.enabledAt === NOW + 6, 'enabledAt set');
      check((await store.countBackupCodes(saved.userId)) === 3, 'three backup codes');
      check(!(await store.enable('nobody', NOW, digests)), 'no record: false');
    }],
    ['useStep accepts only later steps, and one of concurrent calls with one step', async (store) => {
      const saved = record();
      await store.save(saved);
      const firsts = await Promise.all(Array.from({ length: 8 }, () => store.useStep(saved.userId, 100)));
      check(firsts.filter(Boolean).length === 1, 'exactly one of eight concurrent useStep(100) wins');
      check(!(await store.useStep(saved.userId, 100)), 'the same step again is refused');
      check(!(await store.useStep(saved.userId, 99)), 'an earlier step is refused');
      check(await store.useStep(saved.userId, 101), 'a later step is accepted');
      check((await store.find(saved.userId))?.lastStep === 101, 'lastStep recorded');
      check(!(await store.useStep('nobody', 5)), 'no record: false');
    }],
    ['useBackupCode uses each digest once, for its own user only', async (store) => {
      const alice = record();
      const bob = record();
      await store.save(alice);
      await store.save(bob);
      const digest = 'd4'.repeat(32);
      await store.enable(alice.userId, NOW, [digest, 'e5'.repeat(32)]);
      await store.enable(bob.userId, NOW, ['f6'.repeat(32)]);
      check(!(await store.useBackupCode(bob.userId, digest)), "another user's digest is refused");
      const results = await Promise.all(Array.from({ length: 6 }, () => store.useBackupCode(alice.userId, digest)));
      check(results.filter(Boolean).length === 1, 'exactly one of six concurrent uses wins');
      check((await store.countBackupCodes(alice.userId)) === 1, 'one left');
      check((await store.countBackupCodes(bob.userId)) === 1, "bob's untouched");
    }],
    ['delete removes the record and its backup codes; false when there was none', async (store) => {
      const saved = record();
      await store.save(saved);
      await store.enable(saved.userId, NOW, ['a7'.repeat(32)]);
      check(await store.delete(saved.userId), 'deleted');
      check((await store.find(saved.userId)) === null, 'gone');
      check((await store.countBackupCodes(saved.userId)) === 0, 'codes gone');
      check(!(await store.delete(saved.userId)), 'second delete: false');
    }],
  ];
  return cases.map(([name, body]) => ({ name: `TotpStore ${name}`, run: async () => body(await makeStore()) }));
}
