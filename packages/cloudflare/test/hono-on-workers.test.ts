// @latchkey/hono on Cloudflare Workers, in workerd: the middleware takes the client address
// from CF-Connecting-IP by default, as Cloudflare's edge sets it on every request.
import type { Miniflare } from 'miniflare';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startWorker } from './start-worker.ts';

let mf: Miniflare;
beforeAll(async () => {
  mf = await startWorker(new URL('./workers/hono-app.ts', import.meta.url));
});
afterAll(() => mf?.dispose());

it('the Hono adapter passes CF-Connecting-IP as the client address by default on Workers', async () => {
  const response = await mf.dispatchFetch('http://worker.test/', { headers: { 'CF-Connecting-IP': '203.0.113.9' } });
  expect(await response.json()).toEqual({ clientAddress: '203.0.113.9' });
});
