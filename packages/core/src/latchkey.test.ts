import { describe, expect, it, vi } from 'vitest';
import { type Authenticator, fail, skip, success } from './schemes/authenticator.ts';
import { basicAuth } from './schemes/basic-auth.ts';
import { createLatchkey, protect } from './latchkey.ts';
import { AuthenticationFailed } from './errors.ts';
import { MemoryThrottleStore } from './throttling/memory-throttle-store.ts';
import { allowAny, isAdminUser } from './permissions.ts';
import { basic, PASSWORD, request, world } from './test-support.ts';
import { anonRateThrottle, userRateThrottle } from './throttling/throttle.ts';
import { tokenAuth } from './schemes/token-auth.ts';
import type { TokenStore } from './tokens/token-store.ts';
import type { UserStore } from './users/user-store.ts';

const echo = (_request: Request, context: { user: { username: string } | null; scheme: string | null }) =>
  Response.json({ user: context.user?.username ?? null, scheme: context.scheme });

async function body(response: Response) {
  return { status: response.status, body: await response.json(), challenge: response.headers.get('WWW-Authenticate') };
}

describe('the pipeline: authenticators tried in order', () => {
  it('uses the first authenticator that succeeds and records its name', async () => {
    const w = await world();
    const handler = protect(echo, {
      authenticators: [tokenAuth(w), basicAuth(w)],
    });
    const response = await handler(request({ Authorization: basic('alice', PASSWORD) }));
    expect(await body(response)).toEqual({ status: 200, body: { user: 'alice', scheme: 'basic' }, challenge: null });
  });

  it('stops at the first failure: later authenticators are not tried, even on a public route', async () => {
    const later = vi.fn(() => success({ id: '9', username: 'x', isActive: true, isStaff: false }));
    const failing: Authenticator = { name: 'always-fails', authenticate: () => fail('Nope.'), challenge: () => 'Custom' };
    const handler = protect(echo, {
      authenticators: [failing, { name: 'later', authenticate: later }],
      permissions: [allowAny],
    });
    expect(await body(await handler(request()))).toEqual({ status: 401, body: { detail: 'Nope.' }, challenge: 'Custom' });
    expect(later).not.toHaveBeenCalled();
  });

  it('gives the anonymous identity when every authenticator skips', async () => {
    const handler = protect(echo, { authenticators: [{ name: 'nothing', authenticate: skip }], permissions: [allowAny] });
    expect(await body(await handler(request()))).toEqual({ status: 200, body: { user: null, scheme: null }, challenge: null });
  });

  it("answers a failure with the FIRST authenticator's challenge, as DRF does", async () => {
    const w = await world();
    const handler = protect(echo, { authenticators: [tokenAuth(w), basicAuth(w)] });
    const response = await handler(request({ Authorization: basic('alice', 'wrong') }));
    expect(await body(response)).toEqual({ status: 401, body: { detail: 'Invalid username/password.' }, challenge: 'Token' });
  });

  it('turns 401 into 403 when the first authenticator has no challenge', async () => {
    const handler = protect(echo, { authenticators: [{ name: 'silent', authenticate: () => fail('Bad.') }] });
    expect(await body(await handler(request()))).toEqual({ status: 403, body: { detail: 'Bad.' }, challenge: null });
  });
});

describe('the pipeline: permissions', () => {
  it('requires an authenticated user by default, answering 401 with the challenge', async () => {
    const w = await world();
    const handler = protect(echo, { authenticators: [basicAuth(w)] });
    expect(await body(await handler(request()))).toEqual({
      status: 401,
      body: { detail: 'Authentication credentials were not provided.' },
      challenge: 'Basic realm="api"',
    });
  });

  it('answers 403 "not permitted" to an authenticated user who is denied', async () => {
    const w = await world();
    const handler = protect(echo, { authenticators: [tokenAuth(w)], permissions: [isAdminUser] });
    const response = await handler(request({ Authorization: `Token ${await w.tokenFor(w.alice.id)}` }));
    expect(await body(response)).toEqual({
      status: 403,
      body: { detail: 'You do not have permission to perform this action.' },
      challenge: null,
    });
  });

  it('answers 403 to anyone denied when no authenticators are configured', async () => {
    const handler = protect(echo, { permissions: [() => false] });
    expect((await handler(request())).status).toBe(403);
  });

  it("uses a permission's own detail when it gives one", async () => {
    const w = await world();
    const { PermissionDenied } = await import('./errors.ts');
    const handler = protect(echo, {
      authenticators: [tokenAuth(w)],
      permissions: [() => new PermissionDenied('Only on Tuesdays.')],
    });
    const response = await handler(request({ Authorization: `Token ${await w.tokenFor(w.alice.id)}` }));
    expect((await body(response)).body).toEqual({ detail: 'Only on Tuesdays.' });
  });
});

describe('the pipeline: throttles', () => {
  it('answers 429 with Retry-After and DRF\'s message once the rate is spent', async () => {
    const handler = protect(echo, {
      permissions: [allowAny],
      throttles: [anonRateThrottle({ rate: '2/minute', store: new MemoryThrottleStore(), now: () => 0 })],
    });
    const host = { clientAddress: '203.0.113.9' };
    expect((await handler(request(), host)).status).toBe(200);
    expect((await handler(request(), host)).status).toBe(200);
    const throttled = await handler(request(), host);
    expect(throttled.status).toBe(429);
    expect(throttled.headers.get('Retry-After')).toBe('100');
    expect(await throttled.json()).toEqual({ detail: 'Request was throttled. Expected available in 100 seconds.' });
    expect((await handler(request(), { clientAddress: '203.0.113.10' })).status).toBe(200);
  });

  it('runs throttles only for requests that passed authentication and permissions', async () => {
    const store = new MemoryThrottleStore();
    const increment = vi.spyOn(store, 'increment');
    const handler = protect(echo, { throttles: [userRateThrottle({ rate: '1/s', store })] });
    expect((await handler(request())).status).toBe(403);
    expect(increment).not.toHaveBeenCalled();
  });
});

describe('the pipeline: failing stores fail closed', () => {
  const broken = new Proxy({} as TokenStore & UserStore, {
    get: () => () => Promise.reject(new Error('database is down')),
  });

  it('answers 503 and never runs the handler when a store throws', async () => {
    const w = await world();
    const handler = vi.fn(echo);
    const onError = vi.fn();
    const token = await w.tokenFor(w.alice.id);
    const latchkey = createLatchkey({ authenticators: [tokenAuth({ tokens: w.tokens, users: broken })], onError });
    const response = await latchkey.protect(handler)(request({ Authorization: `Token ${token}` }));
    expect(await body(response)).toEqual({
      status: 503,
      body: { detail: 'Service temporarily unavailable, try again later.' },
      challenge: null,
    });
    expect(handler).not.toHaveBeenCalled();
    expect(onError).toHaveBeenCalledWith(expect.objectContaining({ message: 'database is down' }));
    expect(String(onError.mock.calls[0]?.[0])).not.toContain(token);
  });

  it('answers 503 when a permission or throttle throws, and when the logger itself throws', async () => {
    const throwing = () => {
      throw new Error('hook');
    };
    for (const options of [{ permissions: [throwing] }, { permissions: [allowAny], throttles: [async () => throwing()] }]) {
      const response = await protect(echo, { ...options, onError: throwing })(request());
      expect(response.status).toBe(503);
    }
  });
});

describe('the pipeline: configuration', () => {
  it('keeps global defaults and overrides them per route with `with`', async () => {
    const w = await world();
    const api = createLatchkey({ authenticators: [tokenAuth(w)] });
    const publicRoute = api.with({ permissions: [allowAny] });
    expect((await api.protect(echo)(request())).status).toBe(401);
    expect((await publicRoute.protect(echo)(request())).status).toBe(200);
    expect(publicRoute.options.authenticators).toBe(api.options.authenticators);
  });

  it('refuses contradictory options at construction', () => {
    const a: Authenticator = { name: 'same', authenticate: skip };
    expect(() => createLatchkey({ authenticators: [a, a] })).toThrow(TypeError);
    expect(() => createLatchkey({ permissions: isAdminUser as never })).toThrow(TypeError);
  });

  it('passes the host context through to the handler', async () => {
    const handler = protect((_request, context) => Response.json(context.host), { permissions: [allowAny] });
    expect(await (await handler(request(), { clientAddress: '192.0.2.1' })).json()).toEqual({ clientAddress: '192.0.2.1' });
  });
});

describe("DRF's custom authentication example, in about ten lines", () => {
  it('authenticates by an X-Username header and fails with "No such user"', async () => {
    const { users } = await world();
    // The example from DRF's guide, as a Latchkey user would write it:
    const byUsernameHeader: Authenticator = {
      name: 'x-username',
      async authenticate(request) {
        const username = request.headers.get('X-Username');
        if (!username) return skip();
        const user = await users.findByUsername(username);
        return user ? success(user) : fail('No such user');
      },
    };
    const handler = protect(echo, { authenticators: [byUsernameHeader] });
    expect(await body(await handler(request({ 'X-Username': 'alice' })))).toMatchObject({
      status: 200,
      body: { user: 'alice', scheme: 'x-username' },
    });
    expect(await body(await handler(request({ 'X-Username': 'mallory' })))).toEqual({
      status: 403,
      body: { detail: 'No such user' },
      challenge: null,
    });
    expect((await handler(request())).status).toBe(403);
  });
});

describe('a failing scheme\'s own hint (AuthenticationFailed.hint)', () => {
  const first = { name: 'token-like', authenticate: () => ({ outcome: 'skip' as const }), challenge: () => 'Token' };
  const failing = (hint: ConstructorParameters<typeof AuthenticationFailed>[2]) => ({
    name: 'signed',
    authenticate: () => ({ outcome: 'fail' as const, error: new AuthenticationFailed('Stale timestamp', undefined, hint) }),
  });

  it('its challenge replaces the first authenticator\'s, and its headers are added to the 401', async () => {
    const latchkey = createLatchkey({ authenticators: [first, failing({ challenge: 'Hawk ts="1", tsm="x"', headers: { 'Accept-Signature': 'sig1=()' } })] });
    const outcome = await latchkey.run(new Request('http://localhost/'));
    if (outcome.ok) throw new Error('expected a refusal');
    expect(outcome.response.status).toBe(401);
    expect(outcome.response.headers.get('WWW-Authenticate')).toBe('Hawk ts="1", tsm="x"');
    expect(outcome.response.headers.get('Accept-Signature')).toBe('sig1=()');
  });

  it('without one, DRF\'s rule stands: the first authenticator\'s challenge', async () => {
    const outcome = await createLatchkey({ authenticators: [first, failing({})] }).run(new Request('http://localhost/'));
    if (outcome.ok) throw new Error('expected a refusal');
    expect(outcome.response.headers.get('WWW-Authenticate')).toBe('Token');
  });
});

describe('check: a request that waits for nothing is answered without a promise', () => {
  const admits: Authenticator = { name: 'header', authenticate: (r) => (r.headers.has('X-User') ? success({ id: '1', username: 'ada', isActive: true, isStaff: false }) : skip()) };
  const later: Authenticator = { name: 'later', authenticate: async (r) => admits.authenticate(r, {}) };

  it('answers at once when every step did, a promise otherwise, with the same outcome', async () => {
    for (const authenticator of [admits, later]) {
      const latchkey = createLatchkey({ authenticators: [authenticator] });
      const checked = latchkey.check(request({ 'X-User': 'ada' }));
      expect(checked instanceof Promise).toBe(authenticator === later);
      const outcome = await checked;
      expect(outcome.ok && outcome.identity).toEqual({ user: expect.objectContaining({ username: 'ada' }), auth: null, scheme: authenticator.name });
      const refused = await latchkey.check(request());
      expect(!refused.ok && refused.response.status).toBe(403);
      // run is the promise-returning form, always.
      expect(latchkey.run(request({ 'X-User': 'ada' }))).toBeInstanceOf(Promise);
    }
  });

  it('goes on past a waiting scheme to the next one, and to a waiting permission', async () => {
    const skipsLater: Authenticator = { name: 'skips', authenticate: async () => skip() };
    const latchkey = createLatchkey({ authenticators: [skipsLater, admits], permissions: [async () => true, (_r, identity) => identity.user?.username === 'ada'] });
    const outcome = await latchkey.check(request({ 'X-User': 'ada' }));
    expect(outcome.ok && outcome.identity.scheme).toBe('header');
  });

  it('fails closed on a scheme that throws at once: 503, the error reported', async () => {
    const onError = vi.fn();
    const throwing: Authenticator = { name: 'throws', authenticate: () => { throw new Error('store down'); } };
    const outcome = await createLatchkey({ authenticators: [throwing], onError }).check(request());
    expect(!outcome.ok && outcome.response.status).toBe(503);
    expect(onError).toHaveBeenCalledWith(expect.objectContaining({ message: 'store down' }));
  });

  it('a token found in the memory store, or in the cache, needs no promise', async () => {
    for (const cache of [false, true]) {
      const w = await world({ cache });
      const token = await w.tokenFor(w.alice.id);
      const latchkey = createLatchkey({ authenticators: [tokenAuth({ tokens: w.tokens, users: w.users })] });
      // The first use records last-used (a write the request waits for off Workers); then reads only.
      expect((await latchkey.check(request({ Authorization: `Token ${token}` }))).ok).toBe(true);
      const checked = latchkey.check(request({ Authorization: `Token ${token}` }));
      expect(checked).not.toBeInstanceOf(Promise);
      expect((checked as { ok: boolean }).ok).toBe(true);
      expect(w.tokens.cache?.size ?? 0).toBe(cache ? 1 : 0);
      await w.tokens.revokeAll(w.alice.id);
      expect((await latchkey.check(request({ Authorization: `Token ${token}` }))).ok).toBe(false);
    }
  });
});
