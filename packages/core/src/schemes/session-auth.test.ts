import { describe, expect, it } from 'vitest';
import { csrfProtection } from './csrf.ts';
import { createLatchkey } from '../latchkey.ts';
import { MemoryTokenStore } from '../tokens/memory-token-store.ts';
import { MemoryUserStore } from '../users/memory-user-store.ts';
import { readCookie, sessionAuth } from './session-auth.ts';
import { tokenAuth } from './token-auth.ts';
import { createTokenService } from '../tokens/token-service.ts';

async function setup() {
  let clock = 1_750_000_000_000;
  const users = new MemoryUserStore();
  const tokens = createTokenService({ store: new MemoryTokenStore(), now: () => clock });
  const alice = (await users.createUser({ username: 'alice', passwordHash: null }))!;
  const created = await tokens.create(alice.id, { name: 'session', ttl: 60_000, purpose: 'session' });
  if (!created.ok) throw new Error('token limit');
  const session = sessionAuth({ tokens, users });
  const csrf = csrfProtection().tokenFor(created.token);
  const request = (method: string, headers: Record<string, string> = {}) =>
    new Request('https://app.test/things', { method, headers: { Cookie: `latchkey_session=${created.token}; latchkey_csrf=${csrf}`, ...headers } });
  return { users, tokens, alice, session, token: created.token, csrf, request, advance: (ms: number) => (clock += ms) };
}

describe('readCookie: one cookie from a Cookie header', () => {
  it('finds a cookie among others, trimming spaces', () => {
    expect(readCookie('a=1; latchkey_session=abc ; b=2', 'latchkey_session')).toBe('abc');
  });

  it('takes the first of two cookies with one name', () => {
    expect(readCookie('sid=first; sid=second', 'sid')).toBe('first');
  });

  it('drops RFC 6265 double quotes and does not percent-decode', () => {
    expect(readCookie('sid="abc"', 'sid')).toBe('abc');
    expect(readCookie('sid=a%20b', 'sid')).toBe('a%20b');
  });

  it('is null when the header or the cookie is absent, and never matches a longer name', () => {
    expect(readCookie(null, 'sid')).toBeNull();
    expect(readCookie('xsid=1; sidx=2; flag', 'sid')).toBeNull();
  });
});

describe('sessionAuth: DRF SessionAuthentication on Latchkey tokens', () => {
  it('authenticates a safe request by its session cookie alone', async () => {
    const { session, request, alice } = await setup();
    const result = await session.authenticate(request('GET'), {});
    expect(result).toMatchObject({ outcome: 'success', user: { id: alice.id }, auth: { name: 'session' } });
  });

  it('skips without a cookie, so the next authenticator is tried', async () => {
    const { session } = await setup();
    expect(await session.authenticate(new Request('https://app.test/'), {})).toEqual({ outcome: 'skip' });
  });

  it('skips a malformed, unknown or expired session instead of failing, as DRF does', async () => {
    const { session, tokens, request, token, advance } = await setup();
    const garbage = new Request('https://app.test/', { headers: { Cookie: 'latchkey_session=garbage' } });
    expect(await session.authenticate(garbage, {})).toEqual({ outcome: 'skip' });
    advance(60_000);
    expect(await session.authenticate(request('GET'), {})).toEqual({ outcome: 'skip' });
    expect((await tokens.verify(token)).ok).toBe(false);
  });

  it('skips an inactive user', async () => {
    const { session, users, alice, request } = await setup();
    await users.setActive(alice.id, false);
    expect(await session.authenticate(request('GET'), {})).toEqual({ outcome: 'skip' });
  });

  it('fails an unsafe request without the CSRF token with 403 "CSRF Failed: CSRF token missing or incorrect."', async () => {
    const { session, request } = await setup();
    for (const method of ['POST', 'PUT', 'PATCH', 'DELETE']) {
      const result = await session.authenticate(request(method), {});
      expect(result.outcome).toBe('fail');
      if (result.outcome !== 'fail') continue;
      expect(result.error.status).toBe(403);
      expect(result.error.detail).toBe('CSRF Failed: CSRF token missing or incorrect.');
    }
  });

  it('fails an unsafe request without the CSRF cookie with "CSRF Failed: CSRF cookie not set.", as DRF does', async () => {
    const { session, token, csrf } = await setup();
    const request = new Request('https://app.test/things', { method: 'POST', headers: { Cookie: `latchkey_session=${token}`, 'X-CSRFToken': csrf } });
    const result = await session.authenticate(request, {});
    expect(result.outcome === 'fail' && [result.error.status, result.error.detail]).toEqual([403, 'CSRF Failed: CSRF cookie not set.']);
  });

  it('lets an unsafe request through with the session\'s CSRF token', async () => {
    const { session, request, csrf } = await setup();
    const result = await session.authenticate(request('DELETE', { 'X-CSRFToken': csrf }), {});
    expect(result.outcome).toBe('success');
  });

  it('needs no CSRF token for HEAD and OPTIONS either', async () => {
    const { session, request } = await setup();
    for (const method of ['HEAD', 'OPTIONS']) expect((await session.authenticate(request(method), {})).outcome).toBe('success');
  });

  it('reads the cookie and the CSRF header it is told to', async () => {
    const { tokens, users, token, csrf } = await setup();
    const custom = sessionAuth({ tokens, users, cookieName: 'sid', csrfCookieName: 'xsrf', csrf: { headerName: 'X-XSRF-Token' } });
    const request = new Request('https://app.test/', { method: 'POST', headers: { Cookie: `sid=${token}; xsrf=${csrf}`, 'X-XSRF-Token': csrf } });
    expect((await custom.authenticate(request, {})).outcome).toBe('success');
  });

  it('refuses missing stores and bad cookie names at construction', async () => {
    const { tokens, users } = await setup();
    expect(() => sessionAuth({ tokens, users: undefined as never })).toThrow(TypeError);
    expect(() => sessionAuth({ tokens, users, cookieName: 'a;b' })).toThrow(RangeError);
  });
});

describe('sessionAuth in the pipeline', () => {
  it('answers an anonymous caller on a session-only route 403: there is no challenge', async () => {
    const { session } = await setup();
    const outcome = await createLatchkey({ authenticators: [session] }).run(new Request('https://app.test/'));
    expect(outcome.ok).toBe(false);
    if (outcome.ok) return;
    expect(outcome.response.status).toBe(403);
    expect(outcome.response.headers.get('WWW-Authenticate')).toBeNull();
  });

  it('answers a CSRF failure 403 through the pipeline', async () => {
    const { session, request } = await setup();
    const outcome = await createLatchkey({ authenticators: [session] }).run(request('POST'));
    if (outcome.ok) throw new Error('expected a refusal');
    expect(outcome.response.status).toBe(403);
    expect(await outcome.response.json()).toEqual({ detail: 'CSRF Failed: CSRF token missing or incorrect.' });
  });

  it('needs no CSRF token when a header token, tried first, authenticates the request', async () => {
    const { session, tokens, users, alice, request } = await setup();
    const header = await tokens.create(alice.id);
    if (!header.ok) throw new Error('token limit');
    const pipeline = createLatchkey({ authenticators: [tokenAuth({ tokens, users }), session] });
    const outcome = await pipeline.run(request('POST', { Authorization: `Token ${header.token}` }));
    expect(outcome.ok && outcome.identity.scheme).toBe('token');
  });
});
