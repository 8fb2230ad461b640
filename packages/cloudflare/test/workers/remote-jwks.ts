/**
 * Resource-server mode inside workerd: `remoteJwtAuth` against a provider's JWKS (the test
 * serves it on loopback), with the fetched key set kept in a KV namespace so that a new
 * isolate verifies without fetching it again. Answers `{ user, scopes }` for `GET /`.
 */
import { withLatchkey } from '@latchkey/cloudflare';
import { createLatchkey, hasScopes, jsonResponse } from '@latchkey/core';
import { type JwksCacheStore, remoteJwtAuth } from '@latchkey/jwt';

interface Env {
  readonly JWKS_URL: string;
  readonly ISSUER: string;
  readonly JWKS: KVNamespace;
}

/** The JWKS cache over KV: one key, the JSON jose exported. */
const kvCache = (kv: KVNamespace): JwksCacheStore => ({
  get: async () => kv.get('jwks', 'json'),
  set: (value) => kv.put('jwks', JSON.stringify(value)),
});

export default withLatchkey<Env>(
  { fetch: (_request, _env, _ctx, auth) => jsonResponse({ user: auth.user?.id ?? null, scopes: auth.auth?.scopes ?? null }) },
  (env) =>
    createLatchkey({
      authenticators: [remoteJwtAuth({ jwksUrl: env.JWKS_URL, issuer: env.ISSUER, audience: 'https://api.test', cooldown: 0, jwksCache: kvCache(env.JWKS) })],
      permissions: [hasScopes('read')],
      onError: () => {},
    }),
);
