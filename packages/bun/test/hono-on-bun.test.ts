/**
 * `@latchkey/hono` on Bun: a Hono app served by `Bun.serve` hands the socket's peer address
 * to the pipeline without any option (Hono receives the server as `c.env`).
 */
import { expect, test } from 'bun:test';
import { type Authenticator, skip } from '@latchkey/core';
import { latchkey } from '@latchkey/hono';
import { Hono } from 'hono';

test("the Hono adapter passes Bun's peer address by default", async () => {
  const seen: Array<string | null | undefined> = [];
  const recorder: Authenticator = {
    name: 'recorder',
    authenticate: (_request, host) => {
      seen.push(host.clientAddress);
      return skip();
    },
  };
  const app = new Hono().get('/', latchkey({ authenticators: [recorder], permissions: [] }), (c) => c.text('ok'));
  const server = Bun.serve({ hostname: '127.0.0.1', port: 0, fetch: app.fetch });
  try {
    expect((await fetch(`http://127.0.0.1:${server.port}/`)).status).toBe(200);
    expect(seen).toEqual(['127.0.0.1']);
  } finally {
    await server.stop(true);
  }
});
