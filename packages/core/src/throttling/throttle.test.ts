import { describe, expect, it, vi } from 'vitest';
import type { Identity } from '../schemes/authenticator.ts';
import { addressFromForwardedFor, addressFromHeader } from './client-address.ts';
import { Throttled } from '../errors.ts';
import { MemoryThrottleStore } from './memory-throttle-store.ts';
import { request } from '../test-support.ts';
import { anonRateThrottle, parseRate, rateCounter, ratePeek, rateThrottle, userRateThrottle } from './throttle.ts';

const anonymous: Identity = { user: null, auth: null, scheme: null };
const alice: Identity = { user: { id: '1', username: 'alice', isActive: true, isStaff: false }, auth: null, scheme: 'token' };

describe('rates', () => {
  it.each([
    ['100/hour', 100, 3_600_000],
    ['5/min', 5, 60_000],
    ['10/s', 10, 1_000],
    ['1000/day', 1000, 86_400_000],
    ['3/m', 3, 60_000],
  ])('parses %s as DRF does', (rate, limit, windowMs) => {
    expect(parseRate(rate)).toEqual({ limit, windowMs });
  });

  it.each(['', '100', '0/hour', '-1/hour', '10/week', 'ten/hour'])('refuses "%s" at construction', (rate) => {
    expect(() => anonRateThrottle({ rate, store: new MemoryThrottleStore() })).toThrow(RangeError);
  });
});

describe('throttles', () => {
  function clocked(rate: string) {
    let clock = 0;
    const store = new MemoryThrottleStore();
    return { store, rate, now: () => clock, set: (ms: number) => (clock = ms) };
  }

  it('allows the rate, then refuses with the seconds to wait', async () => {
    const c = clocked('3/minute');
    const throttle = userRateThrottle(c);
    for (let i = 0; i < 3; i++) expect(await throttle(request(), alice, {})).toBeNull();
    // 4 counted in this window: at 90 s the weighted estimate (4 × 1/2) leaves room for one more.
    expect(await throttle(request(), alice, {})).toBe(90);
    c.set(90_000);
    expect(await throttle(request(), alice, {})).toBeNull();
  });

  it('peeks without counting: ratePeek answers what rateCounter would, and changes nothing', async () => {
    const c = clocked('3/minute');
    const count = rateCounter({ ...c, scope: 's' });
    const peek = ratePeek({ ...c, scope: 's' });
    for (let i = 0; i < 10; i++) expect(await peek('alice')).toBeNull();
    for (let i = 0; i < 3; i++) expect(await count('alice')).toBeNull();
    expect(await peek('alice')).toBe(90);
    expect(await peek('alice')).toBe(90);
    expect(await count('alice')).toBe(90);
  });

  it('slides: the previous window still counts in proportion to its overlap', async () => {
    const c = clocked('10/minute');
    const throttle = userRateThrottle(c);
    c.set(59_000);
    for (let i = 0; i < 10; i++) expect(await throttle(request(), alice, {})).toBeNull();
    // A fixed window would allow 10 more at 60s; the sliding one does not.
    c.set(60_000);
    expect(await throttle(request(), alice, {})).not.toBeNull();
    c.set(120_000);
    expect(await throttle(request(), alice, {})).toBeNull();
  });

  it('counts anonymous callers by client address and leaves users alone', async () => {
    const c = clocked('1/hour');
    const throttle = anonRateThrottle(c);
    expect(await throttle(request(), anonymous, { clientAddress: '198.51.100.1' })).toBeNull();
    expect(await throttle(request(), anonymous, { clientAddress: '198.51.100.1' })).not.toBeNull();
    expect(await throttle(request(), anonymous, { clientAddress: '198.51.100.2' })).toBeNull();
    expect(await throttle(request(), alice, { clientAddress: '198.51.100.1' })).toBeNull();
  });

  it('does not count anonymous callers whose address is unknown, rather than lump them into one bucket', async () => {
    const anon = anonRateThrottle(clocked('1/hour'));
    const user = userRateThrottle(clocked('1/hour'));
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    try {
      for (let i = 0; i < 3; i++) {
        expect(await anon(request(), anonymous, {})).toBeNull();
        expect(await user(request(), anonymous, { clientAddress: null })).toBeNull();
      }
      expect(await user(request(), alice, {})).toBeNull();
      expect(await user(request(), alice, {})).not.toBeNull();
    } finally {
      warn.mockRestore();
    }
  });

  it('counts users by id wherever they call from', async () => {
    const c = clocked('1/hour');
    const throttle = userRateThrottle(c);
    expect(await throttle(request(), alice, { clientAddress: 'a' })).toBeNull();
    expect(await throttle(request(), alice, { clientAddress: 'b' })).not.toBeNull();
  });

  it('keeps throttles sharing a store apart by scope', async () => {
    const c = clocked('1/hour');
    const byPath = rateThrottle({ ...c, scope: 'login', key: () => 'same' });
    const other = rateThrottle({ ...c, scope: 'signup', key: () => 'same' });
    expect(await byPath(request(), anonymous, {})).toBeNull();
    expect(await other(request(), anonymous, {})).toBeNull();
    expect(await byPath(request(), anonymous, {})).not.toBeNull();
  });

  it('says "1 second" in the singular, as DRF does', () => {
    expect(new Throttled(1).detail).toBe('Request was throttled. Expected available in 1 second.');
    expect(new Throttled(2).detail).toBe('Request was throttled. Expected available in 2 seconds.');
  });
});

describe('client addresses', () => {
  it('reads a trusted header', () => {
    expect(addressFromHeader('CF-Connecting-IP')(request({ 'CF-Connecting-IP': ' 203.0.113.7 ' }), {})).toBe('203.0.113.7');
  });

  it('takes the address NUM_PROXIES from the right of X-Forwarded-For, ignoring what the client wrote', () => {
    const source = addressFromForwardedFor(1);
    const forwarded = request({ 'X-Forwarded-For': 'spoofed, 203.0.113.7' });
    expect(source(forwarded, { clientAddress: '10.0.0.1' })).toBe('203.0.113.7');
    expect(addressFromForwardedFor(2)(forwarded, {})).toBe('spoofed');
    expect(source(request(), { clientAddress: '10.0.0.1' })).toBe('10.0.0.1');
  });
});

describe('memory throttle store', () => {
  it('forgets expired counters and stays within its key bound', async () => {
    const store = new MemoryThrottleStore({ maxKeys: 2 });
    expect(await store.increment('a', 100, 0)).toBe(1);
    expect(await store.increment('a', 100, 50)).toBe(2);
    expect(await store.get('a', 100)).toBe(0);
    expect(await store.increment('a', 200, 100)).toBe(1);
    await store.increment('b', 1_000, 100);
    await store.increment('c', 1_000, 100);
    expect((await store.get('a', 100)) + (await store.get('b', 100)) + (await store.get('c', 100))).toBe(2);
    expect(await store.get('c', 100)).toBe(1);
  });

  it('at its cap drops the counter whose window started first; a restarted counter starts again at the back', async () => {
    const store = new MemoryThrottleStore({ maxKeys: 2 });
    await store.increment('a', 100, 0);
    await store.increment('b', 1_000, 0);
    expect(await store.increment('a', 1_000, 150)).toBe(1);
    await store.increment('c', 1_000, 150);
    expect([await store.get('a', 150), await store.get('b', 150), await store.get('c', 150)]).toEqual([1, 0, 1]);
  });

  it('keeps counting right through many restarts and evictions', async () => {
    const store = new MemoryThrottleStore({ maxKeys: 3 });
    for (let round = 0; round < 50; round++) {
      const now = round * 10;
      for (const key of ['x', 'y', `z${round}`]) await store.increment(key, now + 10, now);
      expect(await store.increment('x', now + 10, now)).toBe(2);
      expect(await store.get('y', now)).toBe(1);
    }
  });
});
