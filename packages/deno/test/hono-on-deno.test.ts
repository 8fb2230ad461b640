/**
 * `@latchkey/hono` on Deno: a Hono app served by `Deno.serve` hands the peer address to the
 * pipeline without any option (Hono receives the handler info as `c.env`).
 */
import assert from 'node:assert/strict';
import { type Authenticator, skip } from '@latchkey/core';
import { latchkey } from '@latchkey/hono';
import { Hono } from 'hono';

Deno.test("the Hono adapter passes Deno's peer address by default", async () => {
  const seen: Array<string | null | undefined> = [];
  const recorder: Authenticator = {
    name: 'recorder',
    authenticate: (_request, host) => {
      seen.push(host.clientAddress);
      return skip();
    },
  };
  const app = new Hono().get('/', latchkey({ authenticators: [recorder], permissions: [] }), (c) => c.text('ok'));
  const server = Deno.serve({ hostname: '127.0.0.1', port: 0, onListen: () => {} }, app.fetch);
  try {
    const response = await fetch(`http://127.0.0.1:${server.addr.port}/`);
    assert.equal(await response.text(), 'ok');
    assert.deepEqual(seen, ['127.0.0.1']);
  } finally {
    await server.shutdown();
  }
});
