import { bytesToHex } from '@noble/hashes/utils.js';
import type { TokenRecord, TokenStore } from '../tokens/token-store.ts';
import { check, checkEqual } from './assert.ts';
import type { ConformanceCase } from './conformance-case.ts';
import { seededRandomBytes } from './host-fixture.ts';

let sequence = 0;
// Seeded, so a failing case fails again with the same ids when it is run again.
const idBytes = seededRandomBytes('token-store-conformance');

function record(overrides: Partial<TokenRecord> = {}): TokenRecord {
  sequence++;
  return {
    id: `conf-${sequence}-${bytesToHex(idBytes(6))}`,
    userId: 'user-1',
    digest: `${sequence.toString(16).padStart(8, '0')}${'ab'.repeat(28)}`,
    purpose: 'api',
    name: 'laptop',
    scopes: ['read', 'write'],
    createdAt: 1_700_000_000_000 + sequence,
    expiresAt: null,
    lastUsedAt: null,
    revokedAt: null,
    ...overrides,
  };
}

/**
 * The `TokenStore` contract as runnable checks. `makeStore` is called once per case and
 * must return an empty store.
 *
 * ```ts
 * for (const c of tokenStoreConformance(() => makeMyStore())) test(c.name, c.run);
 * ```
 */
export function tokenStoreConformance(makeStore: () => TokenStore | Promise<TokenStore>): ConformanceCase[] {
  const cases: Array<[string, (store: TokenStore) => Promise<void>]> = [
    ['finds an inserted record by its digest, every field intact', async (store) => {
      const saved = record({ scopes: ['read', 'write:äö'], expiresAt: 1_800_000_000_000, lastUsedAt: 1_700_000_000_500 });
      check(await store.insert(saved), 'insert without a limit returns true');
      checkEqual(await store.findByDigest(saved.digest), saved, 'findByDigest');
    }],
    ['keeps null name, empty scopes, null expiry and null last-used as they are', async (store) => {
      const saved = record({ name: null, scopes: [], expiresAt: null, lastUsedAt: null });
      await store.insert(saved);
      checkEqual(await store.findByDigest(saved.digest), saved, 'findByDigest');
    }],
    ['answers null for an unknown digest', async (store) => {
      await store.insert(record());
      checkEqual(await store.findByDigest('f'.repeat(64)), null, 'unknown digest');
    }],
    ['matches digests exactly, not by prefix or case', async (store) => {
      const saved = record();
      await store.insert(saved);
      checkEqual(await store.findByDigest(saved.digest.slice(0, 32)), null, 'prefix');
      checkEqual(await store.findByDigest(saved.digest.toUpperCase()), null, 'upper case');
    }],
    ['touch updates last-used and expiry independently', async (store) => {
      const saved = record({ expiresAt: 1_800_000_000_000 });
      await store.insert(saved);
      await store.touch(saved.id, { lastUsedAt: 1_700_000_001_000 });
      let found = await store.findByDigest(saved.digest);
      checkEqual([found?.lastUsedAt, found?.expiresAt], [1_700_000_001_000, 1_800_000_000_000], 'after last-used touch');
      await store.touch(saved.id, { expiresAt: 1_900_000_000_000 });
      found = await store.findByDigest(saved.digest);
      checkEqual([found?.lastUsedAt, found?.expiresAt], [1_700_000_001_000, 1_900_000_000_000], 'after expiry touch');
      await store.touch(saved.id, { expiresAt: null });
      found = await store.findByDigest(saved.digest);
      checkEqual(found?.expiresAt, null, 'expiry cleared');
    }],
    ['touch on an unknown id is not an error', async (store) => {
      await store.touch('no-such-id', { lastUsedAt: 1 });
    }],
    ['revoke sets revokedAt on one record, keeps it, and says whether it was live', async (store) => {
      const a = record();
      const b = record();
      await store.insert(a);
      await store.insert(b);
      checkEqual(await store.revoke(a.id, 5_000), true, 'first revoke');
      checkEqual(await store.revoke(a.id, 6_000), false, 'second revoke');
      checkEqual(await store.revoke('no-such-id', 6_000), false, 'unknown id');
      checkEqual(await store.findByDigest(a.digest), { ...a, revokedAt: 5_000 }, 'revoked record keeps its first time');
      checkEqual(await store.findByDigest(b.digest), b, 'other record');
    }],
    ['revoke counts an expired record as revoked', async (store) => {
      const expired = record({ expiresAt: 1000 });
      await store.insert(expired);
      checkEqual(await store.revoke(expired.id, 2000), true, 'revoke');
      checkEqual((await store.findByDigest(expired.digest))?.revokedAt, 2000, 'revokedAt');
    }],
    ["revokeForUser revokes all of that user's live records and no one else's", async (store) => {
      const earlier = record({ userId: 'alice', revokedAt: 1_000 });
      const mine = [record({ userId: 'alice' }), record({ userId: 'alice' })];
      const theirs = record({ userId: 'bob' });
      for (const r of [earlier, ...mine, theirs]) await store.insert(r);
      checkEqual(await store.revokeForUser('alice', 2_000), 2, 'count');
      const after = await store.listForUser('alice');
      checkEqual(after.map((r) => [r.id, r.revokedAt]).sort(), [[earlier.id, 1_000], ...mine.map((r) => [r.id, 2_000])].sort(), 'alice after');
      checkEqual((await store.findByDigest(theirs.digest))?.revokedAt, null, 'bob kept');
      checkEqual(await store.revokeForUser('alice', 3_000), 0, 'nothing left');
    }],
    ['keeps the purpose of every record', async (store) => {
      const api = record({ purpose: 'api' });
      const session = record({ purpose: 'session', name: 'session' });
      await store.insert(api);
      await store.insert(session);
      checkEqual((await store.findByDigest(api.digest))?.purpose, 'api', 'api');
      checkEqual((await store.findByDigest(session.digest))?.purpose, 'session', 'session');
    }],
    ["listForUser returns that user's records oldest first, expired ones included", async (store) => {
      const newer = record({ userId: 'alice', createdAt: 3000 });
      const expired = record({ userId: 'alice', createdAt: 1000, expiresAt: 1500 });
      const middle = record({ userId: 'alice', createdAt: 2000 });
      for (const r of [newer, expired, middle, record({ userId: 'bob' })]) await store.insert(r);
      checkEqual((await store.listForUser('alice')).map((r) => r.id), [expired.id, middle.id, newer.id], 'order');
      checkEqual(await store.listForUser('nobody'), [], 'unknown user');
    }],
    ['findByDigest still returns expired records (core decides expiry)', async (store) => {
      const expired = record({ expiresAt: 1000 });
      await store.insert(expired);
      checkEqual((await store.findByDigest(expired.digest))?.id, expired.id, 'expired record');
    }],
    ['purgeExpired removes records expired at or before now, and only those', async (store) => {
      const past = record({ expiresAt: 1000 });
      const exact = record({ expiresAt: 2000 });
      const future = record({ expiresAt: 3000 });
      const never = record({ expiresAt: null });
      for (const r of [past, exact, future, never]) await store.insert(r);
      checkEqual(await store.purgeExpired(2000, 0), 2, 'count');
      checkEqual(await store.findByDigest(past.digest), null, 'past');
      checkEqual(await store.findByDigest(exact.digest), null, 'exact');
      check(await store.findByDigest(future.digest), 'future kept');
      check(await store.findByDigest(never.digest), 'never-expiring kept');
    }],
    ['insert with a limit refuses at the limit and counts only live tokens', async (store) => {
      const now = 10_000;
      await store.insert(record({ userId: 'alice', expiresAt: 5_000 }));
      await store.insert(record({ userId: 'bob' }));
      checkEqual(await store.insert(record({ userId: 'alice' }), { max: 2, now }), true, 'first live');
      checkEqual(await store.insert(record({ userId: 'alice', expiresAt: 20_000 }), { max: 2, now }), true, 'second live');
      const refused = record({ userId: 'alice' });
      checkEqual(await store.insert(refused, { max: 2, now }), false, 'third live');
      checkEqual(await store.findByDigest(refused.digest), null, 'refused record not stored');
    }],
    ['purgeExpired removes records revoked at or before revokedBefore, and keeps later ones', async (store) => {
      const old = record({ revokedAt: 1000 });
      const exact = record({ revokedAt: 2000 });
      const recent = record({ revokedAt: 3000 });
      const live = record();
      for (const r of [old, exact, recent, live]) await store.insert(r);
      checkEqual(await store.purgeExpired(0, 2000), 2, 'count');
      checkEqual(await store.findByDigest(old.digest), null, 'old');
      checkEqual(await store.findByDigest(exact.digest), null, 'exact');
      check(await store.findByDigest(recent.digest), 'recent revocation kept for the audit trail');
      check(await store.findByDigest(live.digest), 'live kept');
    }],
    ['insert with a limit does not count revoked tokens', async (store) => {
      const revoked = record({ userId: 'alice' });
      await store.insert(revoked);
      await store.revoke(revoked.id, 5_000);
      checkEqual(await store.insert(record({ userId: 'alice' }), { max: 1, now: 10_000 }), true, 'only live counted');
      checkEqual(await store.insert(record({ userId: 'alice' }), { max: 1, now: 10_000 }), false, 'at the limit');
    }],
    ['(optional) revokedSince reports revocations at or after a time, oldest first, up to a limit', async (store) => {
      if (!store.revokedSince) return;
      const rs = [3000, 1000, 2000, 4000].map((at) => record({ revokedAt: null, createdAt: at }));
      const live = record();
      for (const r of [...rs, live]) await store.insert(r);
      for (const r of rs) await store.revoke(r.id, r.createdAt);
      const since = await store.revokedSince(2000, 10);
      checkEqual(since, [2000, 3000, 4000].map((at) => ({ digest: rs.find((r) => r.createdAt === at)!.digest, revokedAt: at })), 'since 2000');
      checkEqual((await store.revokedSince(0, 2)).map((r) => r.revokedAt), [1000, 2000], 'limit');
      checkEqual(await store.revokedSince(4001, 10), [], 'nothing after');
      await store.revokeForUser(live.userId, 5000);
      checkEqual(await store.revokedSince(4500, 10), [{ digest: live.digest, revokedAt: 5000 }], 'revokeForUser feeds it too');
    }],
    ['(optional) findWithUser answers the record and its user in one call, only with joinedUsers', async (store) => {
      if (!store.findWithUser) return;
      const users = store.joinedUsers;
      check(users, 'a store with findWithUser names the UserStore it joins as joinedUsers');
      const user = await users.createUser({ username: `conformance-${sequence}`, passwordHash: null });
      check(user, 'createUser');
      const mine = record({ userId: user.id });
      const orphan = record({ userId: 'no-such-user-id' });
      await store.insert(mine);
      await store.insert(orphan);
      const found = await store.findWithUser(mine.digest);
      checkEqual(found?.record, mine, 'record');
      checkEqual(found?.user, await users.findById(user.id), 'user');
      checkEqual(await store.findWithUser(orphan.digest), { record: orphan, user: null }, 'no such user');
      checkEqual(await store.findWithUser('f'.repeat(64)), null, 'unknown digest');
    }],
    ['insert with a limit is atomic under concurrent calls', async (store) => {
      const attempts = Array.from({ length: 20 }, () => record({ userId: 'racer' }));
      const results = await Promise.all(attempts.map((r) => store.insert(r, { max: 5, now: 0 })));
      checkEqual(results.filter(Boolean).length, 5, 'inserted');
      checkEqual((await store.listForUser('racer')).length, 5, 'stored');
    }],
  ];
  return cases.map(([name, body]) => ({
    name: `TokenStore ${name}`,
    run: async () => body(await makeStore()),
  }));
}
