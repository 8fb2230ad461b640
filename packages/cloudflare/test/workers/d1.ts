/**
 * A Worker on a real D1 binding: the schema is migrated by the setup (once per isolate),
 * tokens and users live in D1 through `@latchkey/drizzle/d1`, verified tokens are cached.
 *
 * - `POST /users` (public) `{ username }` creates a user and a token: `{ token }`;
 * - `GET /private` needs a token and answers the user's name and creation time;
 * - `POST /logout` needs a token and revokes it.
 */
import { withLatchkey } from '@latchkey/cloudflare';
import { allowAny, createLatchkey, createTokenService, jsonResponse, type TokenService, tokenAuth } from '@latchkey/core';
import { d1Stores, migrateD1 } from '@latchkey/drizzle/d1';

interface Env {
  readonly DB: D1Database;
}

// Set by the setup, which withLatchkey runs before any request reaches `fetch`.
let tokens: TokenService;

export default withLatchkey(
  {
    async fetch(request, env, _ctx, auth) {
      const path = new URL(request.url).pathname;
      if (path === '/users') {
        const { username } = (await request.json()) as { username: string };
        const user = await d1Stores(env.DB).users.createUser({ username, passwordHash: null });
        const created = user && (await tokens.create(user.id, { name: 'test' }));
        return created?.ok ? jsonResponse({ token: created.token }, 201) : jsonResponse({ detail: 'taken' }, 409);
      }
      if (path === '/logout') {
        await tokens.revoke(auth.auth!.id);
        return new Response(null, { status: 204 });
      }
      // `auth.user` is the D1 store's user type, inferred from the pipeline: no casts.
      return jsonResponse({ user: auth.user?.username ?? null, createdAt: auth.user?.createdAt ?? null });
    },
  },
  async (env: Env) => {
    await migrateD1(env.DB);
    const stores = d1Stores(env.DB);
    // The verified-token cache on, as the examples run it: the D1 store has the revocation feed.
    tokens = createTokenService({ store: stores.tokens, cache: true });
    const api = createLatchkey({ authenticators: [tokenAuth({ tokens, users: stores.users })] });
    const open = api.with({ permissions: [allowAny] });
    return (request: Request) => (new URL(request.url).pathname === '/users' ? open : api);
  },
);
