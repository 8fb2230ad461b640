/**
 * The demo app, apart from the code that opens the database and listens, so tests can
 * build it over any stores and call it without a socket.
 */
import {
  allowAny,
  type AuthUser,
  basicAuth,
  createLatchkey,
  createPasswordHasher,
  createTokenService,
  isAdminUser,
  type PasswordHasher,
  type TokenStore,
  tokenAuth,
  type UserStore,
} from '@latchkey/core';
import { authEndpoints, latchkey } from '@latchkey/hono';
import { type Context, Hono } from 'hono';
import { type DemoAccountOptions, demoAccountEndpoints } from './account.ts';

/** What the app is built from. */
export interface AppOptions<U extends AuthUser> {
  /** Where tokens live. Required. */
  readonly tokens: TokenStore;
  /** Where users live. Required. */
  readonly users: UserStore<U>;
  /** Hashes and checks passwords. Default `createPasswordHasher()` (PBKDF2, 100,000 iterations). */
  readonly passwords?: PasswordHasher;
  /** The client's address, for the logs and throttles of a real app. Default: unknown. */
  readonly clientAddress?: (c: Context) => string | null | undefined;
  /** Registration with activation, password change and reset, email change. Default off. */
  readonly account?: DemoAccountOptions;
}

/** Lifetime of a token obtained from the demo: ten hours, knox's default. */
export const TOKEN_TTL_MS = 10 * 60 * 60 * 1000;

/** Builds the demo's Hono app: `/` public, `/api/me` and `/api/admin` protected, `/auth/*` the token endpoints. */
export function createApp<U extends AuthUser>(options: AppOptions<U>) {
  const { users, clientAddress } = options;
  const passwords = options.passwords ?? createPasswordHasher();
  // The verified-token cache: a repeat request costs one hash, and revocations by another
  // process sharing the database are seen within a second (packages/core/README.md).
  const tokens = createTokenService({ store: options.tokens, ttl: TOKEN_TTL_MS, cache: true });
  // Token first: its challenge is what a 401 answers with. Basic is there for curl -u.
  const base = createLatchkey<U>({ authenticators: [tokenAuth({ tokens, users }), basicAuth({ users, passwords })] });
  const hostOptions = { clientAddress };

  return new Hono()
    // POST /auth/token, /auth/logout, GET /auth/me…; every other path goes on to the routes below.
    .use(authEndpoints({ tokens, users, passwords, ...(options.account && demoAccountEndpoints(options.account)) }, hostOptions))
    .get('/', latchkey(base.with({ permissions: [allowAny] }), hostOptions), (c) =>
      c.json({
        hello: c.var.user?.username ?? 'anonymous',
        routes: {
          'POST /auth/token': 'obtain a token: {"username", "password"}',
          'GET /api/me': 'who you are (needs a token)',
          'GET /api/admin': 'staff only',
        },
      }),
    )
    .get('/api/me', latchkey(base, hostOptions), (c) =>
      c.json({
        id: c.var.user?.id,
        username: c.var.user?.username,
        isStaff: c.var.user?.isStaff,
        scheme: c.var.scheme,
        token: c.var.auth && { id: c.var.auth.id, scopes: c.var.auth.scopes, expiresAt: c.var.auth.expiresAt },
      }),
    )
    .get('/api/admin', latchkey(base.with({ permissions: [isAdminUser] }), hostOptions), (c) =>
      c.json({ message: `Welcome, staff member ${c.var.user?.username}.` }),
    );
}
