/**
 * The signed-request table (`@latchkey/signatures`) under `bun test`, over real HTTP:
 * Hawk and RFC 9421 through `withLatchkey` on `Bun.serve`, Bun's Web Crypto on both sides.
 */
import { afterAll, test } from 'bun:test';
import { createSignatureFixture, runSignatureCase, signatureCases } from '@latchkey/signatures/testing';
import { withLatchkey } from '../src/index.ts';

const fixture = await createSignatureFixture();
const server = Bun.serve({
  hostname: '127.0.0.1',
  port: 0,
  fetch: withLatchkey((request, identity) => fixture.respond(request, identity), fixture.latchkey),
});
afterAll(() => server.stop(true));
const origin = `http://127.0.0.1:${server.port}`;

for (const testCase of signatureCases()) {
  test(`signed requests on Bun.serve: ${testCase.name}`, () => runSignatureCase(testCase, origin, (request) => fetch(request)));
}
