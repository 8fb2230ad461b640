/**
 * The JWT rows of the cross-host table under `bun test`, over real HTTP: `Bun.serve` through
 * `withLatchkey` answers simplejwt's statuses, challenges and bodies exactly as Node does.
 */
import { afterAll, describe, test } from 'bun:test';
import { checkHostCase } from '@latchkey/core/testing';
import { createJwtHostFixture, jwtHostCases } from '@latchkey/jwt/testing';
import { withLatchkey } from '../src/index.ts';

const fixture = await createJwtHostFixture();
const handlers = new Map(
  fixture.routes.map((route) => [route.path, withLatchkey((_request, identity) => fixture.respond(identity), route.latchkey)]),
);
const server = Bun.serve({
  hostname: '127.0.0.1',
  port: 0,
  fetch: (request, server) => handlers.get(new URL(request.url).pathname)?.(request, server) ?? new Response(null, { status: 404 }),
});
afterAll(() => server.stop(true));

describe('JWT cross-host table on Bun.serve', () => {
  for (const testCase of jwtHostCases(fixture.tokens)) {
    test(testCase.name, async () => {
      const response = await fetch(`http://127.0.0.1:${server.port}${testCase.path}`, { method: testCase.method, headers: testCase.headers });
      await checkHostCase(testCase, response);
    });
  }
});
