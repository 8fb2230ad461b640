// The Redis throttle store against a real redis-server (Debian's package), started and
// deleted by this file: core's conformance suite, several clients counting one key, the
// login throttle shared by two app instances, and a server that goes away and comes back.
import { createAuthEndpoints, createPasswordHasher, createTokenService, MemoryTokenStore, MemoryUserStore } from '@latchkey/core';
import { throttleStoreConformance } from '@latchkey/core/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RedisServer, startRedisServer } from '../../../scripts/test-servers/redis.ts';
import { type OpenRedisThrottleStore, openRedisThrottleStore, RedisThrottleStore } from './index.ts';

let server: RedisServer;
const open: OpenRedisThrottleStore[] = [];
beforeAll(async () => {
  server = await startRedisServer();
});
afterAll(async () => {
  await Promise.all(open.map((store) => store.close().catch(() => {})));
  await server.destroy();
});

async function connect(prefix?: string): Promise<OpenRedisThrottleStore> {
  const store = await openRedisThrottleStore({ url: server.url, ...(prefix !== undefined && { prefix }) });
  open.push(store);
  return store;
}

describe("Redis: core's conformance suite", () => {
  for (const c of throttleStoreConformance(async () => (await connect()).throttles)) it(c.name, c.run);
});

describe('the Redis throttle store', () => {
  it('counts one key from several clients at once, each increment seeing a distinct count', async () => {
    const clients = await Promise.all(Array.from({ length: 4 }, () => connect()));
    const counts = await Promise.all(
      Array.from({ length: 40 }, (_, i) => clients[i % clients.length]!.throttles.increment('shared', 60_000, 0)),
    );
    expect([...counts].sort((a, b) => a - b)).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
  });

  it('keeps its keys under the prefix, and lets Redis expire them on its own clock', async () => {
    const { redis, throttles } = await connect('app-a:');
    await throttles.increment('login:alice', Date.now() + 60_000, Date.now());
    expect(await redis.keys('app-a:*')).toEqual(['app-a:login:alice']);
    const ttl = await redis.pttl('app-a:login:alice');
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(60_000);
    expect(await new RedisThrottleStore(redis, { prefix: 'app-b:' }).get('login:alice', Date.now())).toBe(0);
  });

  it('shares the login throttle between two app instances: six wrong passwords alternating get 429 by the sixth', async () => {
    const users = new MemoryUserStore();
    const passwords = createPasswordHasher({ iterations: 1_000 });
    await users.createUser({ username: 'alice', passwordHash: await passwords.hash('correct horse battery staple') });
    const tokens = createTokenService({ store: new MemoryTokenStore() });
    const instances = await Promise.all(
      [1, 2].map(async () => createAuthEndpoints({ tokens, users, passwords, throttle: { store: (await connect('login:')).throttles } })),
    );
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) {
      const request = new Request('https://app.test/auth/token', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ username: 'alice', password: 'wrong' }),
      });
      statuses.push((await instances[i % 2]!.handle(request, { clientAddress: `198.51.100.${i}` }))!.status);
    }
    expect(statuses).toEqual([400, 400, 400, 400, 400, 429]);
  });

  it('rejects at once while the server is down (the request gets 503), and counts again once it is back', async () => {
    const own = await startRedisServer();
    try {
      const store = await openRedisThrottleStore({ url: own.url });
      open.push(store);
      expect(await store.throttles.increment('k', 60_000, 0)).toBe(1);
      await own.stop();
      await expect(store.throttles.increment('k', 60_000, 0)).rejects.toThrow();
      await expect(store.throttles.get('k', 0)).rejects.toThrow();
      await own.start();
      // ioredis reconnects in the background; the data went with the server (no persistence).
      await expect.poll(() => store.throttles.increment('k', 60_000, 0).catch(() => 0), { timeout: 10_000 }).toBeGreaterThan(0);
    } finally {
      await own.destroy();
    }
  });
});
