// Answers checked against a real DRF 3.14 app on Django 3.2 (scripts/django/drf-answers.py): the cases
// where Latchkey once differed. Each expectation is what DRF sent.
import { describe, expect, it } from 'vitest';
import { createLatchkey } from '../latchkey.ts';
import { tokenAuth } from '../schemes/token-auth.ts';
import { endpointFixture, PASSWORD } from './test-fixture.ts';

type Fixture = Awaited<ReturnType<typeof endpointFixture>>;

async function sessionCookies({ send }: Fixture) {
  const response = await send('POST', '/auth/session', { json: { username: 'alice', password: PASSWORD } });
  const cookies = response.headers.getSetCookie().map((line) => line.split(';', 1)[0]!);
  return { session: cookies[0]!, csrfCookie: cookies[1]!, csrf: ((await response.json()) as { csrf_token: string }).csrf_token };
}

describe('obtain-token runs the authenticators first, as DRF\'s obtain_auth_token does', () => {
  it('refuses an unknown Token header with 401 "Invalid token." instead of issuing a token', async () => {
    const { send } = await endpointFixture();
    const response = await send('POST', '/auth/token', {
      json: { username: 'alice', password: PASSWORD },
      headers: { Authorization: 'Token nope' },
    });
    expect(response.status).toBe(401);
    expect(await response.json()).toEqual({ detail: 'Invalid token.' });
    expect(response.headers.get('WWW-Authenticate')).toBe('Token');
    expect(response.headers.get('Allow')).toBe('POST');
  });

  it('refuses a logged-in session without its CSRF cookie: 403 "CSRF Failed: CSRF cookie not set."', async () => {
    const fixture = await endpointFixture();
    const { session } = await sessionCookies(fixture);
    const response = await fixture.send('POST', '/auth/token', { json: { username: 'alice', password: PASSWORD }, cookie: session });
    expect(response.status).toBe(403);
    expect(await response.json()).toEqual({ detail: 'CSRF Failed: CSRF cookie not set.' });
  });

  it('still logs in with no credentials at all', async () => {
    const { login } = await endpointFixture();
    expect(await login()).toMatch(/^lk_/);
  });
});

describe('headers DRF sends', () => {
  it('names the route\'s methods in Allow on every answer, 200, 400, 401 and 405 alike', async () => {
    const { send, login } = await endpointFixture();
    const token = await login();
    expect((await send('GET', '/auth/me', { token })).headers.get('Allow')).toBe('GET, HEAD');
    expect((await send('GET', '/auth/me')).headers.get('Allow')).toBe('GET, HEAD');
    expect((await send('POST', '/auth/token', { json: {} })).headers.get('Allow')).toBe('POST');
    expect((await send('GET', '/auth/token')).headers.get('Allow')).toBe('POST');
  });

  it('sends Vary: Cookie once session authentication was consulted, and not when a header token answered first', async () => {
    const { send, login } = await endpointFixture();
    expect((await send('GET', '/auth/me')).headers.get('Vary')).toBe('Cookie');
    expect((await send('POST', '/auth/token', { json: { username: 'alice', password: PASSWORD } })).headers.get('Vary')).toBe('Cookie');
    expect((await send('GET', '/auth/me', { token: await login() })).headers.get('Vary')).toBeNull();
    expect((await send('POST', '/auth/token', { headers: { Authorization: 'Token nope' } })).headers.get('Vary')).toBeNull();
  });

  it('adds Vary: Cookie to a protected handler\'s own answer, keeping what it varies on', async () => {
    const fixture = await endpointFixture();
    const api = createLatchkey({ authenticators: [tokenAuth(fixture), fixture.endpoints.sessionAuth!] });
    const handler = api.protect(() => new Response('ok', { headers: { Vary: 'Accept' } }));
    const { session, csrfCookie } = await sessionCookies(fixture);
    const response = await handler(new Request('https://app.test/', { headers: { Cookie: `${session}; ${csrfCookie}` } }));
    expect(response.status).toBe(200);
    expect(response.headers.get('Vary')).toBe('Accept, Cookie');
    expect((await handler(new Request('https://app.test/'))).headers.get('Vary')).toBe('Cookie');
  });
});

describe('endpoints mounted where the app wants them', () => {
  it('moves obtain-token to /api-token-auth/, DRF\'s tutorial path, and leaves the rest under the prefix', async () => {
    const fixture = await endpointFixture({ paths: { token: '/api-token-auth' } });
    const response = await fixture.send('POST', '/api-token-auth/', { form: { username: 'alice', password: PASSWORD } });
    expect(response.status).toBe(200);
    const { token } = (await response.json()) as { token: string };
    expect((await fixture.send('GET', '/auth/me', { token })).status).toBe(200);
    expect(await fixture.endpoints.handle(new Request('https://app.test/auth/token', { method: 'POST' }))).toBeNull();
    expect(fixture.endpoints.paths).toContain('/api-token-auth');
  });

  it('refuses a malformed or clashing path at construction', async () => {
    await expect(endpointFixture({ paths: { token: 'api-token-auth' } })).rejects.toThrow(RangeError);
    await expect(endpointFixture({ paths: { token: '/auth/me' } })).rejects.toThrow(RangeError);
  });
});

describe('session options given once', () => {
  it('hands out its own session authenticator, with the cookie names and CSRF options of `session`', async () => {
    const fixture = await endpointFixture({ session: { cookieName: 'sid', csrfCookieName: 'xsrf', csrf: { headerName: 'X-XSRF-Token' } } });
    const { session, csrfCookie, csrf } = await sessionCookies(fixture);
    expect([session.split('=')[0], csrfCookie.split('=')[0]]).toEqual(['sid', 'xsrf']);
    const api = createLatchkey({ authenticators: [fixture.endpoints.sessionAuth!] });
    const write = (headers: Record<string, string>) => api.run(new Request('https://app.test/x', { method: 'POST', headers }));
    expect((await write({ Cookie: `${session}; ${csrfCookie}`, 'X-XSRF-Token': csrf })).ok).toBe(true);
    const refused = await write({ Cookie: session, 'X-XSRF-Token': csrf });
    expect(refused.ok === false && (await refused.response.json())).toEqual({ detail: 'CSRF Failed: CSRF cookie not set.' });
  });
});
