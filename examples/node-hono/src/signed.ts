/**
 * `GET` and `POST /api/signed`: signed requests, Hawk or RFC 9421 HTTP Message Signatures,
 * with keys from `latchkey createkey`. One replay store serves both schemes (their nonces
 * are kept apart).
 */
import type { AuthUser, UserStore } from '@latchkey/core';
import { type HonoLatchkeyOptions, latchkey } from '@latchkey/hono';
import { hawkAuth, httpSignatureAuth, MemoryReplayStore, type ReplayStore, type SigningKeyStore } from '@latchkey/signatures';
import { Hono } from 'hono';

/** What the signed routes need. */
export interface SignedRoutesOptions<U extends AuthUser> {
  readonly keys: SigningKeyStore;
  readonly users: UserStore<U>;
  /** Nonces seen. Default a `MemoryReplayStore`: right for one process only. */
  readonly replay?: ReplayStore;
}

/** The routes, to mount with `app.route('/', signedRoutes(…))`. */
export function signedRoutes<U extends AuthUser>(options: SignedRoutesOptions<U>, hostOptions: HonoLatchkeyOptions = {}) {
  const replay = options.replay ?? new MemoryReplayStore();
  const hawk = hawkAuth({ ...options, replay });
  // Hawk first: a 401 then carries `WWW-Authenticate: Hawk` (RFC 9421 defines no challenge).
  const signed = latchkey({ authenticators: [hawk, httpSignatureAuth({ ...options, replay })] }, hostOptions);
  return new Hono().on(['GET', 'POST'], '/api/signed', signed, async (c) => {
    const body = c.req.method === 'POST' ? await c.req.text() : null;
    const answer = c.json({ user: c.var.user?.username, scheme: c.var.scheme, key: c.var.auth?.id, body });
    // Hawk's response authentication: the client can check the answer came from the key holder.
    return hawk.serverAuthorization(c.var.auth, answer);
  });
}
