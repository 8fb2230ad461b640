/**
 * `@latchkey/deno` under `deno test`, over real HTTP: a `Deno.serve` server on a free port
 * answers the cross-host case table exactly as core does, and hands the peer address to
 * throttles. Each test starts and shuts down its own server, so Deno's sanitizers see
 * nothing left open.
 */
import assert from 'node:assert/strict';
import { allowAny, anonRateThrottle, createLatchkey, MemoryThrottleStore, type ThrottleStore } from '@latchkey/core';
import { checkHostCase, createHostFixture, hostCases } from '@latchkey/core/testing';
import { type DenoServeHandler, withLatchkey } from '../src/index.ts';

/** Serves `handler` on 127.0.0.1 and a free port for the length of `use`. */
async function withServer(handler: DenoServeHandler<Deno.ServeHandlerInfo<Deno.NetAddr>>, use: (origin: string) => Promise<void>) {
  const server = Deno.serve({ hostname: '127.0.0.1', port: 0, onListen: () => {} }, handler);
  try {
    await use(`http://127.0.0.1:${server.addr.port}`);
  } finally {
    await server.shutdown();
  }
}

const fixture = await createHostFixture();
const routes = new Map(
  fixture.routes.map((route) => [route.path, withLatchkey((_request, identity) => fixture.respond(identity), route.latchkey)]),
);
const app: DenoServeHandler<Deno.ServeHandlerInfo<Deno.NetAddr>> = async (request, info) => {
  const route = routes.get(new URL(request.url).pathname);
  return route ? route(request, info) : new Response('Not found', { status: 404 });
};

for (const testCase of hostCases(fixture.tokens)) {
  Deno.test(`cross-host table on Deno.serve: ${testCase.name}`, () =>
    withServer(app, async (origin) => {
      const response = await fetch(origin + testCase.path, { method: testCase.method, headers: testCase.headers });
      await checkHostCase(testCase, response);
    }));
}

/** A throttle store that remembers which keys it counted, to see what address reached it. */
function recordingStore(): ThrottleStore & { keys: string[] } {
  const inner = new MemoryThrottleStore();
  const keys: string[] = [];
  return {
    keys,
    increment: (key, expiresAt, now) => (keys.push(key), inner.increment(key, expiresAt, now)),
    get: (key, now) => inner.get(key, now),
  };
}

Deno.test('the peer address from info.remoteAddr is the client address throttles count by', async () => {
  const store = recordingStore();
  const handler = withLatchkey((_request, { host }) => Response.json({ address: host.clientAddress }), {
    permissions: [allowAny],
    throttles: [anonRateThrottle({ rate: '5/min', store })],
  });
  await withServer(handler, async (origin) => {
    const response = await fetch(`${origin}/`);
    assert.deepEqual(await response.json(), { address: '127.0.0.1' });
  });
  assert.equal(store.keys.length, 1);
  assert.match(store.keys[0]!, /^anon:127\.0\.0\.1:/);
});

Deno.test('an anonymous client over its rate gets 429 with Retry-After', async () => {
  const handler = withLatchkey(() => new Response('ok'), {
    permissions: [allowAny],
    throttles: [anonRateThrottle({ rate: '2/min', store: new MemoryThrottleStore() })],
  });
  await withServer(handler, async (origin) => {
    for (let i = 0; i < 2; i++) assert.equal(await (await fetch(origin)).text(), 'ok');
    const refused = await fetch(origin);
    assert.equal(refused.status, 429);
    assert.match(refused.headers.get('Retry-After') ?? '', /^[1-9][0-9]*$/);
    assert.match((await refused.json()).detail, /^Request was throttled\./);
  });
});

Deno.test('a store that throws is answered 503 and never reaches the handler', async () => {
  const failures: unknown[] = [];
  const broken: ThrottleStore = {
    increment: () => Promise.reject(new Error('store down')),
    get: () => Promise.reject(new Error('store down')),
  };
  let reached = false;
  const handler = withLatchkey(() => ((reached = true), new Response('ok')), {
    permissions: [allowAny],
    throttles: [anonRateThrottle({ rate: '5/min', store: broken })],
    onError: (error) => failures.push(error),
  });
  await withServer(handler, async (origin) => {
    const response = await fetch(origin);
    assert.equal(response.status, 503);
    assert.deepEqual(await response.json(), { detail: 'Service temporarily unavailable, try again later.' });
  });
  assert.equal(reached, false);
  assert.equal(failures.length, 1);
});

Deno.test('a shared pipeline and per-route overrides from latchkey.with', async () => {
  const latchkey = createLatchkey();
  const open = withLatchkey(() => new Response('open'), latchkey.with({ permissions: [allowAny] }));
  const closed = withLatchkey(() => new Response('closed'), latchkey);
  await withServer(open, async (origin) => assert.equal(await (await fetch(origin)).text(), 'open'));
  await withServer(closed, async (origin) => {
    const response = await fetch(origin);
    assert.equal(response.status, 403);
    await response.body?.cancel();
  });
});
