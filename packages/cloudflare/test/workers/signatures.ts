/**
 * The signed-request fixture (`@latchkey/signatures`) as a Worker: Hawk and RFC 9421 through
 * `withLatchkey`, workerd's Web Crypto verifying; the handler echoes who called.
 */
import { withLatchkey } from '@latchkey/cloudflare';
import type { MemoryUser } from '@latchkey/core';
import { createSignatureFixture, type SignatureFixture } from '@latchkey/signatures/testing';

let fixture: SignatureFixture;

export default withLatchkey<unknown, MemoryUser>(
  { fetch: (request, _env, _ctx, auth) => fixture.respond(request, auth) },
  async () => {
    fixture = await createSignatureFixture();
    return fixture.latchkey;
  },
);
