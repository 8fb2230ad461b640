/**
 * `@latchkey/jwt`'s resource-server mode in workerd: a test identity provider on loopback
 * (keys made with jose) publishes a JWKS; the Worker verifies its tokens, refuses unknown
 * keys, answers 503 while the provider is down, and a second Worker (another isolate) on the
 * same KV namespace verifies from the cached key set without asking the provider.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import type { Miniflare } from 'miniflare';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWorker } from './start-worker.ts';

describe('remoteJwtAuth in workerd', async () => {
  let provider: Server;
  let origin = '';
  let up = true;
  let fetches = 0;
  let mf: Miniflare;
  const { privateKey, publicKey } = await generateKeyPair('RS256', { extractable: true });
  const stranger = await generateKeyPair('RS256');

  beforeAll(async () => {
    const jwks = JSON.stringify({ keys: [{ ...(await exportJWK(publicKey)), kid: 'p1', alg: 'RS256', use: 'sig' }] });
    provider = createServer((_req, res) => {
      if (!up) return res.writeHead(503).end();
      fetches++;
      res.writeHead(200, { 'Content-Type': 'application/json' }).end(jwks);
    });
    await new Promise<void>((resolve) => provider.listen(0, '127.0.0.1', resolve));
    origin = `http://127.0.0.1:${(provider.address() as AddressInfo).port}`;
    const bindings = { JWKS_URL: `${origin}/jwks`, ISSUER: origin };
    mf = await startWorker(
      new URL('./workers/remote-jwks.ts', import.meta.url),
      { name: 'first', bindings, kvNamespaces: { JWKS: 'shared-jwks' } },
      { name: 'second', routes: ['second.test/*'], bindings, kvNamespaces: { JWKS: 'shared-jwks' } },
    );
  });
  afterAll(async () => {
    await mf?.dispose();
    await new Promise<void>((resolve) => provider.close(() => resolve()));
  });

  const sign = (key: CryptoKey, kid: string) => {
    const now = Math.floor(Date.now() / 1000);
    return new SignJWT({ iss: origin, aud: 'https://api.test', sub: 'user-42', scope: 'read', iat: now, exp: now + 300 })
      .setProtectedHeader({ alg: 'RS256', kid })
      .sign(key);
  };
  const call = async (host: string, token: string) => {
    const response = await mf.dispatchFetch(`http://${host}/`, { headers: { Authorization: `Bearer ${token}` } });
    return { status: response.status, body: await response.json() };
  };

  it('verifies a provider token, and refuses one signed by an unknown key', async () => {
    expect(await call('first.test', await sign(privateKey, 'p1'))).toEqual({ status: 200, body: { user: 'user-42', scopes: ['read'] } });
    expect((await call('first.test', await sign(stranger.privateKey, 'p9'))).status).toBe(401);
  });

  it('with the provider down: a fresh isolate verifies from the KV cache; an unknown kid is 503, never 200', async () => {
    up = false;
    const before = fetches;
    expect(await call('second.test', await sign(privateKey, 'p1'))).toEqual({ status: 200, body: { user: 'user-42', scopes: ['read'] } });
    expect(fetches).toBe(before);
    // An unknown kid makes it refetch (cool-down 0), and the provider cannot answer.
    expect(await call('second.test', await sign(stranger.privateKey, 'p9'))).toEqual({
      status: 503,
      body: { detail: 'Service temporarily unavailable, try again later.' },
    });
    up = true;
  });
});
