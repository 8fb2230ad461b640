/**
 * A pipeline shared by every request of the isolate, with a 300 ms time limit, in front of a
 * scheme that answers `/slow` after 100 ms and never answers `/silent`: a request whose store
 * never answers must still be refused with 503 when another request, started before it,
 * finished in the meantime (and its request context with it).
 */
import { withLatchkey } from '@latchkey/cloudflare';
import { allowAny, type Authenticator, createLatchkey, skip } from '@latchkey/core';

const scheme: Authenticator = {
  name: 'test',
  authenticate(request) {
    const { pathname } = new URL(request.url);
    if (pathname === '/silent') return new Promise(() => {});
    return new Promise((resolve) => setTimeout(() => resolve(skip()), 100));
  },
};

const pipeline = createLatchkey({ authenticators: [scheme], permissions: [allowAny], timeout: 300, onError: () => {} });

export default withLatchkey({ fetch: () => new Response('answered') }, () => pipeline);
