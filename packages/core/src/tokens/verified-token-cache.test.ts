import { describe, expect, it } from 'vitest';
import { seededRandomBytes } from '../testing/host-fixture.ts';
import { MemoryUserStore } from '../users/memory-user-store.ts';
import { MemoryTokenStore } from './memory-token-store.ts';
import { createTokenService, type TokenServiceOptions } from './token-service.ts';
import { digestToken } from './token.ts';
import type { TokenStore } from './token-store.ts';

const INTERVAL = 1_000;
const MAX_AGE = 10_000;

/** A memory store that counts the calls made to it, by method. */
function counted(store: TokenStore) {
  const calls: string[] = [];
  const proxy = new Proxy(store, {
    get(target, key, receiver) {
      const value = Reflect.get(target, key, receiver);
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        calls.push(String(key));
        return value.apply(target, args);
      };
    },
  });
  return { store: proxy, calls };
}

/** Two instances (services with their own caches) over one shared store and one clock. */
async function world(options: Partial<TokenServiceOptions> = {}) {
  let clock = 1_700_000_000_000;
  const now = () => clock;
  const users = new MemoryUserStore({ now });
  const alice = (await users.createUser({ username: 'alice', passwordHash: null }))!;
  const shared = counted(new MemoryTokenStore());
  const instance = (seed: string) =>
    createTokenService({ store: shared.store, now, randomBytes: seededRandomBytes(seed), cache: true, ...options });
  const here = instance('here');
  const elsewhere = instance('elsewhere');
  const created = await here.create(alice.id);
  if (!created.ok) throw new Error('limit');
  return {
    here,
    elsewhere,
    users,
    alice,
    calls: shared.calls,
    token: created.token,
    record: created.record,
    advance: (ms: number) => (clock += ms),
    ok: async (service = here, token = created.token) => (await service.authenticate(token, 'api', users)).ok,
  };
}

describe('verified-token cache', () => {
  it('is off by default, and needs a store with the revocation feed', () => {
    expect(createTokenService({ store: new MemoryTokenStore() }).cache).toBeNull();
    const store = new MemoryTokenStore();
    const feedless: TokenStore = {
      insert: (r, l) => store.insert(r, l),
      findByDigest: (d) => store.findByDigest(d),
      touch: (i, c) => store.touch(i, c),
      revoke: (i, a) => store.revoke(i, a),
      revokeForUser: (u, a) => store.revokeForUser(u, a),
      listForUser: (u) => store.listForUser(u),
      purgeExpired: (n, r) => store.purgeExpired(n, r),
    };
    expect(() => createTokenService({ store: feedless, cache: true })).toThrow(/revokedSince/);
    expect(() => createTokenService({ store, cache: { maxEntries: 0 } })).toThrow(RangeError);
    expect(() => createTokenService({ store, cache: { revocationInterval: -1 } })).toThrow(RangeError);
  });

  it('serves a verified token again without asking the store', async () => {
    const { ok, calls } = await world();
    expect(await ok()).toBe(true);
    calls.length = 0;
    for (let i = 0; i < 5; i++) expect(await ok()).toBe(true);
    expect(calls).toEqual([]);
  });

  it('holds digests only, never a plaintext token', async () => {
    const { here, ok, token } = await world();
    await ok();
    expect([...here.cache!.digests()]).toEqual([digestToken(token, null)]);
    expect([...here.cache!.digests()].join()).not.toContain(token.slice(3, 40));
  });

  it('refuses a token revoked through this process on the very next request', async () => {
    const { here, ok, record } = await world();
    await ok();
    expect(await here.revoke(record.id)).toBe(true);
    expect(await ok()).toBe(false);
  });

  it('refuses after logout-all (revokeAll) and revokeOwned through this process at once', async () => {
    const w = await world();
    await w.ok();
    await w.here.revokeAll(w.alice.id);
    expect(await w.ok()).toBe(false);
    const v = await world();
    await v.ok();
    expect(await v.here.revokeOwned(v.alice.id, v.record.id)).toBe(true);
    expect(await v.ok()).toBe(false);
  });

  it('refuses an expired token at once, without the store', async () => {
    const { ok, advance, calls } = await world({ ttl: 5_000 });
    expect(await ok()).toBe(true);
    advance(5_000);
    calls.length = 0;
    expect(await ok()).toBe(false);
  });

  it('refuses a token revoked by another instance within the interval, one feed query for any traffic', async () => {
    const { here, elsewhere, record, ok, advance, calls } = await world();
    expect(await ok()).toBe(true);
    await elsewhere.revoke(record.id);
    calls.length = 0;
    advance(INTERVAL);
    const results = await Promise.all(Array.from({ length: 100 }, () => ok(here)));
    expect(results.every((accepted) => !accepted)).toBe(true);
    expect(calls.filter((call) => call === 'revokedSince')).toHaveLength(1);
  });

  it('does not cache a lookup that a feed read overtook: the revocation it reported stands', async () => {
    let clock = 1_700_000_000_000;
    const users = new MemoryUserStore();
    const alice = (await users.createUser({ username: 'alice', passwordHash: null }))!;
    const shared = new MemoryTokenStore();
    let gate: Promise<void> | null = null;
    // Instance A's lookups wait at the gate, as a slow query would.
    const slow: TokenStore = {
      insert: (r, l) => shared.insert(r, l),
      findByDigest: async (d) => {
        const found = await shared.findByDigest(d);
        await gate;
        return found;
      },
      touch: (i, c) => shared.touch(i, c),
      revoke: (i, at) => shared.revoke(i, at),
      revokeForUser: (u, at) => shared.revokeForUser(u, at),
      listForUser: (u) => shared.listForUser(u),
      purgeExpired: (n, r) => shared.purgeExpired(n, r),
      revokedSince: (s, l) => shared.revokedSince(s, l),
    };
    const a = createTokenService({ store: slow, now: () => clock, cache: true, lastUsedInterval: null });
    const b = createTokenService({ store: shared, now: () => clock, lastUsedInterval: null });
    const other = await a.create(alice.id);
    const target = await a.create(alice.id);
    if (!other.ok || !target.ok) throw new Error('limit');
    expect((await a.authenticate(other.token, 'api', users)).ok).toBe(true);
    let open = () => {};
    gate = new Promise((resolve) => (open = resolve));
    const lookup = a.authenticate(target.token, 'api', users);
    await null;
    await b.revoke(target.record.id);
    clock += INTERVAL / 2;
    gate = null;
    // This request starts the feed read, which reports the revocation before the lookup ends.
    expect((await a.authenticate(other.token, 'api', users)).ok).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 0));
    open();
    expect((await lookup).ok).toBe(true);
    expect(await a.authenticate(target.token, 'api', users)).toEqual({ ok: false, reason: 'revoked' });
  });

  it('reads the feed in the background half way through the interval, still once', async () => {
    const { ok, advance, calls } = await world();
    await ok();
    calls.length = 0;
    advance(INTERVAL / 2);
    await Promise.all(Array.from({ length: 50 }, () => ok()));
    advance(INTERVAL / 4);
    await Promise.all(Array.from({ length: 50 }, () => ok()));
    expect(calls).toEqual(['revokedSince']);
  });

  it('hands a feed read to the host\'s waitUntil, so the request that started it cannot cancel it', async () => {
    const { here, users, token, ok, advance } = await world({ lastUsedInterval: null });
    await ok();
    const kept: Promise<unknown>[] = [];
    advance(INTERVAL);
    const result = await here.authenticate(token, 'api', users, { waitUntil: (promise) => void kept.push(promise) });
    expect([result.ok, kept.length]).toEqual([true, 1]);
    expect(await kept[0]).toBe(true);
  });

  it('sees a deactivated user within maxAge', async () => {
    const { users, alice, ok, advance } = await world();
    expect(await ok()).toBe(true);
    await users.setActive(alice.id, false);
    advance(MAX_AGE - INTERVAL);
    advance(INTERVAL);
    expect(await ok()).toBe(false);
  });

  it('goes to the store while the feed cannot be read, and fails closed when the store fails too', async () => {
    const errors: unknown[] = [];
    let clock = 0;
    const users = new MemoryUserStore();
    const alice = (await users.createUser({ username: 'alice', passwordHash: null }))!;
    const memory = new MemoryTokenStore();
    let feedUp = true;
    let storeUp = true;
    const { store, calls } = counted({
      insert: (r, l) => memory.insert(r, l),
      findByDigest: (d) => (storeUp ? memory.findByDigest(d) : Promise.reject(new Error('store down'))),
      touch: (i, c) => memory.touch(i, c),
      revoke: (i, a) => memory.revoke(i, a),
      revokeForUser: (u, a) => memory.revokeForUser(u, a),
      listForUser: (u) => memory.listForUser(u),
      purgeExpired: (n, r) => memory.purgeExpired(n, r),
      revokedSince: (since, limit) => (feedUp ? memory.revokedSince(since, limit) : Promise.reject(new Error('feed down'))),
    });
    const service = createTokenService({ store, cache: true, now: () => clock, onError: (error) => errors.push(error) });
    const created = await service.create(alice.id);
    if (!created.ok) throw new Error('limit');
    expect((await service.authenticate(created.token, 'api', users)).ok).toBe(true);
    feedUp = false;
    clock += INTERVAL;
    calls.length = 0;
    expect((await service.authenticate(created.token, 'api', users)).ok).toBe(true);
    expect(calls).toEqual(['revokedSince', 'findByDigest']);
    expect(errors).toEqual([new Error('feed down')]);
    storeUp = false;
    await expect(service.authenticate(created.token, 'api', users)).rejects.toThrow('store down');
  });

  it('stays within maxEntries, least recently used first', async () => {
    const { here, users, alice, ok, token } = await world({ cache: { maxEntries: 3 } });
    const others = [];
    for (let i = 0; i < 3; i++) {
      const created = await here.create(alice.id);
      if (created.ok) others.push(created.token);
    }
    await ok();
    for (const other of others.slice(0, 2)) await here.authenticate(other, 'api', users);
    await ok();
    await here.authenticate(others[2]!, 'api', users);
    expect(here.cache!.size).toBe(3);
    expect([...here.cache!.digests()]).toContain(digestToken(token, null));
    expect([...here.cache!.digests()]).not.toContain(digestToken(others[0]!, null));
  });

  it('never serves an entry for another purpose or another user store', async () => {
    const { here, token, users, ok } = await world();
    await ok();
    expect(await here.authenticate(token, 'session', users)).toEqual({ ok: false, reason: 'unknown' });
    expect(await here.authenticate(token, 'api', new MemoryUserStore())).toEqual({ ok: false, reason: 'inactive' });
  });

  it('writes last use at most once per interval, through waitUntil when the host has one', async () => {
    const { here, users, token, advance, calls } = await world({ lastUsedInterval: 60_000 });
    // Handed to waitUntil: the writes (which settle to undefined) and feed reads (true).
    const waited: Promise<unknown>[] = [];
    const host = { waitUntil: (promise: Promise<unknown>) => void waited.push(promise) };
    const writes = async () => (await Promise.all(waited)).filter((value) => value === undefined).length;
    await here.authenticate(token, 'api', users, host);
    await here.authenticate(token, 'api', users, host);
    advance(30_000);
    await here.authenticate(token, 'api', users, host);
    expect(await writes()).toBe(1);
    advance(30_000);
    const result = await here.authenticate(token, 'api', users, host);
    expect(await writes()).toBe(2);
    expect(calls.filter((call) => call === 'touch')).toHaveLength(2);
    expect(result.ok && result.record.lastUsedAt).toBe(1_700_000_060_000);
  });
});

describe('verify against revoke, racing', () => {
  // A store whose every answer comes after a seeded number of turns of the event loop's
  // microtask queue, so that lookups and revocations interleave in many orders.
  function shuffled(store: MemoryTokenStore, seed: number) {
    let state = seed;
    const turns = () => {
      state = (state * 1_103_515_245 + 12_345) % 2 ** 31;
      return state % 5;
    };
    return new Proxy(store, {
      get(target, key, receiver) {
        const value = Reflect.get(target, key, receiver);
        if (typeof value !== 'function') return value;
        return async (...args: unknown[]) => {
          for (let n = turns(); n > 0; n--) await null;
          const result = await value.apply(target, args);
          for (let n = turns(); n > 0; n--) await null;
          return result;
        };
      },
    });
  }

  for (const cache of [false, true]) {
    it(`accepts nothing once revoke has resolved, 1000 races (cache ${cache ? 'on' : 'off'})`, async () => {
      const users = new MemoryUserStore();
      const alice = (await users.createUser({ username: 'alice', passwordHash: null }))!;
      let acceptedAfter = 0;
      for (let race = 0; race < 1000; race++) {
        const store = shuffled(new MemoryTokenStore(), race + 1);
        const service = createTokenService({ store, cache, randomBytes: seededRandomBytes(`race${race}`) });
        const created = await service.create(alice.id);
        if (!created.ok) throw new Error('limit');
        await service.authenticate(created.token, 'api', users);
        let revoked = false;
        const attempt = async () => {
          const result = await service.authenticate(created.token, 'api', users);
          if (result.ok && revoked) acceptedAfter++;
        };
        const attempts = [attempt(), attempt()];
        const revocation = service.revoke(created.record.id).then(() => {
          revoked = true;
        });
        attempts.push(attempt(), attempt());
        await Promise.all([...attempts, revocation]);
        await attempt();
      }
      expect(acceptedAfter).toBe(0);
    });
  }
});
