/**
 * A Worker whose pipeline is built from its env: the token service is keyed with the
 * `TOKEN_SECRET` binding. It counts what ran, so the tests can see what did not:
 *
 * - `POST /issue` (public) issues a token for alice: `{ token, digest }`;
 * - `GET /private` needs a token; `GET /broken` uses a token store that always throws;
 * - `GET /whoami` (public) echoes the client address the handler was given;
 * - `GET /router-throws`: the router itself throws;
 * - `GET /stats` (public) reports setups, handler runs by path and scheduled runs.
 *
 * With the `FAIL_FIRST_SETUP` binding, the first setup throws.
 */
import { withLatchkey } from '@latchkey/cloudflare';
import {
  allowAny,
  createLatchkey,
  createTokenService,
  jsonResponse,
  MemoryTokenStore,
  type MemoryUser,
  MemoryUserStore,
  type TokenService,
  type TokenStore,
  tokenAuth,
} from '@latchkey/core';

interface Env {
  readonly TOKEN_SECRET: string;
  readonly FAIL_FIRST_SETUP?: string;
}

const stats = { setups: 0, runs: {} as Record<string, number>, scheduled: 0 };
let tokens: TokenService;
let alice: MemoryUser;

const unavailable = () => Promise.reject(new Error('database is down'));
const brokenStore: TokenStore = {
  insert: unavailable,
  findByDigest: unavailable,
  touch: unavailable,
  revoke: unavailable,
  revokeForUser: unavailable,
  listForUser: unavailable,
  purgeExpired: unavailable,
};

export default withLatchkey<Env, MemoryUser>(
  {
    async fetch(request, _env, _ctx, auth) {
      const path = new URL(request.url).pathname;
      if (path === '/stats') return jsonResponse(stats);
      stats.runs[path] = (stats.runs[path] ?? 0) + 1;
      if (path === '/issue') {
        const created = await tokens.create(alice.id);
        if (!created.ok) throw new Error('token limit');
        return jsonResponse({ token: created.token, digest: created.record.digest });
      }
      if (path === '/whoami') return jsonResponse({ clientAddress: auth.host.clientAddress ?? null });
      return jsonResponse({ user: auth.user?.username ?? null });
    },
    scheduled() {
      stats.scheduled += 1;
    },
  },
  async (env) => {
    stats.setups += 1;
    if (env.FAIL_FIRST_SETUP && stats.setups === 1) throw new Error('setup failed');
    const users = new MemoryUserStore();
    alice = (await users.createUser({ username: 'alice', passwordHash: null }))!;
    tokens = createTokenService({ store: new MemoryTokenStore(), secret: env.TOKEN_SECRET });
    const api = createLatchkey<MemoryUser>({ authenticators: [tokenAuth({ tokens, users })], onError: () => {} });
    const open = api.with({ permissions: [allowAny] });
    const broken = api.with({
      authenticators: [tokenAuth({ tokens: createTokenService({ store: brokenStore }), users })],
    });
    return (request) => {
      const path = new URL(request.url).pathname;
      if (path === '/private') return api;
      if (path === '/router-throws') throw new Error('no pipeline for this path');
      return path === '/broken' ? broken : open;
    };
  },
);
