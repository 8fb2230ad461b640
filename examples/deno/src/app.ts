/**
 * The demo app on Deno, apart from the code that listens: `/` is public, `/api/me` needs a
 * token, and core's token endpoints answer under `/auth/` (`POST /auth/token` and others).
 */
import {
  allowAny,
  createAuthEndpoints,
  createLatchkey,
  type MemoryUser,
  type MemoryUserStore,
  type PasswordHasher,
  type TokenService,
  tokenAuth,
} from '@latchkey/core';
import { hostContext, type ServeHandlerInfo, withLatchkey } from '@latchkey/deno';

/** The demo login. Well known on purpose: the server listens on loopback only by default. */
export const DEMO_USERNAME = 'demo';
export const DEMO_PASSWORD = 'correct-horse-battery-staple';

/** What the app is built from. */
export interface AppOptions {
  readonly users: MemoryUserStore;
  readonly tokens: TokenService;
  readonly passwords: PasswordHasher;
}

/** Builds the app's `Deno.serve` handler. */
export function createApp({ users, tokens, passwords }: AppOptions): (request: Request, info: ServeHandlerInfo) => Promise<Response> {
  const latchkey = createLatchkey<MemoryUser>({ authenticators: [tokenAuth({ tokens, users })] });
  // Tokens only in this demo: no session cookies.
  const endpoints = createAuthEndpoints({ tokens, users, passwords, session: false });
  const routes = new Map([
    ['/', withLatchkey((_request, { user }) => Response.json({ hello: user?.username ?? 'anonymous' }), latchkey.with({ permissions: [allowAny] }))],
    ['/api/me', withLatchkey((_request, { user, scheme }) => Response.json({ id: user?.id, username: user?.username, scheme }), latchkey)],
  ]);
  return async (request, info) => {
    const answered = await endpoints.handle(request, hostContext(info));
    if (answered) return answered;
    const route = routes.get(new URL(request.url).pathname);
    return route ? route(request, info) : Response.json({ detail: 'Not found.' }, { status: 404 });
  };
}
