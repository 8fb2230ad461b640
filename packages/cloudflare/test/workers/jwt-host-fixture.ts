/**
 * The JWT cross-host fixture as a Worker: each fixture route is a pipeline, picked by path
 * through `withLatchkey`'s router; the handler echoes the identity it receives.
 */
import { withLatchkey } from '@latchkey/cloudflare';
import type { MemoryUser } from '@latchkey/core';
import { createJwtHostFixture, type JwtHostFixture } from '@latchkey/jwt/testing';

let respond: JwtHostFixture['respond'];

export default withLatchkey<unknown, MemoryUser>(
  { fetch: (_request, _env, _ctx, auth) => respond(auth) },
  async () => {
    const fixture = await createJwtHostFixture();
    respond = fixture.respond;
    const routes = new Map(fixture.routes.map((route) => [route.path, route.latchkey]));
    const fallback = routes.get('/jwt')!;
    return (request) => routes.get(new URL(request.url).pathname) ?? fallback;
  },
);
