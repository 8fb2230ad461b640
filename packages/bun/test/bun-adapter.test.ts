/**
 * `@latchkey/bun` under `bun test`, over real HTTP: `Bun.serve` on a free port answers the
 * cross-host case table exactly as core does, once through the `fetch` wrapper and once
 * through the `routes` wrapper, and route params, per-route options and failing stores
 * behave as documented.
 */
import { afterAll, describe, expect, test } from 'bun:test';
import type { Server } from 'bun';
import {
  allowAny,
  anonRateThrottle,
  createLatchkey,
  createTokenService,
  MemoryThrottleStore,
  MemoryTokenStore,
  MemoryUserStore,
  type ThrottleStore,
  tokenAuth,
} from '@latchkey/core';
import { checkHostCase, createHostFixture, hostCases } from '@latchkey/core/testing';
import { protectRoutes, withLatchkey } from '../src/index.ts';

const fixture = await createHostFixture();
const servers: Server<undefined>[] = [];
afterAll(() => Promise.all(servers.map((server) => server.stop(true))));

/** The origin of a server listening on 127.0.0.1; it is stopped after all tests. */
function originOf(server: Server<undefined>): string {
  servers.push(server);
  return `http://${server.hostname}:${server.port}`;
}
const listen = { hostname: '127.0.0.1', port: 0 } as const;

const failingStore: ThrottleStore = {
  increment: () => Promise.reject(new Error('store down')),
  get: () => Promise.reject(new Error('store down')),
};

describe('withLatchkey wraps Bun.serve fetch', () => {
  const handlers = new Map(
    fixture.routes.map((route) => [route.path, withLatchkey((_request, identity) => fixture.respond(identity), route.latchkey)]),
  );
  const origin = originOf(
    Bun.serve({
      ...listen,
      fetch: (request, server) => handlers.get(new URL(request.url).pathname)?.(request, server) ?? new Response(null, { status: 404 }),
    }),
  );

  for (const testCase of hostCases(fixture.tokens)) {
    test(`cross-host table: ${testCase.name}`, async () => {
      await checkHostCase(testCase, await fetch(origin + testCase.path, { method: testCase.method, headers: testCase.headers }));
    });
  }

  test('the peer address from server.requestIP is the client address throttles count by', async () => {
    const keys: string[] = [];
    const counters = new MemoryThrottleStore();
    const store: ThrottleStore = {
      increment: (key, expiresAt, now) => (keys.push(key), counters.increment(key, expiresAt, now)),
      get: (key, now) => counters.get(key, now),
    };
    const throttled = originOf(
      Bun.serve({
        ...listen,
        fetch: withLatchkey((_request, { host }) => Response.json({ address: host.clientAddress }), {
          permissions: [allowAny],
          throttles: [anonRateThrottle({ rate: '2/min', store })],
        }),
      }),
    );
    expect(await (await fetch(throttled)).json()).toEqual({ address: '127.0.0.1' });
    expect(keys[0]).toStartWith('anon:127.0.0.1:');
    await (await fetch(throttled)).arrayBuffer();
    const refused = await fetch(throttled);
    expect(refused.status).toBe(429);
    expect(refused.headers.get('Retry-After')).toMatch(/^[1-9][0-9]*$/);
  });

  test('answers without a promise when nothing waited, and asks requestIP only when a throttle reads the address', async () => {
    const tokens = new MemoryTokenStore();
    const users = new MemoryUserStore();
    const service = createTokenService({ store: tokens, lastUsedInterval: null });
    const alice = (await users.createUser({ username: 'alice', passwordHash: null }))!;
    const created = await service.create(alice.id);
    if (!created.ok) throw new Error('no token');
    let asked = 0;
    const server = { requestIP: () => (asked++, { address: '192.0.2.1', family: 'IPv4', port: 1 }) } as unknown as Server<undefined>;
    const sent = new Request('http://host.test/', { headers: { Authorization: `Token ${created.token}` } });
    const handler = withLatchkey((_request, { user }) => new Response(user?.username), { authenticators: [tokenAuth({ tokens: service, users })] });
    const answer = handler(sent, server);
    expect(answer).toBeInstanceOf(Response);
    expect(await (answer as Response).text()).toBe('alice');
    expect(asked).toBe(0);
    // A throttle that counts by address reads it, once per request.
    const throttled = withLatchkey((_request, { host }) => new Response(String(host.clientAddress)), {
      permissions: [allowAny],
      throttles: [anonRateThrottle({ rate: '5/min', store: new MemoryThrottleStore() })],
    });
    expect(await (await throttled(new Request('http://host.test/'), server)).text()).toBe('192.0.2.1');
    expect(asked).toBe(1);
  });

  test('a store that throws is answered 503 and never reaches the handler', async () => {
    let reached = false;
    const failing = originOf(
      Bun.serve({
        ...listen,
        fetch: withLatchkey(() => ((reached = true), new Response('ok')), {
          permissions: [allowAny],
          throttles: [anonRateThrottle({ rate: '5/min', store: failingStore })],
          onError: () => {},
        }),
      }),
    );
    const response = await fetch(failing);
    expect(response.status).toBe(503);
    expect(await response.json()).toEqual({ detail: 'Service temporarily unavailable, try again later.' });
    expect(reached).toBe(false);
  });
});

describe('protectRoutes wraps Bun.serve routes route by route', () => {
  const base = fixture.routes.find((route) => route.path === '/private')!;
  const respond = (_request: Request, identity: Parameters<typeof fixture.respond>[0]) => fixture.respond(identity);
  // One shared pipeline (/private's); every other fixture route replaces all of its options.
  const routes = protectRoutes(
    Object.fromEntries(
      fixture.routes.map((route) => [
        route.path,
        route === base ? respond : { GET: respond, POST: respond, latchkey: route.latchkey.options },
      ]),
    ),
    base.latchkey,
  );
  const origin = originOf(Bun.serve({ ...listen, routes }));

  for (const testCase of hostCases(fixture.tokens)) {
    test(`cross-host table: ${testCase.name}`, async () => {
      await checkHostCase(testCase, await fetch(origin + testCase.path, { method: testCase.method, headers: testCase.headers }));
    });
  }

  const latchkey = createLatchkey({ authenticators: base.latchkey.options.authenticators, onError: () => {} });
  const app = originOf(
    Bun.serve({
      ...listen,
      routes: protectRoutes(
        {
          '/users/:id/tokens/:tokenId': (request, { user }) => Response.json({ params: request.params, user: user?.username }),
          '/notes/:id': {
            GET: (request) => Response.json({ id: request.params.id }),
            DELETE: () => new Response(null, { status: 204 }),
          },
          '/health': { GET: () => Response.json({ ok: true }), latchkey: { permissions: [allowAny] } },
          '/fragile': {
            GET: () => new Response('unreachable'),
            latchkey: { permissions: [allowAny], throttles: [anonRateThrottle({ rate: '5/min', store: failingStore })] },
          },
        },
        latchkey,
      ),
    }),
  );
  const asAlice = { headers: { Authorization: `Token ${fixture.tokens.alice}` } };

  test('route params stay on the request the handler receives', async () => {
    const response = await fetch(`${app}/users/7/tokens/abc`, asAlice);
    expect(await response.json()).toEqual({ params: { id: '7', tokenId: 'abc' }, user: 'alice' });
  });

  test('a method-keyed route protects each of its methods', async () => {
    expect(await (await fetch(`${app}/notes/3`, asAlice)).json()).toEqual({ id: '3' });
    expect((await fetch(`${app}/notes/3`, { ...asAlice, method: 'DELETE' })).status).toBe(204);
    const refused = await fetch(`${app}/notes/3`, { method: 'DELETE' });
    expect(refused.status).toBe(401);
    expect(refused.headers.get('WWW-Authenticate')).toBe('Token');
    expect(await refused.json()).toEqual({ detail: 'Authentication credentials were not provided.' });
  });

  test('a route overrides the shared options with its own latchkey key; its siblings keep them', async () => {
    expect(await (await fetch(`${app}/health`)).json()).toEqual({ ok: true });
    const refused = await fetch(`${app}/notes/3`);
    expect(refused.status).toBe(401);
    await refused.arrayBuffer();
  });

  test('a store that throws on one route is answered 503', async () => {
    const response = await fetch(`${app}/fragile`);
    expect(response.status).toBe(503);
    expect(await response.json()).toEqual({ detail: 'Service temporarily unavailable, try again later.' });
  });

  test('a static response, which would be served unauthenticated, is refused with a TypeError', () => {
    expect(() => protectRoutes({ '/static': new Response('secret') } as never, latchkey)).toThrow(TypeError);
  });

  test('a key that is not an HTTP method is refused with a TypeError', () => {
    expect(() => protectRoutes({ '/x': { get: () => new Response() } } as never, latchkey)).toThrow(TypeError);
  });
});
