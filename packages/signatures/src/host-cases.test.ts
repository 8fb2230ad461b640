// The signed-request table on Node, over real HTTP: @hono/node-server serving the fixture
// through core's `protect`, with Node's own fetch as the client.
import { serve, type ServerType } from '@hono/node-server';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { createSignatureFixture, runSignatureCase, signatureCases } from './testing.ts';

describe('the signed-request table on Node (@hono/node-server)', () => {
  let server: ServerType;
  let origin = '';
  beforeAll(async () => {
    const fixture = await createSignatureFixture();
    const handler = fixture.latchkey.protect((request, context) => fixture.respond(request, context));
    await new Promise<void>((resolve) => {
      server = serve({ fetch: (request) => handler(request), hostname: '127.0.0.1', port: 0 }, () => resolve());
    });
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  for (const testCase of signatureCases()) {
    it(testCase.name, () => runSignatureCase(testCase, origin, (request) => fetch(request)));
  }
});
