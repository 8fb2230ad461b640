/**
 * A pipeline shared by every request of the isolate, with a 300 ms time limit, in front of a
 * scheme that answers `/slow` after 100 ms and never answers `/silent`: a request whose store
 * never answers must still be refused with 503 when another request, started before it,
 * finished in the meantime (and its request context with it). `/early` takes its signal
 * before it waits forever, and `/seen` (answered at once) reports what became of it.
 */
import { withLatchkey } from '@latchkey/cloudflare';
import { allowAny, type Authenticator, createLatchkey, skip } from '@latchkey/core';

// What became of the signal `/early` took before waiting forever, for `/seen` to report
// (plain data: workerd keeps one request's objects from another).
let early: { aborted: boolean; reason: string | null } | null = null;

const scheme: Authenticator = {
  name: 'test',
  authenticate(request, host) {
    const { pathname } = new URL(request.url);
    if (pathname === '/silent') return new Promise(() => {});
    if (pathname === '/early') {
      const signal = host.signal!;
      early = { aborted: signal.aborted, reason: null };
      signal.addEventListener('abort', () => {
        early = { aborted: true, reason: signal.reason instanceof Error ? signal.reason.name : String(signal.reason) };
      });
      return new Promise(() => {});
    }
    // Answered at once: no timer, no signal.
    if (pathname === '/seen') return skip();
    return new Promise((resolve) => setTimeout(() => resolve(skip()), 100));
  },
};

const pipeline = createLatchkey({ authenticators: [scheme], permissions: [allowAny], timeout: 300, onError: () => {} });

export default withLatchkey(
  {
    fetch: (request) =>
      new URL(request.url).pathname === '/seen'
        ? Response.json(early)
        : new Response('answered'),
  },
  () => pipeline,
);
