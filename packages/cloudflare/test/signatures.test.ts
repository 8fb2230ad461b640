import { runSignatureCase, signatureCases } from '@latchkey/signatures/testing';
import type { Miniflare } from 'miniflare';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { startWorker } from './start-worker.ts';

// Requests are signed here, in Node, and verified in workerd: the keys are the fixture's fixed ones.
describe('the signed-request table, in workerd through withLatchkey', () => {
  let mf: Miniflare;
  beforeAll(async () => {
    mf = await startWorker(new URL('./workers/signatures.ts', import.meta.url));
  });
  afterAll(() => mf?.dispose());

  const send = async (request: Request) => {
    const body = request.body === null ? undefined : await request.text();
    return (await mf.dispatchFetch(request.url, { method: request.method, headers: [...request.headers], body })) as unknown as Response;
  };
  for (const testCase of signatureCases()) {
    it(testCase.name, () => runSignatureCase(testCase, 'http://host.test', send));
  }
});
