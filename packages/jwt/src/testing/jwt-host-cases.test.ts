import { checkHostCase } from '@latchkey/core/testing';
import { describe, it } from 'vitest';
import { createJwtHostFixture, jwtHostCases } from './index.ts';

// The reference run: the fixture's pipelines called directly, no host in between.
describe('the JWT cross-host case table, run on Node alone', async () => {
  const fixture = await createJwtHostFixture();
  for (const testCase of jwtHostCases(fixture.tokens)) {
    it(testCase.name, async () => {
      const route = fixture.routes.find((r) => r.path === testCase.path)!;
      const handler = route.latchkey.protect((_request, context) => fixture.respond(context));
      const response = await handler(new Request(`http://host.test${testCase.path}`, { method: testCase.method, headers: testCase.headers }));
      await checkHostCase(testCase, response);
    });
  }
});
