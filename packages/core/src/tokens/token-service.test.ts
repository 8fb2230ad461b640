import { describe, expect, it } from 'vitest';
import { MemoryTokenStore } from './memory-token-store.ts';
import { seededRandomBytes } from '../testing/host-fixture.ts';
import { createTokenService, type TokenServiceOptions } from './token-service.ts';
import type { TokenStore } from './token-store.ts';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

/** A real memory store that also counts what the service asked of it. */
function countingStore() {
  const store = new MemoryTokenStore();
  const calls: string[] = [];
  const counted = new Proxy(store, {
    get(target, key, receiver) {
      const value = Reflect.get(target, key, receiver);
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        calls.push(String(key));
        return value.apply(target, args);
      };
    },
  }) as TokenStore;
  return { store: counted, calls };
}

function setup(options: Partial<TokenServiceOptions> = {}) {
  let clock = 1_700_000_000_000;
  const { store, calls } = countingStore();
  const service = createTokenService({ store, now: () => clock, randomBytes: seededRandomBytes('svc'), ...options });
  return { service, store, calls, advance: (ms: number) => (clock += ms), now: () => clock };
}

async function issue(service: ReturnType<typeof setup>['service'], userId = 'u1', input = {}) {
  const created = await service.create(userId, input);
  if (!created.ok) throw new Error('limit');
  return created;
}

describe('token service: issuing', () => {
  it('returns the plaintext once and stores only its digest', async () => {
    const { service, store } = setup();
    const { token, record } = await issue(service, 'u1', { name: 'laptop', scopes: ['read'] });
    const [stored] = await store.listForUser('u1');
    expect(stored).toEqual(record);
    expect(JSON.stringify(stored)).not.toContain(token);
    expect(record.digest).toMatch(/^[0-9a-f]{64}$/);
    expect(record).toMatchObject({ name: 'laptop', scopes: ['read'], expiresAt: null, lastUsedAt: null });
    // Hex ids never start with "-", so a command line cannot mistake one for an option.
    expect(record.id).toMatch(/^[0-9a-f]{24}$/);
  });

  it('issues many tokens per user, each different', async () => {
    const { service } = setup();
    const a = await issue(service);
    const b = await issue(service);
    expect(a.token).not.toBe(b.token);
    expect((await service.list('u1')).map((r) => r.id)).toEqual([a.record.id, b.record.id]);
  });

  it('sets expiry from the ttl, per token when asked', async () => {
    const { service, now } = setup({ ttl: HOUR });
    expect((await issue(service)).record.expiresAt).toBe(now() + HOUR);
    expect((await issue(service, 'u1', { ttl: MINUTE })).record.expiresAt).toBe(now() + MINUTE);
    expect((await issue(service, 'u1', { ttl: null })).record.expiresAt).toBeNull();
  });

  it('refuses a new token at the per-user limit, counting only live tokens', async () => {
    const { service, advance } = setup({ maxTokensPerUser: 2, ttl: HOUR });
    await issue(service);
    await issue(service, 'u1', { ttl: MINUTE });
    expect(await service.create('u1')).toEqual({ ok: false, reason: 'limit' });
    expect((await service.create('u2')).ok).toBe(true);
    advance(2 * MINUTE);
    expect((await service.create('u1')).ok).toBe(true);
  });

  it('refuses scopes with spaces, quotes or control characters', async () => {
    const { service } = setup();
    await expect(service.create('u1', { scopes: ['read write'] })).rejects.toThrow(RangeError);
    await expect(service.create('u1', { scopes: ['"'] })).rejects.toThrow(RangeError);
    await expect(service.create('u1', { scopes: [''] })).rejects.toThrow(RangeError);
  });
});

describe('token service: verifying', () => {
  it('accepts an issued token and returns its record', async () => {
    const { service } = setup();
    const { token, record } = await issue(service);
    const verified = await service.verify(token);
    expect(verified.ok && verified.record.id).toBe(record.id);
  });

  it('rejects malformed tokens by checksum before any store call', async () => {
    const { service, calls } = setup();
    calls.length = 0;
    for (const garbage of ['', 'abc', `lk_${'A'.repeat(49)}`, 'Token', '💥'.repeat(30)]) {
      expect(await service.verify(garbage)).toEqual({ ok: false, reason: 'malformed' });
    }
    expect(calls).toEqual([]);
  });

  it('rejects a well-formed token it never issued as unknown', async () => {
    const other = setup({ randomBytes: seededRandomBytes('elsewhere') });
    const { token } = await issue(other.service);
    expect(await setup().service.verify(token)).toEqual({ ok: false, reason: 'unknown' });
  });

  it('rejects tokens made under another secret', async () => {
    const store = new MemoryTokenStore();
    const a = createTokenService({ store, secret: 'a'.repeat(32) });
    const b = createTokenService({ store, secret: 'b'.repeat(32) });
    const created = await a.create('u1');
    if (!created.ok) throw new Error('limit');
    expect((await a.verify(created.token)).ok).toBe(true);
    expect(await b.verify(created.token)).toEqual({ ok: false, reason: 'unknown' });
  });

  it('rejects an expired token without a write; purgeExpired deletes it later', async () => {
    const { service, advance, store, calls } = setup({ ttl: HOUR });
    const { token } = await issue(service);
    advance(HOUR);
    calls.length = 0;
    expect(await service.verify(token)).toEqual({ ok: false, reason: 'expired' });
    expect(calls).toEqual(['findByDigest']);
    expect(await service.purgeExpired()).toBe(1);
    expect(await store.listForUser('u1')).toEqual([]);
  });

  it('rejects a revoked token', async () => {
    const { service } = setup();
    const { token, record } = await issue(service);
    expect(await service.revoke(record.id)).toBe(true);
    expect(await service.verify(token)).toEqual({ ok: false, reason: 'revoked' });
    expect(await service.revoke(record.id)).toBe(false);
  });

  it('records last use at most once per interval: the hot path is one read', async () => {
    const { service, calls, advance } = setup({ lastUsedInterval: MINUTE });
    const { token } = await issue(service);
    calls.length = 0;
    await service.verify(token);
    expect(calls).toEqual(['findByDigest', 'touch']);
    calls.length = 0;
    for (let i = 0; i < 5; i++) await service.verify(token);
    expect(calls).toEqual(Array(5).fill('findByDigest'));
    advance(MINUTE);
    calls.length = 0;
    const verified = await service.verify(token);
    expect(calls).toEqual(['findByDigest', 'touch']);
    expect(verified.ok && verified.record.lastUsedAt).toBeGreaterThan(0);
  });

  it('never writes when last-use tracking is off and refresh is off', async () => {
    const { service, calls, advance } = setup({ lastUsedInterval: null });
    const { token } = await issue(service);
    calls.length = 0;
    await service.verify(token);
    advance(HOUR);
    await service.verify(token);
    expect(calls).toEqual(['findByDigest', 'findByDigest']);
  });

  it('slides expiry forward on use, but only once the change reaches the minimum interval', async () => {
    const { service, advance, store, now } = setup({
      ttl: HOUR,
      autoRefresh: true,
      minRefreshInterval: 5 * MINUTE,
      lastUsedInterval: null,
    });
    const { token, record } = await issue(service);
    advance(MINUTE);
    await service.verify(token);
    expect((await store.findByDigest(record.digest))?.expiresAt).toBe(record.expiresAt);
    advance(4 * MINUTE);
    await service.verify(token);
    expect((await store.findByDigest(record.digest))?.expiresAt).toBe(now() + HOUR);
    advance(HOUR - MINUTE);
    expect((await service.verify(token)).ok).toBe(true);
  });
});

describe('token service: revoking and listing', () => {
  it('revokes a token only for its owner', async () => {
    const { service } = setup();
    const { token, record } = await issue(service, 'alice');
    expect(await service.revokeOwned('mallory', record.id)).toBe(false);
    expect((await service.verify(token)).ok).toBe(true);
    expect(await service.revokeOwned('alice', record.id)).toBe(true);
    expect((await service.verify(token)).ok).toBe(false);
  });

  it("logs out everywhere: every token of that user, no one else's", async () => {
    const { service } = setup();
    const mine = [await issue(service, 'alice'), await issue(service, 'alice')];
    const theirs = await issue(service, 'bob');
    expect(await service.revokeAll('alice')).toBe(2);
    for (const { token } of mine) expect((await service.verify(token)).ok).toBe(false);
    expect((await service.verify(theirs.token)).ok).toBe(true);
  });

  it('lists live tokens only, and purges expired ones', async () => {
    const { service, advance } = setup();
    const kept = await issue(service, 'u1', { ttl: null });
    await issue(service, 'u1', { ttl: MINUTE });
    advance(MINUTE);
    expect((await service.list('u1')).map((r) => r.id)).toEqual([kept.record.id]);
    expect(await service.purgeExpired()).toBe(1);
    expect(await service.purgeExpired()).toBe(0);
  });
});

describe('token service: options', () => {
  const store = new MemoryTokenStore();
  it.each([
    ['a missing store', { store: undefined as unknown as TokenStore }, TypeError],
    ['autoRefresh without a ttl', { store, autoRefresh: true }, TypeError],
    ['a negative ttl', { store, ttl: -1 }, RangeError],
    ['a zero token limit', { store, maxTokensPerUser: 0 }, RangeError],
    ['a short secret', { store, secret: 'short' }, RangeError],
    ['a prefix with spaces', { store, prefix: 'l k' }, RangeError],
  ])('refuses %s at construction', (_name, options, error) => {
    expect(() => createTokenService(options as TokenServiceOptions)).toThrow(error);
  });

  it('does not write to the caller’s options object', () => {
    const options = Object.freeze({ store });
    expect(() => createTokenService(options)).not.toThrow();
  });
});
