import { createHmac } from 'node:crypto';
import type { Miniflare } from 'miniflare';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWorker } from './start-worker.ts';

const TOKEN_SECRET = 'a-secret-binding-of-at-least-32-bytes';

describe('withLatchkey, in workerd', () => {
  let mf: Miniflare;
  const get = (path: string, init?: RequestInit) => mf.dispatchFetch(`http://worker.test${path}`, init as never);
  const stats = async () => (await (await get('/stats')).json()) as { setups: number; runs: Record<string, number>; scheduled: number };

  beforeAll(async () => {
    mf = await startWorker(
      new URL('./workers/env-options.ts', import.meta.url),
      { name: 'main', bindings: { TOKEN_SECRET } },
      { name: 'flaky', routes: ['flaky.test/*'], bindings: { TOKEN_SECRET, FAIL_FIRST_SETUP: 'yes' } },
    );
  });
  afterAll(() => mf?.dispose());

  it('builds the options from env: the secret binding keys the token service', async () => {
    const { token, digest } = (await (await get('/issue', { method: 'POST' })).json()) as { token: string; digest: string };
    expect(digest).toBe(createHmac('sha256', TOKEN_SECRET).update(token).digest('hex'));
    const response = await get('/private', { headers: { Authorization: `Token ${token}` } });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ user: 'alice' });
  });

  it('answers a refusal exactly as core built it, without running the handler', async () => {
    const before = (await stats()).runs['/private'] ?? 0;
    const response = await get('/private');
    expect(response.status).toBe(401);
    expect(response.headers.get('WWW-Authenticate')).toBe('Token');
    expect(await response.json()).toEqual({ detail: 'Authentication credentials were not provided.' });
    expect((await stats()).runs['/private'] ?? 0).toBe(before);
  });

  it('fails closed: a store that throws answers 503 and the handler does not run', async () => {
    const { token } = (await (await get('/issue', { method: 'POST' })).json()) as { token: string };
    const response = await get('/broken', { headers: { Authorization: `Token ${token}` } });
    expect(response.status).toBe(503);
    expect(await response.json()).toEqual({ detail: 'Service temporarily unavailable, try again later.' });
    expect((await stats()).runs['/broken']).toBeUndefined();
  });

  it('gives the handler the client address from CF-Connecting-IP', async () => {
    const response = await get('/whoami', { headers: { 'CF-Connecting-IP': '203.0.113.7' } });
    expect(await response.json()).toEqual({ clientAddress: '203.0.113.7' });
  });

  it('fails closed when the router throws: 503, the handler does not run', async () => {
    const response = await get('/router-throws');
    expect(response.status).toBe(503);
    expect(await response.json()).toEqual({ detail: 'Service temporarily unavailable, try again later.' });
    expect((await stats()).runs['/router-throws']).toBeUndefined();
  });

  it('takes the client address from clientAddress when given (self-hosted workerd), not CF-Connecting-IP', async () => {
    const selfHosted = await startWorker(new URL('./workers/self-hosted.ts', import.meta.url));
    try {
      const answer = async (headers: Record<string, string>) =>
        (await (await selfHosted.dispatchFetch('http://worker.test/', { headers })).json()) as unknown;
      expect(await answer({ 'CF-Connecting-IP': '203.0.113.7' })).toEqual({ clientAddress: null });
      expect(await answer({ 'CF-Connecting-IP': '203.0.113.7', 'X-Real-IP': '198.51.100.2' })).toEqual({ clientAddress: '198.51.100.2' });
    } finally {
      await selfHosted.dispose();
    }
  });

  it('builds the pipeline once per isolate, not per request', async () => {
    await Promise.all([get('/whoami'), get('/private'), get('/whoami')]);
    expect((await stats()).setups).toBe(1);
  });

  it('passes non-fetch handlers through unchanged', async () => {
    const worker = await mf.getWorker('main');
    const result = await worker.scheduled({ cron: '*/5 * * * *' });
    expect(result.outcome).toBe('ok');
    expect((await stats()).scheduled).toBe(1);
  });

  it('does not cache a failed setup: that request gets 503, the next one sets up again', async () => {
    const failed = await mf.dispatchFetch('http://flaky.test/whoami');
    expect(failed.status).toBe(503);
    expect(await failed.json()).toEqual({ detail: 'Service temporarily unavailable, try again later.' });
    const retried = await mf.dispatchFetch('http://flaky.test/stats');
    expect(retried.status).toBe(200);
    expect(await retried.json()).toMatchObject({ setups: 2 });
  });
});
