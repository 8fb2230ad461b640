import type { Miniflare } from 'miniflare';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWorker } from './start-worker.ts';

describe('time limits in workerd, where each request has its own context', () => {
  let mf: Miniflare;
  beforeAll(async () => {
    mf = await startWorker(new URL('./workers/time-limit.ts', import.meta.url));
  });
  afterAll(() => mf?.dispose());

  it('refuses a request whose store never answers with 503, though an earlier request has finished', async () => {
    const slow = mf.dispatchFetch('http://host.test/slow');
    await new Promise((resolve) => setTimeout(resolve, 20));
    const silent = mf.dispatchFetch('http://host.test/silent');
    expect(await (await slow).text()).toBe('answered');
    const refused = await silent;
    expect(refused.status).toBe(503);
    expect(await refused.json()).toEqual({ detail: expect.any(String) });
  });

  it('aborts a signal taken before the work waited, at the limit; answers work that waits for nothing at once', async () => {
    expect((await mf.dispatchFetch('http://host.test/early')).status).toBe(503);
    expect(await (await mf.dispatchFetch('http://host.test/seen')).json()).toEqual({ aborted: true, reason: 'TimeLimitExceeded' });
  });
});
