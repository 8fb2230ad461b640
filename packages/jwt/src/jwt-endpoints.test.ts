import { createPasswordHasher, MemoryUserStore } from '@latchkey/core';
import { decodeJwt } from 'jose';
import { describe, expect, it, vi } from 'vitest';
import { createJwtEndpoints } from './jwt-endpoints.ts';
import { createJwtService } from './jwt-service.ts';
import { createKeySet } from './keys.ts';
import { MemoryRefreshTokenStore } from './memory-refresh-token-store.ts';

const PASSWORD = 'correct horse battery staple';
const CHALLENGE = 'Bearer realm="api"';

async function setup() {
  const users = new MemoryUserStore();
  const passwords = createPasswordHasher({ iterations: 1_000 });
  const hash = await passwords.hash(PASSWORD);
  const alice = (await users.createUser({ username: 'alice', passwordHash: hash }))!;
  await users.createUser({ username: 'carol', passwordHash: hash, isActive: false });
  const store = new MemoryRefreshTokenStore();
  const onRefreshReuse = vi.fn();
  const jwt = createJwtService({
    keys: createKeySet({ keys: [{ kid: 'k1', alg: 'HS256', secret: 'a-test-secret-of-at-least-thirty-two-bytes!' }] }),
    refreshTokens: store,
    onRefreshReuse,
  });
  const endpoints = createJwtEndpoints({ jwt, users, passwords, throttle: false, scopesFor: () => ['read'], onError: () => {} });
  const post = async (path: string, body: unknown, headers: Record<string, string> = { 'Content-Type': 'application/json' }) => {
    const response = await endpoints.handle(
      new Request(`http://api.test/auth/jwt${path}`, { method: 'POST', headers, body: typeof body === 'string' ? body : JSON.stringify(body) }),
    );
    if (!response) throw new Error(`no route for ${path}`);
    return { status: response.status, body: await response.json().catch(() => null), challenge: response.headers.get('WWW-Authenticate'), response };
  };
  const login = async () => (await post('/create', { username: 'alice', password: PASSWORD })).body as { access: string; refresh: string };
  return { users, alice, jwt, store, endpoints, post, login, onRefreshReuse };
}

describe('POST /auth/jwt/create (TokenObtainPairView)', () => {
  it('answers {"refresh", "access"} in simplejwt\'s order, with the configured scopes', async () => {
    const { post, alice } = await setup();
    const { status, response, body } = await post('/create', { username: 'alice', password: PASSWORD });
    expect(status).toBe(200);
    expect(Object.keys(body)).toEqual(['refresh', 'access']);
    expect(decodeJwt(body.access)).toMatchObject({ token_type: 'access', user_id: alice.id, scope: 'read' });
    expect(response.headers.get('Content-Type')).toBe('application/json');
  });

  it('accepts a form body and a trailing slash', async () => {
    const { endpoints } = await setup();
    const response = await endpoints.handle(
      new Request('http://api.test/auth/jwt/create/', {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ username: 'alice', password: PASSWORD }).toString(),
      }),
    );
    expect(response?.status).toBe(200);
  });

  it('wrong password, unknown user, inactive user: 401 "No active account found with the given credentials"', async () => {
    const { post } = await setup();
    for (const credentials of [{ username: 'alice', password: 'nope' }, { username: 'mallory', password: PASSWORD }, { username: 'carol', password: PASSWORD }]) {
      expect(await post('/create', credentials)).toMatchObject({
        status: 401,
        body: { detail: 'No active account found with the given credentials' },
        challenge: CHALLENGE,
      });
    }
  });

  it('missing fields: DRF\'s 400 field errors', async () => {
    const { post } = await setup();
    expect(await post('/create', {})).toMatchObject({
      status: 400,
      body: { username: ['This field is required.'], password: ['This field is required.'] },
    });
    expect(await post('/create', { username: '', password: PASSWORD })).toMatchObject({ status: 400, body: { username: ['This field may not be blank.'] } });
  });

  it('bad bodies: 400 parse error, 415 media type; GET: 405 with Allow', async () => {
    const { post, endpoints } = await setup();
    expect((await post('/create', '{"username":')).status).toBe(400);
    expect(await post('/create', 'x', { 'Content-Type': 'text/plain' })).toMatchObject({ status: 415, body: { detail: 'Unsupported media type "text/plain" in request.' } });
    const get = await endpoints.handle(new Request('http://api.test/auth/jwt/create'));
    expect(get?.status).toBe(405);
    expect(get?.headers.get('Allow')).toBe('POST');
    expect(await get?.json()).toEqual({ detail: 'Method "GET" not allowed.' });
  });

  it('other paths are not its business', async () => {
    const { endpoints } = await setup();
    expect(await endpoints.handle(new Request('http://api.test/auth/jwt/other', { method: 'POST' }))).toBeNull();
    expect(await endpoints.handle(new Request('http://api.test/api/me'))).toBeNull();
  });

  it('the login throttle counts by username: 429 with Retry-After', async () => {
    const users = new MemoryUserStore();
    const jwt = createJwtService({ keys: createKeySet({ keys: [{ kid: 'k', alg: 'HS256', secret: 'x'.repeat(32) }] }), refreshTokens: new MemoryRefreshTokenStore() });
    const endpoints = createJwtEndpoints({ jwt, users, passwords: createPasswordHasher({ iterations: 1_000 }), throttle: { usernameRate: '2/minute' } });
    const attempt = () =>
      endpoints.handle(new Request('http://api.test/auth/jwt/create', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{"username":"a","password":"b"}' }));
    expect((await attempt())?.status).toBe(401);
    expect((await attempt())?.status).toBe(401);
    const refused = (await attempt())!;
    expect(refused.status).toBe(429);
    expect(refused.headers.get('Retry-After')).toMatch(/^[1-9][0-9]*$/);
  });
});

describe('POST /auth/jwt/create with a second factor', () => {
  it('a user with it on needs the code: none is 400, a wrong one 401, the right one a pair', async () => {
    const { jwt, users, alice } = await setup();
    const passwords = createPasswordHasher({ iterations: 1_000 });
    const secondFactor = { isRequired: async (id: string) => id === alice.id, verify: async (_id: string, code: string) => code === '123456' };
    const endpoints = createJwtEndpoints({ jwt, users, passwords, throttle: false, secondFactor });
    const create = async (body: Record<string, string>) => {
      const response = (await endpoints.handle(
        new Request('http://api.test/auth/jwt/create', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) }),
      ))!;
      return { status: response.status, body: await response.json() };
    };
    expect(await create({ username: 'alice', password: PASSWORD })).toEqual({
      status: 400,
      body: { code: ['Two-factor authentication is on for this account: send its code as "code".'] },
    });
    expect(await create({ username: 'alice', password: PASSWORD, code: '000000' })).toEqual({
      status: 401,
      body: { detail: 'No active account found with the given credentials' },
    });
    // A wrong password says nothing about the second factor.
    expect((await create({ username: 'alice', password: 'nope' })).status).toBe(401);
    const pair = await create({ username: 'alice', password: PASSWORD, code: '123456' });
    expect(pair.status).toBe(200);
    expect(Object.keys(pair.body)).toEqual(['refresh', 'access']);
  });
});

describe('POST /auth/jwt/refresh (TokenRefreshView, rotating)', () => {
  it('answers {"access", "refresh"}: a new pair', async () => {
    const { post, login } = await setup();
    const pair = await login();
    const { status, body } = await post('/refresh', { refresh: pair.refresh });
    expect(status).toBe(200);
    expect(Object.keys(body)).toEqual(['access', 'refresh']);
    expect(body.refresh).not.toBe(pair.refresh);
  });

  it('a rotated token again: 401 "Token is blacklisted", the family revoked, the hook told', async () => {
    const { post, login, onRefreshReuse } = await setup();
    const pair = await login();
    const rotated = (await post('/refresh', { refresh: pair.refresh })).body;
    expect(await post('/refresh', { refresh: pair.refresh })).toEqual(expect.objectContaining({
      status: 401,
      body: { detail: 'Token is blacklisted', code: 'token_not_valid' },
      challenge: CHALLENGE,
    }));
    expect(onRefreshReuse).toHaveBeenCalledOnce();
    expect((await post('/refresh', { refresh: rotated.refresh })).body).toEqual({ detail: 'Token is blacklisted', code: 'token_not_valid' });
  });

  it('two concurrent refreshes with one token: one 200, one 401', async () => {
    const { post, login } = await setup();
    const pair = await login();
    const statuses = (await Promise.all([post('/refresh', { refresh: pair.refresh }), post('/refresh', { refresh: pair.refresh })])).map((r) => r.status);
    expect(statuses.sort()).toEqual([200, 401]);
  });

  it('garbage, an access token, a missing field', async () => {
    const { post, login } = await setup();
    expect(await post('/refresh', { refresh: 'nope' })).toMatchObject({ status: 401, body: { detail: 'Token is invalid', code: 'token_not_valid' } });
    expect(await post('/refresh', { refresh: (await login()).access })).toMatchObject({ status: 401, body: { detail: 'Token has wrong type', code: 'token_not_valid' } });
    expect(await post('/refresh', {})).toMatchObject({ status: 400, body: { refresh: ['This field is required.'] } });
  });

  it('the user deactivated since: 401 "No active account found for the given token."', async () => {
    const { post, login, users, alice } = await setup();
    const pair = await login();
    vi.spyOn(users, 'findById').mockResolvedValue({ ...alice, isActive: false });
    expect(await post('/refresh', { refresh: pair.refresh })).toMatchObject({ status: 401, body: { detail: 'No active account found for the given token.' } });
  });

  it('a store that never answers: 503 once the time limit passes, never a pair', async () => {
    const users = new MemoryUserStore();
    const store = new MemoryRefreshTokenStore();
    const jwt = createJwtService({ keys: createKeySet({ keys: [{ kid: 'k', alg: 'HS256', secret: 'x'.repeat(32) }] }), refreshTokens: store });
    const alice = (await users.createUser({ username: 'alice', passwordHash: null }))!;
    const { refresh } = await jwt.issuePair(alice);
    vi.spyOn(store, 'consume').mockReturnValue(new Promise(() => {}));
    const endpoints = createJwtEndpoints({ jwt, users, timeout: 20, onError: () => {} });
    const response = await endpoints.handle(
      new Request('http://api.test/auth/jwt/refresh', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ refresh }) }),
    );
    expect(response?.status).toBe(503);
  });

  it('a failing store: 503, never a pair', async () => {
    const { post, login, store } = await setup();
    const pair = await login();
    vi.spyOn(store, 'consume').mockRejectedValue(new Error('disk on fire'));
    expect(await post('/refresh', { refresh: pair.refresh })).toMatchObject({ status: 503, body: { detail: 'Service temporarily unavailable, try again later.' } });
  });
});

describe('POST /auth/jwt/verify and /auth/jwt/blacklist', () => {
  it('verify answers {} for a good access or refresh token, 401 for a bad one', async () => {
    const { post, login } = await setup();
    const pair = await login();
    expect(await post('/verify', { token: pair.access })).toMatchObject({ status: 200, body: {} });
    expect(await post('/verify', { token: pair.refresh })).toMatchObject({ status: 200, body: {} });
    expect(await post('/verify', { token: 'x.y.z' })).toMatchObject({ status: 401, body: { detail: 'Token is invalid', code: 'token_not_valid' } });
    expect(await post('/verify', {})).toMatchObject({ status: 400, body: { token: ['This field is required.'] } });
  });

  it('blacklist answers {}, then the refresh and access tokens are blacklisted (verify: 400, simplejwt\'s)', async () => {
    const { post, login, jwt } = await setup();
    const pair = await login();
    expect(await post('/blacklist', { refresh: pair.refresh })).toMatchObject({ status: 200, body: {} });
    expect(await post('/verify', { token: pair.refresh })).toMatchObject({ status: 400, body: { non_field_errors: ['Token is blacklisted'] } });
    expect(await post('/verify', { token: pair.access })).toMatchObject({ status: 400, body: { non_field_errors: ['Token is blacklisted'] } });
    expect(await jwt.verifyAccess(pair.access)).toEqual({ ok: false, message: 'Token is blacklisted' });
    expect(await post('/blacklist', { refresh: pair.refresh })).toMatchObject({ status: 401, body: { detail: 'Token is blacklisted', code: 'token_not_valid' } });
    expect(await post('/refresh', { refresh: pair.refresh })).toMatchObject({ status: 401, body: { detail: 'Token is blacklisted' } });
  });
});

describe('options', () => {
  it('refuse bad configuration at construction', async () => {
    const { jwt, users } = await setup();
    expect(() => createJwtEndpoints({ jwt, users, prefix: '/auth/' })).toThrow(RangeError);
    expect(() => createJwtEndpoints({ jwt, users, prefix: '' })).toThrow(RangeError);
    expect(() => createJwtEndpoints({ jwt } as never)).toThrow(TypeError);
    expect(() => createJwtEndpoints({ jwt, users, realm: 'a"b' })).toThrow(RangeError);
  });
});
