import type { AddressInfo } from 'node:net';
import { createAdaptorServer } from '@hono/node-server';
import {
  type AuthUser,
  type Authenticator,
  createAuthEndpoints,
  createLatchkey,
  createPasswordHasher,
  createTokenService,
  isAdminUser,
  MemoryTokenStore,
  type MemoryUser,
  MemoryUserStore,
  skip,
  success,
  type Grant,
  isTokenRecord,
  type TokenStore,
  tokenAuth,
  type UserStore,
} from '@latchkey/core';
import { checkHostCase, createHostFixture, hostCases } from '@latchkey/core/testing';
import { Hono } from 'hono';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { authEndpoints, latchkey, type LatchkeyEnv } from './index.ts';

describe('the cross-host case table, run through Hono', async () => {
  const fixture = await createHostFixture();
  const app = new Hono();
  for (const route of fixture.routes) {
    app.on(['GET', 'POST'], route.path, latchkey(route.latchkey), (c) =>
      fixture.respond({ user: c.var.user, auth: c.var.auth, scheme: c.var.scheme }),
    );
  }
  for (const testCase of hostCases(fixture.tokens)) {
    it(testCase.name, async () => {
      const response = await app.request(testCase.path, { method: testCase.method, headers: testCase.headers });
      await checkHostCase(testCase, response);
    });
  }
});

/** An app's own user type, carrying more than `AuthUser`. */
interface Member extends AuthUser {
  readonly displayName: string;
}

/** A one-user store whose user is a `Member`. */
function memberStore(member: Member): UserStore<Member> {
  return {
    findById: async (id) => (id === member.id ? member : null),
    findByUsername: async (username) => (username === member.username ? member : null),
    getPasswordHash: async () => null,
    setPasswordHash: async () => {},
    createUser: async () => null,
  };
}

async function tokenSetup() {
  const store = new MemoryTokenStore();
  const tokens = createTokenService({ store });
  const users = new MemoryUserStore();
  const alice = (await users.createUser({ username: 'alice', passwordHash: null }))!;
  const bob = (await users.createUser({ username: 'bob', passwordHash: null, isStaff: true }))!;
  const issue = async (user: MemoryUser) => {
    const created = await tokens.create(user.id);
    if (!created.ok) throw new Error('token limit');
    return created.token;
  };
  const base = createLatchkey({ authenticators: [tokenAuth({ tokens, users })], onError: () => {} });
  return { tokens, users, base, alice: await issue(alice), bob: await issue(bob) };
}

const withToken = (token: string) => ({ headers: { Authorization: `Token ${token}` } });

describe('the middleware', () => {
  it('hands work the answer need not wait for to Workers\' executionCtx.waitUntil', async () => {
    const { base, alice } = await tokenSetup();
    const app = new Hono().get('/me', latchkey(base), (c) => c.text('ok'));
    const waited: Promise<unknown>[] = [];
    const executionCtx = { waitUntil: (work: Promise<unknown>) => void waited.push(work), passThroughOnException() {}, props: {} };
    // A token's first use records last-used: a write the answer does not wait for.
    expect((await app.request('/me', withToken(alice), undefined, executionCtx)).status).toBe(200);
    expect(waited).toHaveLength(1);
    // Without an execution context (Node, Bun, Deno) the request itself waits for it.
    expect((await app.request('/me', withToken(alice))).status).toBe(200);
  });

  it('sets c.var.user, c.var.auth and c.var.scheme for an admitted request', async () => {
    const { base, alice } = await tokenSetup();
    const app = new Hono().get('/me', latchkey(base), (c) =>
      c.json({ username: c.var.user?.username, tokenUser: c.var.auth && isTokenRecord(c.var.auth) ? c.var.auth.userId : null, scheme: c.var.scheme }),
    );
    const response = await app.request('/me', withToken(alice));
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ username: 'alice', tokenUser: '1', scheme: 'token' });
  });

  it('carries the app\'s own user type to handlers, with no cast', async () => {
    const member: Member = { id: 'm1', username: 'ada', isActive: true, isStaff: false, displayName: 'Ada L.' };
    const byHeader: Authenticator<Member> = {
      name: 'member-header',
      authenticate: async (request) => {
        const user = await memberStore(member).findByUsername(request.headers.get('X-Member') ?? '');
        return user ? success(user) : skip();
      },
    };
    const app = new Hono().get('/hello', latchkey({ authenticators: [byHeader] }), (c) => {
      expectTypeOf(c.var.user).toEqualTypeOf<Member | null>();
      expectTypeOf(c.var.auth).toEqualTypeOf<Grant | null>();
      expectTypeOf(c.var.scheme).toEqualTypeOf<string | null>();
      return c.text(`Hello, ${c.var.user?.displayName}`);
    });
    const response = await app.request('/hello', { headers: { 'X-Member': 'ada' } });
    expect(await response.text()).toBe('Hello, Ada L.');
  });

  it('types an app declared with LatchkeyEnv when the middleware is added by app.use', async () => {
    const { base, alice } = await tokenSetup();
    const app = new Hono<LatchkeyEnv<MemoryUser>>();
    app.use('/api/*', latchkey(base));
    app.get('/api/created', (c) => {
      expectTypeOf(c.var.user).toEqualTypeOf<MemoryUser | null>();
      return c.json({ createdAt: typeof c.var.user?.createdAt });
    });
    expect(await (await app.request('/api/created', withToken(alice))).json()).toEqual({ createdAt: 'number' });
    expect((await app.request('/api/created')).status).toBe(401);
  });

  it('accepts core options instead of a pipeline', async () => {
    const { tokens, users, alice } = await tokenSetup();
    const app = new Hono().get('/me', latchkey({ authenticators: [tokenAuth({ tokens, users })] }), (c) =>
      c.text(c.var.user?.username ?? ''),
    );
    expect(await (await app.request('/me', withToken(alice))).text()).toBe('alice');
    expect((await app.request('/me')).status).toBe(401);
  });

  it('applies a per-route override (base.with) to that route only', async () => {
    const { base, alice, bob } = await tokenSetup();
    const app = new Hono()
      .get('/dashboard', latchkey(base), (c) => c.text('dashboard'))
      .get('/admin', latchkey(base.with({ permissions: [isAdminUser] })), (c) => c.text('admin'));
    expect((await app.request('/dashboard', withToken(alice))).status).toBe(200);
    expect((await app.request('/admin', withToken(alice))).status).toBe(403);
    expect((await app.request('/admin', withToken(bob))).status).toBe(200);
  });

  it('answers a refusal with core\'s response byte for byte, headers included', async () => {
    const { base } = await tokenSetup();
    const app = new Hono().get('/me', latchkey(base), (c) => c.text('never'));
    for (const init of [{}, withToken('not-a-token')]) {
      const viaHono = await app.request('http://host.test/me', init);
      const outcome = await base.run(new Request('http://host.test/me', init));
      if (outcome.ok) throw new Error('core admitted the request');
      expect(viaHono.status).toBe(outcome.response.status);
      expect([...viaHono.headers]).toEqual([...outcome.response.headers]);
      expect(new Uint8Array(await viaHono.arrayBuffer())).toEqual(new Uint8Array(await outcome.response.arrayBuffer()));
    }
  });

  it('fails closed: a store that throws gives 503 and the handler never runs', async () => {
    const { users, alice } = await tokenSetup();
    const broken: TokenStore = Object.assign(new MemoryTokenStore(), {
      findByDigest: async () => {
        throw new Error('database is down');
      },
    });
    const errors: unknown[] = [];
    const tokens = createTokenService({ store: broken });
    let handlerRan = false;
    const app = new Hono().get(
      '/me',
      latchkey({ authenticators: [tokenAuth({ tokens, users })], onError: (error) => errors.push(error) }),
      (c) => {
        handlerRan = true;
        return c.text('secret');
      },
    );
    const response = await app.request('/me', withToken(alice));
    expect(response.status).toBe(503);
    expect(await response.json()).toEqual({ detail: 'Service temporarily unavailable, try again later.' });
    expect(handlerRan).toBe(false);
    expect(errors).toHaveLength(1);
  });

  it('passes the client address from the clientAddress option to the pipeline', async () => {
    const seen: Array<string | null | undefined> = [];
    const recorder: Authenticator = {
      name: 'recorder',
      authenticate: (_request, host) => {
        seen.push(host.clientAddress);
        return skip();
      },
    };
    const pipeline = createLatchkey({ authenticators: [recorder], permissions: [] });
    const app = new Hono()
      .get('/with', latchkey(pipeline, { clientAddress: (c) => c.req.header('X-Test-Peer') }), (c) => c.text('ok'))
      .get('/without', latchkey(pipeline), (c) => c.text('ok'));
    await app.request('/with', { headers: { 'X-Test-Peer': '192.0.2.7' } });
    await app.request('/without', { headers: { 'X-Test-Peer': '192.0.2.7' } });
    expect(seen).toEqual(['192.0.2.7', null]);
  });

  it("passes the socket's peer address by default on Node (@hono/node-server)", async () => {
    const seen: Array<string | null | undefined> = [];
    const recorder: Authenticator = {
      name: 'recorder',
      authenticate: (_request, host) => {
        seen.push(host.clientAddress);
        return skip();
      },
    };
    const app = new Hono().get('/', latchkey({ authenticators: [recorder], permissions: [] }), (c) => c.text('ok'));
    const server = createAdaptorServer({ fetch: app.fetch });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = server.address() as AddressInfo;
      expect((await fetch(`http://127.0.0.1:${port}/`)).status).toBe(200);
      expect(seen).toEqual(['127.0.0.1']);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});

describe('the token endpoints, mounted with authEndpoints', () => {
  const PASSWORD = 'a long enough password';

  async function endpointSetup() {
    const users = new MemoryUserStore();
    const passwords = createPasswordHasher({ iterations: 1_000 });
    await users.createUser({ username: 'alice', passwordHash: await passwords.hash(PASSWORD) });
    const tokens = createTokenService({ store: new MemoryTokenStore() });
    return { users, passwords, tokens };
  }

  const login = (username: string, password: string) => ({
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ username, password }),
  });

  it('answers POST /auth/token with a token that then opens GET /auth/me', async () => {
    const { users, passwords, tokens } = await endpointSetup();
    const app = new Hono().use(authEndpoints({ tokens, users, passwords }));
    const obtained = await app.request('/auth/token', login('alice', PASSWORD));
    expect(obtained.status).toBe(200);
    const { token, user } = (await obtained.json()) as { token: string; user: unknown };
    expect(user).toEqual({ id: '1', username: 'alice' });
    const me = await app.request('/auth/me', withToken(token));
    expect(me.status).toBe(200);
    expect(await me.json()).toEqual({ id: '1', username: 'alice' });
  });

  it('answers as core does, byte for byte', async () => {
    const { users, passwords, tokens } = await endpointSetup();
    const endpoints = createAuthEndpoints({ tokens, users, passwords });
    const app = new Hono().use(authEndpoints(endpoints));
    for (const [path, init] of [['/auth/me', {}], ['/auth/token', login('alice', 'wrong')], ['/auth/token', { method: 'GET' }]] as const) {
      const viaHono = await app.request(`http://host.test${path}`, init);
      const direct = (await endpoints.handle(new Request(`http://host.test${path}`, init)))!;
      expect(viaHono.status).toBe(direct.status);
      expect([...viaHono.headers]).toEqual([...direct.headers]);
      expect(await viaHono.text()).toBe(await direct.text());
    }
  });

  it('lets every other path through to the app\'s own routes', async () => {
    const { users, passwords, tokens } = await endpointSetup();
    const app = new Hono()
      .use(authEndpoints({ tokens, users, passwords }))
      .get('/', (c) => c.text('home'))
      .get('/auth/custom', (c) => c.text('mine'));
    expect(await (await app.request('/')).text()).toBe('home');
    expect(await (await app.request('/auth/custom')).text()).toBe('mine');
    expect((await app.request('/auth/nothing-here')).status).toBe(404);
  });

  it('passes the client address from the clientAddress option to the login throttle', async () => {
    const { users, passwords, tokens } = await endpointSetup();
    const app = new Hono().use(
      authEndpoints(
        { tokens, users, passwords, throttle: { addressRate: '1/minute', usernameRate: null } },
        { clientAddress: (c) => c.req.header('X-Test-Peer') },
      ),
    );
    const from = (peer: string) => ({ ...login('alice', 'wrong'), headers: { 'Content-Type': 'application/json', 'X-Test-Peer': peer } });
    expect((await app.request('/auth/token', from('192.0.2.1'))).status).toBe(400);
    expect((await app.request('/auth/token', from('192.0.2.1'))).status).toBe(429);
    expect((await app.request('/auth/token', from('192.0.2.2'))).status).toBe(400);
  });
});
