/**
 * The signed-request table (`@latchkey/signatures`) under `deno test`, over real HTTP:
 * Hawk and RFC 9421 through `withLatchkey` on `Deno.serve`, Deno's Web Crypto on both sides.
 */
import { createSignatureFixture, runSignatureCase, signatureCases } from '@latchkey/signatures/testing';
import { withLatchkey } from '../src/index.ts';

const fixture = await createSignatureFixture();
const handler = withLatchkey((request, identity) => fixture.respond(request, identity), fixture.latchkey);

for (const testCase of signatureCases()) {
  Deno.test(`signed requests on Deno.serve: ${testCase.name}`, async () => {
    const server = Deno.serve({ hostname: '127.0.0.1', port: 0, onListen: () => {} }, handler);
    try {
      await runSignatureCase(testCase, `http://127.0.0.1:${server.addr.port}`, (request) => fetch(request));
    } finally {
      await server.shutdown();
    }
  });
}
