import { describe, expect, it } from 'vitest';
import { MemoryTokenStore } from '../tokens/memory-token-store.ts';
import { MemoryUserStore } from '../users/memory-user-store.ts';
import { createTokenService } from '../tokens/token-service.ts';
import { createAuthEndpoints } from './router.ts';
import { endpointFixture, ORIGIN, PASSWORD } from './test-fixture.ts';

type Fixture = Awaited<ReturnType<typeof endpointFixture>>;

/** Logs in through POST /auth/session; the cookies to send back and the CSRF token. */
async function sessionLogin({ send }: Fixture) {
  const response = await send('POST', '/auth/session', { json: { username: 'alice', password: PASSWORD } });
  expect(response.status).toBe(200);
  const body = (await response.json()) as { csrf_token: string };
  const setCookies = response.headers.getSetCookie();
  const cookie = setCookies.map((line) => line.split(';', 1)[0]).join('; ');
  return { body, setCookies, cookie, csrf: body.csrf_token };
}

describe('session login, use and logout (DRF SessionAuthentication)', () => {
  it('logs in with 200 {user, expiry, csrf_token} and two cookies, never the session token in the body', async () => {
    const { body, setCookies } = await sessionLogin(await endpointFixture());
    expect(body).toEqual({
      user: { id: '1', username: 'alice' },
      expiry: new Date(1_750_000_000_000 + 14 * 86_400_000).toISOString(),
      csrf_token: expect.any(String),
    });
    const [session, csrf] = setCookies;
    expect(session).toMatch(/^latchkey_session=lk_[^;]+; Path=\/; Max-Age=1209600; SameSite=Lax; Secure; HttpOnly$/);
    expect(csrf).toBe(`latchkey_csrf=${body.csrf_token}; Path=/; Max-Age=1209600; SameSite=Lax; Secure`);
    expect(JSON.stringify(body)).not.toContain(session!.split(';')[0]!.split('=')[1]);
  });

  it('reads with the cookie alone: safe methods need no CSRF token', async () => {
    const fixture = await endpointFixture();
    const { cookie } = await sessionLogin(fixture);
    const response = await fixture.send('GET', '/auth/me', { cookie });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ id: '1', username: 'alice' });
  });

  it('refuses a write without the CSRF token: 403 "CSRF Failed: CSRF token missing or incorrect."', async () => {
    const fixture = await endpointFixture();
    const { cookie, csrf } = await sessionLogin(fixture);
    const attempts: Record<string, string>[] = [{}, { 'X-CSRFToken': csrf.slice(0, -1) + (csrf.endsWith('A') ? 'B' : 'A') }];
    for (const headers of attempts) {
      const response = await fixture.send('POST', '/auth/logout-all', { cookie, headers });
      expect(response.status).toBe(403);
      expect(await response.json()).toEqual({ detail: 'CSRF Failed: CSRF token missing or incorrect.' });
    }
  });

  it('allows a write with the CSRF token echoed in X-CSRFToken', async () => {
    const fixture = await endpointFixture();
    const { cookie, csrf } = await sessionLogin(fixture);
    const response = await fixture.send('POST', '/auth/logout-all', { cookie, headers: { 'X-CSRFToken': csrf } });
    expect(response.status).toBe(204);
  });

  it('refuses a write from another origin even with the right token', async () => {
    const fixture = await endpointFixture();
    const { cookie, csrf } = await sessionLogin(fixture);
    const headers = { 'X-CSRFToken': csrf, Origin: 'https://evil.test' };
    const response = await fixture.send('POST', '/auth/logout', { cookie, headers });
    expect(response.status).toBe(403);
    expect(await response.json()).toEqual({
      detail: 'CSRF Failed: Origin checking failed - https://evil.test does not match any trusted origins.',
    });
  });

  it('logs out with 204, deletes both cookies, and the cookie no longer works', async () => {
    const fixture = await endpointFixture();
    const { cookie, csrf } = await sessionLogin(fixture);
    const logout = await fixture.send('POST', '/auth/session/logout', { cookie, headers: { 'X-CSRFToken': csrf, Origin: ORIGIN } });
    expect(logout.status).toBe(204);
    expect(logout.headers.getSetCookie()).toEqual([
      'latchkey_session=; Path=/; Max-Age=0; SameSite=Lax; Secure; HttpOnly',
      'latchkey_csrf=; Path=/; Max-Age=0; SameSite=Lax; Secure',
    ]);
    const after = await fixture.send('GET', '/auth/me', { cookie });
    expect(after.status).toBe(401);
    expect(await after.json()).toEqual({ detail: 'Authentication credentials were not provided.' });
  });

  it('answers an anonymous session logout 403: session authentication has no challenge', async () => {
    const { send } = await endpointFixture();
    const response = await send('POST', '/auth/session/logout');
    expect(response.status).toBe(403);
    expect(response.headers.get('WWW-Authenticate')).toBeNull();
    expect(await response.json()).toEqual({ detail: 'Authentication credentials were not provided.' });
  });

  it('does not log out a session with a header token: the session logout route is session-only', async () => {
    const fixture = await endpointFixture();
    const token = await fixture.login();
    expect((await fixture.send('POST', '/auth/session/logout', { token })).status).toBe(403);
  });

  it('needs no CSRF token when a header token authenticates, even with a session cookie present', async () => {
    const fixture = await endpointFixture();
    const { cookie } = await sessionLogin(fixture);
    const token = await fixture.login();
    const response = await fixture.send('POST', '/auth/logout', { token, cookie });
    expect(response.status).toBe(204);
    expect(response.headers.getSetCookie()).toEqual([]);
    expect((await fixture.send('GET', '/auth/me', { cookie })).status).toBe(200);
  });

  it('deletes the cookies when /logout revokes a session', async () => {
    const fixture = await endpointFixture();
    const { cookie, csrf } = await sessionLogin(fixture);
    const response = await fixture.send('POST', '/auth/logout', { cookie, headers: { 'X-CSRFToken': csrf } });
    expect(response.headers.getSetCookie()).toHaveLength(2);
    expect((await fixture.send('GET', '/auth/me', { cookie })).status).toBe(401);
  });

  it('refuses a session login posted from another site, so no one is logged into an attacker\'s account', async () => {
    const { send } = await endpointFixture();
    const response = await send('POST', '/auth/session', {
      json: { username: 'alice', password: PASSWORD },
      headers: { Origin: 'https://evil.test' },
    });
    expect(response.status).toBe(403);
    expect(response.headers.getSetCookie()).toEqual([]);
  });

  it('allows trusted origins, for a front end on another host', async () => {
    const fixture = await endpointFixture({ session: { csrf: { trustedOrigins: ['https://spa.test'] } } });
    const response = await fixture.send('POST', '/auth/session', {
      json: { username: 'alice', password: PASSWORD },
      headers: { Origin: 'https://spa.test' },
    });
    expect(response.status).toBe(200);
  });

  it('refuses bad credentials with DRF\'s answer and sets no cookie', async () => {
    const { send } = await endpointFixture();
    const response = await send('POST', '/auth/session', { json: { username: 'alice', password: 'wrong' } });
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({ non_field_errors: ['Unable to log in with provided credentials.'] });
    expect(response.headers.getSetCookie()).toEqual([]);
  });

  it('takes a session only from its cookie and an API token only from a header: each is issued for one use', async () => {
    const fixture = await endpointFixture();
    const { cookie } = await sessionLogin(fixture);
    const session = /latchkey_session=([^;]+)/.exec(cookie)![1]!;
    const token = await fixture.login();
    expect((await fixture.send('GET', '/auth/me', { cookie })).status).toBe(200);
    expect((await fixture.send('GET', '/auth/me', { token })).status).toBe(200);
    const asHeader = await fixture.send('GET', '/auth/me', { token: session });
    expect([asHeader.status, await asHeader.json()]).toEqual([401, { detail: 'Invalid token.' }]);
    expect((await fixture.send('GET', '/auth/me', { cookie: `latchkey_session=${token}` })).status).toBe(401);
  });

  it('does not list sessions among the user\'s API tokens, nor lets them be revoked there', async () => {
    const fixture = await endpointFixture();
    const { cookie, csrf } = await sessionLogin(fixture);
    expect(await (await fixture.send('GET', '/auth/tokens', { cookie })).json()).toEqual([]);
    const [session] = await fixture.tokens.list(fixture.alice.id, 'session');
    expect(session).toMatchObject({ name: 'session', purpose: 'session' });
    const headers = { 'X-CSRFToken': csrf };
    expect((await fixture.send('DELETE', `/auth/tokens/${session!.id}`, { cookie, headers })).status).toBe(404);
  });

  it('sends cookies without Secure when secure is false, for local http', async () => {
    const { setCookies } = await sessionLogin(await endpointFixture({ session: { secure: false } }));
    for (const line of setCookies) expect(line).not.toContain('Secure');
  });

  it('sends browser-session cookies (no Max-Age) and a token without expiry when ttl is null', async () => {
    const { setCookies, body } = await sessionLogin(await endpointFixture({ session: { ttl: null } }));
    for (const line of setCookies) expect(line).not.toContain('Max-Age');
    expect((body as unknown as { expiry: unknown }).expiry).toBeNull();
  });

  it('uses the configured cookie names', async () => {
    const fixture = await endpointFixture({ session: { cookieName: '__Host-sid', csrfCookieName: 'csrftoken' } });
    const { setCookies, cookie } = await sessionLogin(fixture);
    expect(setCookies.map((line) => line.split('=', 1)[0])).toEqual(['__Host-sid', 'csrftoken']);
    expect((await fixture.send('GET', '/auth/me', { cookie })).status).toBe(200);
  });

  it('has no session routes and accepts no session cookie when session is false', async () => {
    const fixture = await endpointFixture();
    const { cookie } = await sessionLogin(fixture);
    const without = createAuthEndpoints({ tokens: fixture.tokens, users: fixture.users, session: false });
    expect(await without.handle(new Request(`${ORIGIN}/auth/session`, { method: 'POST' }))).toBeNull();
    const me = await without.handle(new Request(`${ORIGIN}/auth/me`, { headers: { Cookie: cookie } }));
    expect(me?.status).toBe(401);
  });

  it('refuses contradictory cookie options at construction', () => {
    const base = { tokens: createTokenService({ store: new MemoryTokenStore() }), users: new MemoryUserStore() };
    expect(() => createAuthEndpoints({ ...base, session: { cookieName: '__Host-sid', secure: false } })).toThrow(TypeError);
    expect(() => createAuthEndpoints({ ...base, session: { cookieName: 'same', csrfCookieName: 'same' } })).toThrow(TypeError);
    expect(() => createAuthEndpoints({ ...base, session: { cookieName: 'bad name' } })).toThrow(RangeError);
    expect(() => createAuthEndpoints({ ...base, session: { ttl: -1 } })).toThrow(RangeError);
  });
});
