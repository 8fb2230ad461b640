// A Hono app on Workers with @latchkey/hono and no clientAddress option: it answers with the
// client address the middleware handed the pipeline.
import { type Authenticator, skip } from '@latchkey/core';
import { latchkey } from '@latchkey/hono';
import { Hono } from 'hono';

let seen: string | null | undefined;
const recorder: Authenticator = {
  name: 'recorder',
  authenticate: (_request, host) => {
    seen = host.clientAddress;
    return skip();
  },
};

export default new Hono().get('/', latchkey({ authenticators: [recorder], permissions: [] }), (c) =>
  c.json({ clientAddress: seen ?? null }),
);
