import type { Miniflare } from 'miniflare';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWorker } from './start-worker.ts';

describe('withLatchkey on a real D1 binding, in workerd', () => {
  let mf: Miniflare;
  let token: string;
  const call = (method: string, path: string, headers: Record<string, string> = {}, body?: unknown) =>
    mf.dispatchFetch(`http://worker.test${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });

  beforeAll(async () => {
    mf = await startWorker(new URL('./workers/d1.ts', import.meta.url), { d1Databases: ['DB'] });
    const created = await call('POST', '/users', {}, { username: 'alice' });
    expect(created.status).toBe(201);
    ({ token } = (await created.json()) as { token: string });
  });
  afterAll(() => mf?.dispose());

  it('migrates the schema from inside the worker', async () => {
    const db = await mf.getD1Database('DB');
    const { results } = await db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE 'latchkey_%' ORDER BY name`).all();
    expect(results.map((row) => row.name)).toEqual(['latchkey_nonces', 'latchkey_one_time_tokens', 'latchkey_refresh_tokens', 'latchkey_revoked_families', 'latchkey_signing_keys', 'latchkey_throttles', 'latchkey_tokens', 'latchkey_totp', 'latchkey_totp_backup_codes', 'latchkey_users']);
  });

  it('stores the token digest in D1, never the token', async () => {
    const db = await mf.getD1Database('DB');
    const { results } = await db.prepare('SELECT * FROM latchkey_tokens').all();
    expect(results).toHaveLength(1);
    expect(JSON.stringify(results)).not.toContain(token);
  });

  it('answers 200 with a token kept in D1, and hands the handler the D1 user', async () => {
    const response = await call('GET', '/private', { Authorization: `Token ${token}` });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ user: 'alice', createdAt: expect.any(Number) });
  });

  it('records the last use through ctx.waitUntil, after the answer', async () => {
    const db = await mf.getD1Database('DB');
    expect((await call('GET', '/private', { Authorization: `Token ${token}` })).status).toBe(200);
    const row = await db.prepare('SELECT last_used_at FROM latchkey_tokens WHERE user_id = 1').first<{ last_used_at: number | null }>();
    expect(row?.last_used_at).toEqual(expect.any(Number));
  });

  it('answers 401 without a token', async () => {
    const response = await call('GET', '/private');
    expect(response.status).toBe(401);
    expect(await response.json()).toEqual({ detail: 'Authentication credentials were not provided.' });
  });

  it('refuses a revoked token on the next request', async () => {
    const { token: other } = (await (await call('POST', '/users', {}, { username: 'bob' })).json()) as { token: string };
    expect((await call('POST', '/logout', { Authorization: `Token ${other}` })).status).toBe(204);
    const response = await call('GET', '/private', { Authorization: `Token ${other}` });
    expect(response.status).toBe(401);
    expect(await response.json()).toEqual({ detail: 'Invalid token.' });
  });
});
