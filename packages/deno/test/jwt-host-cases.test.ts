/**
 * The JWT rows of the cross-host table under `deno test`, over real HTTP: `Deno.serve`
 * through `withLatchkey` answers simplejwt's statuses, challenges and bodies exactly as Node does.
 */
import { checkHostCase } from '@latchkey/core/testing';
import { createJwtHostFixture, jwtHostCases } from '@latchkey/jwt/testing';
import { withLatchkey } from '../src/index.ts';

const fixture = await createJwtHostFixture();
const routes = new Map(
  fixture.routes.map((route) => [route.path, withLatchkey((_request, identity) => fixture.respond(identity), route.latchkey)]),
);

for (const testCase of jwtHostCases(fixture.tokens)) {
  Deno.test(`JWT cross-host table on Deno.serve: ${testCase.name}`, async () => {
    const server = Deno.serve({ hostname: '127.0.0.1', port: 0, onListen: () => {} }, (request, info) => {
      const route = routes.get(new URL(request.url).pathname);
      return route ? route(request, info) : new Response('Not found', { status: 404 });
    });
    try {
      const response = await fetch(`http://127.0.0.1:${server.addr.port}${testCase.path}`, { method: testCase.method, headers: testCase.headers });
      await checkHostCase(testCase, response);
    } finally {
      await server.shutdown();
    }
  });
}
