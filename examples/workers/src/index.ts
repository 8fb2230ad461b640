/**
 * Latchkey on Cloudflare Workers, with users and tokens in D1.
 *
 * - `GET /` is public (it greets you by name when you send a token);
 * - `GET /api/me` needs a token;
 * - `POST /auth/token` obtains one from `{"username", "password"}`, and the rest of core's
 *   token endpoints live beside it (`/auth/logout`, `/auth/tokens`, …).
 *
 * The first request of each isolate applies the schema to D1 (`migrateD1`: nothing to do
 * once it is there) and, when the `DEMO_PASSWORD` secret is set, creates the user `demo`.
 */
import { withLatchkey } from '@latchkey/cloudflare';
import {
  allowAny,
  type AuthEndpoints,
  createAuthEndpoints,
  createLatchkey,
  createPasswordHasher,
  createTokenService,
  jsonResponse,
  type PasswordHasher,
  tokenAuth,
  type UserStore,
} from '@latchkey/core';
import type { DrizzleUser } from '@latchkey/drizzle';
import { d1Stores, migrateD1 } from '@latchkey/drizzle/d1';

/** The Worker's bindings (wrangler.toml) and secrets (`wrangler secret put`). */
export interface Env {
  /** The D1 database holding `latchkey_users` and `latchkey_tokens`. */
  readonly DB: D1Database;
  /** Optional, 32 bytes or more: token digests become HMACs under it. Changing it revokes every token. */
  readonly TOKEN_SECRET?: string;
  /** Optional: the password of a user `demo`, created on first request. Leave unset in production. */
  readonly DEMO_PASSWORD?: string;
}

// Not exported: workerd takes every export of the main module for an entrypoint.
const DEMO_USERNAME = 'demo';

/** Lifetime of an obtained token: ten hours, knox's default. */
const TOKEN_TTL_MS = 10 * 60 * 60 * 1000;

// Built by the setup below, which withLatchkey runs (once per isolate) before any request
// reaches `fetch`.
let endpoints: AuthEndpoints;

async function ensureDemoUser(users: UserStore<DrizzleUser>, passwords: PasswordHasher, password: string): Promise<void> {
  // Looked up first, so a new isolate costs no password hash once the user exists.
  if (await users.findByUsername(DEMO_USERNAME)) return;
  await users.createUser({ username: DEMO_USERNAME, passwordHash: await passwords.hash(password) });
}

export default withLatchkey(
  {
    async fetch(request, _env, _ctx, auth) {
      const { pathname } = new URL(request.url);
      if (pathname === '/') {
        return jsonResponse({
          hello: auth.user?.username ?? 'anonymous',
          routes: {
            'POST /auth/token': 'obtain a token: {"username", "password"}',
            'GET /api/me': 'who you are (needs a token)',
          },
        });
      }
      if (pathname === '/api/me' && auth.user) {
        const { id, username, isStaff, createdAt } = auth.user;
        return jsonResponse({ id, username, isStaff, joined: new Date(createdAt).toISOString() });
      }
      return (await endpoints.handle(request, auth.host)) ?? jsonResponse({ detail: 'Not found.' }, 404);
    },
  },
  async (env: Env) => {
    await migrateD1(env.DB);
    const { tokens: store, users, throttles } = d1Stores(env.DB);
    const passwords = createPasswordHasher();
    if (env.DEMO_PASSWORD) await ensureDemoUser(users, passwords, env.DEMO_PASSWORD);
    const tokens = createTokenService({ store, secret: env.TOKEN_SECRET || null, ttl: TOKEN_TTL_MS, cache: true });
    // The login throttle counts in D1, so every isolate counts against one limit.
    endpoints = createAuthEndpoints({ tokens, users, passwords, session: false, throttle: { store: throttles } });

    const api = createLatchkey({ authenticators: [tokenAuth({ tokens, users })] });
    const open = api.with({ permissions: [allowAny] });
    // The token endpoints check credentials themselves (login takes a password, logout a token).
    const unguarded = createLatchkey<DrizzleUser>({ permissions: [allowAny] });
    return (request: Request) => {
      const { pathname } = new URL(request.url);
      if (pathname.startsWith('/api/')) return api;
      return pathname.startsWith(`${endpoints.prefix}/`) ? unguarded : open;
    };
  },
);
