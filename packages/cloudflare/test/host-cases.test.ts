import { checkHostCase, createHostFixture, hostCases } from '@latchkey/core/testing';
import type { Miniflare } from 'miniflare';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { startWorker } from './start-worker.ts';

// Seeded randomness: the fixture built here holds the same tokens as the one inside workerd.
describe('the cross-host case table, in workerd through withLatchkey', async () => {
  const fixture = await createHostFixture();
  let mf: Miniflare;
  beforeAll(async () => {
    mf = await startWorker(new URL('./workers/host-fixture.ts', import.meta.url));
  });
  afterAll(() => mf?.dispose());

  for (const testCase of hostCases(fixture.tokens)) {
    it(testCase.name, async () => {
      const response = await mf.dispatchFetch(`http://host.test${testCase.path}`, {
        method: testCase.method,
        headers: testCase.headers,
      });
      await checkHostCase(testCase, response as unknown as Response);
    });
  }
});
