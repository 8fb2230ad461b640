/**
 * The demo app on Bun, apart from the code that opens the database and listens: `/` is
 * public, `/api/*` needs a token, and core's token endpoints answer under `/auth/`
 * (`POST /auth/token` and others).
 */
import {
  allowAny,
  type AuthUser,
  createAuthEndpoints,
  createLatchkey,
  type PasswordHasher,
  type ThrottleStore,
  type TokenService,
  tokenAuth,
  type UserStore,
} from '@latchkey/core';
import { hostContext, protectRoutes } from '@latchkey/bun';

/** The demo login. Well known on purpose: the server listens on loopback only by default. */
export const DEMO_USERNAME = 'demo';
export const DEMO_PASSWORD = 'correct-horse-battery-staple';

/** What the app is built from. */
export interface AppOptions<U extends AuthUser> {
  readonly users: UserStore<U>;
  readonly tokens: TokenService;
  readonly passwords: PasswordHasher;
  /** Where the login throttle counts. Default: this process's memory. */
  readonly throttles?: ThrottleStore;
}

const notFound = () => Response.json({ detail: 'Not found.' }, { status: 404 });

/** Builds the app's `Bun.serve` routes. */
export function createRoutes<U extends AuthUser>({ users, tokens, passwords, throttles }: AppOptions<U>) {
  const latchkey = createLatchkey<U>({ authenticators: [tokenAuth({ tokens, users })] });
  // Tokens only in this demo: no session cookies.
  const endpoints = createAuthEndpoints({ tokens, users, passwords, session: false, ...(throttles && { throttle: { store: throttles } }) });
  return {
    // The endpoints authenticate their own routes (POST /auth/token is open to anyone).
    [`${endpoints.prefix}/*`]: async (request: Request, server: Bun.Server<undefined>) =>
      (await endpoints.handle(request, hostContext(request, server))) ?? notFound(),
    ...protectRoutes(
      {
        '/': { GET: (_request, { user }) => Response.json({ hello: user?.username ?? 'anonymous' }), latchkey: { permissions: [allowAny] } },
        '/api/me': { GET: (_request, { user, scheme }) => Response.json({ id: user?.id, username: user?.username, scheme }) },
        '/api/notes/:id': { GET: (request, { user }) => Response.json({ id: request.params.id, owner: user?.username }) },
      },
      latchkey,
    ),
  };
}
