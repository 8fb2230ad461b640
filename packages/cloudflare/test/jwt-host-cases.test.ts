import { checkHostCase } from '@latchkey/core/testing';
import { createJwtHostFixture, jwtHostCases } from '@latchkey/jwt/testing';
import type { Miniflare } from 'miniflare';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { startWorker } from './start-worker.ts';

// Deterministic keys, clock and randomness: the fixture built here holds the same tokens as the one inside workerd.
describe('the JWT cross-host case table, in workerd through withLatchkey', async () => {
  const fixture = await createJwtHostFixture();
  let mf: Miniflare;
  beforeAll(async () => {
    mf = await startWorker(new URL('./workers/jwt-host-fixture.ts', import.meta.url));
  });
  afterAll(() => mf?.dispose());

  for (const testCase of jwtHostCases(fixture.tokens)) {
    it(testCase.name, async () => {
      const response = await mf.dispatchFetch(`http://host.test${testCase.path}`, { method: testCase.method, headers: testCase.headers });
      await checkHostCase(testCase, response as unknown as Response);
    });
  }
});
