import type { Miniflare } from 'miniflare';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWorker } from './start-worker.ts';

// A million iterations in JavaScript: 1-3 s on a quiet machine, more on a busy one.
const SLOW = { timeout: 60_000 };

describe('a Django password hash of 1,000,000 iterations, in workerd', () => {
  let mf: Miniflare;
  const me = (password: string) =>
    mf.dispatchFetch('http://worker.test/me', { headers: { Authorization: `Basic ${btoa(`django:${password}`)}` } });

  beforeAll(async () => {
    mf = await startWorker(new URL('./workers/django-passwords.ts', import.meta.url));
  });
  afterAll(() => mf?.dispose());

  it('refuses a wrong password', SLOW, async () => {
    expect((await me('wrong')).status).toBe(401);
  });

  it('logs in with the right one, and the stored hash is then today\'s 100,000 iterations', SLOW, async () => {
    const response = await me('django password');
    expect(response.status).toBe(200);
    const { hash } = (await response.json()) as { hash: string };
    expect(hash).toMatch(/^pbkdf2_sha256\$100000\$/);
    expect((await me('django password')).status).toBe(200);
  });
});
