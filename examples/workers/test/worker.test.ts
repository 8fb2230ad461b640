// End to end: the example bundled as Wrangler would bundle it, run in workerd (Miniflare)
// with a real, empty D1 database, called over fetch.
import type { Miniflare } from 'miniflare';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// Bundles as Wrangler would (workspace packages from their TypeScript sources) and starts workerd.
import { startWorker } from '../../../packages/cloudflare/test/start-worker.ts';

const DEMO_PASSWORD = 'a-local-demo-password';

describe('the Workers example, in workerd with D1', () => {
  let mf: Miniflare;
  let token: string;
  const call = (path: string, init: { method?: string; headers?: Record<string, string>; body?: string } = {}) =>
    mf.dispatchFetch(`http://example.test${path}`, init);

  beforeAll(async () => {
    mf = await startWorker(new URL('../src/index.ts', import.meta.url), { d1Databases: ['DB'], bindings: { DEMO_PASSWORD } });
  });
  afterAll(() => mf?.dispose());

  it('creates the schema and the demo user, and issues a token from username and password', async () => {
    const response = await call('/auth/token', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ username: 'demo', password: DEMO_PASSWORD }),
    });
    expect(response.status).toBe(200);
    const body = (await response.json()) as { token: string; user: unknown };
    expect(body.user).toEqual({ id: '1', username: 'demo' });
    token = body.token;
  });

  it('answers the protected route with 200 and the user when the token is sent', async () => {
    const response = await call('/api/me', { headers: { Authorization: `Token ${token}` } });
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ id: '1', username: 'demo', isStaff: false });
  });

  it('answers the protected route with 401 and the Token challenge without it', async () => {
    const response = await call('/api/me');
    expect(response.status).toBe(401);
    expect(response.headers.get('WWW-Authenticate')).toBe('Token');
    expect(await response.json()).toEqual({ detail: 'Authentication credentials were not provided.' });
  });

  it('answers the public route to anyone, by name when a token is sent', async () => {
    expect(await (await call('/')).json()).toMatchObject({ hello: 'anonymous' });
    expect(await (await call('/', { headers: { Authorization: `Token ${token}` } })).json()).toMatchObject({ hello: 'demo' });
  });

  it('refuses a wrong password with DRF\'s message', async () => {
    const response = await call('/auth/token', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ username: 'demo', password: 'wrong' }),
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({ non_field_errors: ['Unable to log in with provided credentials.'] });
  });

  it('logs out: the token stops working', async () => {
    expect((await call('/auth/logout', { method: 'POST', headers: { Authorization: `Token ${token}` } })).status).toBe(204);
    const response = await call('/api/me', { headers: { Authorization: `Token ${token}` } });
    expect(response.status).toBe(401);
    expect(await response.json()).toEqual({ detail: 'Invalid token.' });
  });
});
