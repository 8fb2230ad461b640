import type { ConformanceCase } from '@latchkey/core/testing';
import type { RefreshTokenRecord, RefreshTokenStore } from '../refresh-token-store.ts';

// Tiny asserts, so the suite runs under any runner (Vitest, bun test, deno test, node:test).
function checkEqual(actual: unknown, expected: unknown, message: string): void {
  const a = JSON.stringify(actual);
  const e = JSON.stringify(expected);
  if (a !== e) throw new Error(`conformance: ${message}: expected ${e}, got ${a}`);
}

let sequence = 0;
const T = 1_750_000_000_000;

function record(overrides: Partial<RefreshTokenRecord> = {}): RefreshTokenRecord {
  sequence++;
  return {
    digest: `${sequence.toString(16).padStart(8, '0')}${Math.random().toString(16).slice(2, 10).padEnd(8, '0')}${'cd'.repeat(24)}`,
    familyId: `family-${sequence}`,
    userId: 'user-1',
    createdAt: T,
    expiresAt: T + 86_400_000,
    ...overrides,
  };
}

/**
 * The `RefreshTokenStore` contract as runnable checks. `makeStore` is called once per case
 * and must return an empty store.
 *
 * ```ts
 * for (const c of refreshTokenStoreConformance(() => makeMyStore())) test(c.name, c.run);
 * ```
 */
export function refreshTokenStoreConformance(makeStore: () => RefreshTokenStore | Promise<RefreshTokenStore>): ConformanceCase[] {
  const cases: Array<[string, (store: RefreshTokenStore) => Promise<void>]> = [
    ['finds an inserted token by its digest, live, every field intact', async (store) => {
      const saved = record();
      await store.insert(saved);
      checkEqual(await store.find(saved.digest), { record: saved, state: 'live' }, 'find');
    }],
    ['answers null and unknown for a digest it does not hold, matching exactly', async (store) => {
      const saved = record();
      await store.insert(saved);
      checkEqual(await store.find('f'.repeat(64)), null, 'unknown digest');
      checkEqual(await store.find(saved.digest.toUpperCase()), null, 'upper case');
      checkEqual(await store.consume(saved.digest.slice(0, 32)), { outcome: 'unknown' }, 'prefix');
    }],
    ['refuses a duplicate digest', async (store) => {
      const saved = record();
      await store.insert(saved);
      let threw = false;
      try {
        await store.insert({ ...saved, familyId: 'other' });
      } catch {
        threw = true;
      }
      checkEqual(threw, true, 'second insert throws');
    }],
    ['consume wins a live token once; again it is used', async (store) => {
      const saved = record();
      await store.insert(saved);
      checkEqual(await store.consume(saved.digest), { outcome: 'consumed', record: saved }, 'first');
      checkEqual(await store.consume(saved.digest), { outcome: 'used', record: saved }, 'second');
      checkEqual((await store.find(saved.digest))?.state, 'used', 'state');
    }],
    ['of twenty concurrent consumes exactly one wins', async (store) => {
      const saved = record();
      await store.insert(saved);
      const outcomes = await Promise.all(Array.from({ length: 20 }, () => store.consume(saved.digest)));
      checkEqual(outcomes.filter((o) => o.outcome === 'consumed').length, 1, 'winners');
      checkEqual(outcomes.filter((o) => o.outcome === 'used').length, 19, 'losers');
    }],
    ['revoking a family revokes its tokens, used or live, and no other family', async (store) => {
      const first = record({ familyId: 'f1' });
      const second = record({ familyId: 'f1' });
      const other = record({ familyId: 'f2' });
      for (const r of [first, second, other]) await store.insert(r);
      await store.consume(first.digest);
      await store.revokeFamily('f1', T + 300_000);
      checkEqual((await store.find(first.digest))?.state, 'revoked', 'used token');
      checkEqual((await store.find(second.digest))?.state, 'revoked', 'live token');
      checkEqual(await store.consume(second.digest), { outcome: 'revoked', record: second }, 'consume after revocation');
      checkEqual((await store.find(other.digest))?.state, 'live', 'other family');
    }],
    ['a token inserted into a revoked family is revoked (a rotation racing a revocation)', async (store) => {
      await store.insert(record({ familyId: 'f1' }));
      await store.revokeFamily('f1', T + 300_000);
      const late = record({ familyId: 'f1' });
      await store.insert(late);
      checkEqual(await store.consume(late.digest), { outcome: 'revoked', record: late }, 'late token');
    }],
    ['revokeUser revokes every family of that user only, and names them', async (store) => {
      const a = record({ userId: 'u1', familyId: 'a' });
      const b = record({ userId: 'u1', familyId: 'b' });
      const c = record({ userId: 'u2', familyId: 'c' });
      for (const r of [a, b, c]) await store.insert(r);
      checkEqual([...(await store.revokeUser('u1', T + 300_000))].sort(), ['a', 'b'], 'families');
      checkEqual((await store.find(b.digest))?.state, 'revoked', 'b');
      checkEqual((await store.find(c.digest))?.state, 'live', 'c');
      checkEqual([...(await store.revokeUser('nobody', T + 300_000))], [], 'unknown user');
    }],
    ['revokedFamilies lists revocations until their accessUntil, and is idempotent', async (store) => {
      await store.insert(record({ familyId: 'f1' }));
      await store.insert(record({ familyId: 'f2' }));
      await store.revokeFamily('f1', T + 1_000);
      await store.revokeFamily('f1', T + 1_000);
      await store.revokeFamily('f2', T + 5_000);
      checkEqual([...(await store.revokedFamilies(T))].sort(), ['f1', 'f2'], 'both');
      checkEqual([...(await store.revokedFamilies(T + 1_000))], ['f2'], 'f1 past its accessUntil');
      checkEqual([...(await store.revokedFamilies(T + 5_000))], [], 'none');
    }],
    ['a later revocation of a family keeps the later accessUntil', async (store) => {
      await store.insert(record({ familyId: 'f1' }));
      await store.revokeFamily('f1', T + 5_000);
      await store.revokeFamily('f1', T + 1_000);
      checkEqual([...(await store.revokedFamilies(T + 2_000))], ['f1'], 'still listed');
    }],
    ['purgeExpired deletes expired tokens only and counts them', async (store) => {
      const old = record({ expiresAt: T + 10 });
      const fresh = record({ expiresAt: T + 1_000 });
      await store.insert(old);
      await store.insert(fresh);
      checkEqual(await store.purgeExpired(T + 10), 1, 'purged');
      checkEqual(await store.find(old.digest), null, 'old gone');
      checkEqual((await store.find(fresh.digest))?.state, 'live', 'fresh kept');
    }],
  ];
  return cases.map(([name, body]) => ({ name, run: async () => body(await makeStore()) }));
}
