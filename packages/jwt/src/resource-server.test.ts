/**
 * Resource-server mode against a test identity provider served on loopback by this test:
 * its keys are made with jose, it publishes a JWKS and answers RFC 7662 introspection, and
 * the test can rotate its keys, take it down, and count what it was asked.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createLatchkey, hasScopes } from '@latchkey/core';
import { exportJWK, generateKeyPair, type JWK, SignJWT } from 'jose';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { introspectionAuth } from './introspection.ts';
import { type JwksCacheStore, remoteJwtAuth } from './resource-server.ts';

interface ProviderKey {
  readonly kid: string;
  readonly privateKey: CryptoKey;
  readonly publicJwk: JWK;
}

async function makeKey(kid: string): Promise<ProviderKey> {
  const { privateKey, publicKey } = await generateKeyPair('RS256', { extractable: true });
  return { kid, privateKey, publicJwk: { ...(await exportJWK(publicKey)), kid, alg: 'RS256', use: 'sig' } };
}

/** The test provider. `mode` takes it down (connection refused is simulated by a 503 and by closing). */
class Provider {
  keys: ProviderKey[] = [];
  mode: 'up' | 'error' | 'garbage' = 'up';
  jwksFetches = 0;
  introspections = 0;
  readonly active = new Map<string, Record<string, unknown>>();
  server!: Server;
  origin = '';

  async start() {
    this.server = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk) => (body += chunk));
      req.on('end', () => {
        if (this.mode === 'error') return res.writeHead(503).end('down');
        if (this.mode === 'garbage') return res.writeHead(200, { 'Content-Type': 'application/json' }).end('{not json');
        if (req.url === '/jwks') {
          this.jwksFetches++;
          return res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify({ keys: this.keys.map((k) => k.publicJwk) }));
        }
        if (req.url === '/introspect' && req.method === 'POST') {
          this.introspections++;
          // RFC 6749 §2.3.1: both halves are form-encoded before base64.
          const [id, secret] = atob((req.headers.authorization ?? '').replace(/^Basic /, '')).split(':').map((part) => decodeURIComponent(part));
          if (id !== 'api' || secret !== 'api-secret') return res.writeHead(401, { 'Content-Type': 'application/json' }).end('{"error":"invalid_client"}');
          const token = new URLSearchParams(body).get('token') ?? '';
          const answer = this.active.get(token) ?? { active: false };
          return res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify(answer));
        }
        res.writeHead(404).end();
      });
    });
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.origin = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  sign(claims: Record<string, unknown>, key = this.keys[0]!, header: Record<string, unknown> = {}) {
    const now = Math.floor(Date.now() / 1000);
    return new SignJWT({ iss: this.origin, aud: 'https://api.test', sub: 'user-42', iat: now, exp: now + 300, ...claims })
      .setProtectedHeader({ alg: 'RS256', kid: key.kid, typ: 'at+jwt', ...header })
      .sign(key.privateKey);
  }
}

const provider = new Provider();
beforeAll(async () => {
  provider.keys = [await makeKey('p1')];
  await provider.start();
});
afterAll(() => new Promise<void>((resolve) => provider.server.close(() => resolve())));
beforeEach(() => {
  provider.mode = 'up';
});

const NOT_VALID = (message: string) => ({
  detail: 'Given token not valid for any token type',
  code: 'token_not_valid',
  messages: [{ token_class: 'AccessToken', token_type: 'access', message }],
});

function pipeline(overrides: Partial<Parameters<typeof remoteJwtAuth>[0]> = {}) {
  const auth = remoteJwtAuth({ jwksUrl: `${provider.origin}/jwks`, issuer: provider.origin, audience: 'https://api.test', cooldown: 0, ...overrides });
  const latchkey = createLatchkey({ authenticators: [auth], permissions: [hasScopes('read')], onError: () => {} });
  return async (token: string) => {
    const outcome = await latchkey.run(new Request('http://api.test/', { headers: { Authorization: `Bearer ${token}` } }));
    if (outcome.ok) return { status: 200, identity: outcome.identity };
    return { status: outcome.response.status, body: await outcome.response.json(), challenge: outcome.response.headers.get('WWW-Authenticate') };
  };
}

describe('remoteJwtAuth: a provider\'s JWT access tokens, verified against its JWKS', () => {
  it('accepts a token: user from sub, scopes from scope (hasScopes passes), expiry in the grant', async () => {
    const check = pipeline();
    const token = await provider.sign({ scope: 'read write', jti: 'at-1' });
    const result = await check(token);
    expect(result.status).toBe(200);
    expect(result.identity?.user).toMatchObject({ id: 'user-42', isStaff: false });
    expect(result.identity?.auth).toMatchObject({ id: 'at-1', scopes: ['read', 'write'] });
    expect(result.identity?.scheme).toBe('oauth');
  });

  it('reads scopes from scp (a list) too', async () => {
    const result = await pipeline()(await provider.sign({ scp: ['read'] }));
    expect(result.identity?.auth?.scopes).toEqual(['read']);
  });

  it('refuses without the scope: 403 with error="insufficient_scope"', async () => {
    const result = await pipeline()(await provider.sign({ scope: 'write' }));
    expect(result).toMatchObject({ status: 403, challenge: 'Bearer realm="api", error="insufficient_scope", scope="read"' });
  });

  it('pins iss, aud and typ', async () => {
    const check = pipeline({ typ: 'at+jwt' });
    expect((await check(await provider.sign({ scope: 'read', iss: 'https://evil.test' }))).body).toEqual(NOT_VALID('Token is invalid'));
    expect((await check(await provider.sign({ scope: 'read', aud: 'https://other-api.test' }))).body).toEqual(NOT_VALID('Token is invalid'));
    expect((await check(await provider.sign({ scope: 'read' }, provider.keys[0], { typ: 'JWT' }))).body).toEqual(NOT_VALID('Token is invalid'));
    expect((await check(await provider.sign({ scope: 'read', exp: Math.floor(Date.now() / 1000) - 10 }))).body).toEqual(NOT_VALID('Token is expired'));
  });

  it('follows a key rotation at the provider: a new kid is fetched once the cool-down allows', async () => {
    const check = pipeline();
    expect((await check(await provider.sign({ scope: 'read' }))).status).toBe(200);
    const rotated = await makeKey('p2');
    provider.keys = [rotated, ...provider.keys];
    expect((await check(await provider.sign({ scope: 'read' }, rotated))).status).toBe(200);
  });

  it('an unknown kid: 401, and within the cool-down the provider is asked only once however many come', async () => {
    const check = pipeline({ cooldown: 3_600_000 });
    const before = provider.jwksFetches;
    const unknown = await makeKey('made-up');
    for (let i = 0; i < 5; i++) expect((await check(await provider.sign({ scope: 'read' }, unknown))).body).toEqual(NOT_VALID('Token is invalid'));
    expect(provider.jwksFetches - before).toBe(1);
  });

  it('alg none and HS256 signed with the provider\'s public key (algorithm confusion) are refused', async () => {
    const check = pipeline();
    const enc = (value: unknown) => btoa(JSON.stringify(value)).replace(/=+$/, '').replace(/\+/g, '-').replace(/\//g, '_');
    const claims = { iss: provider.origin, aud: 'https://api.test', sub: 'user-42', scope: 'read', exp: Math.floor(Date.now() / 1000) + 300 };
    expect((await check(`${enc({ alg: 'none', kid: 'p1' })}.${enc(claims)}.`)).body).toEqual(NOT_VALID('Token is invalid'));
    const publicBytes = new TextEncoder().encode(JSON.stringify(provider.keys.at(-1)!.publicJwk));
    const confused = await new SignJWT(claims).setProtectedHeader({ alg: 'HS256', kid: 'p1' }).sign(publicBytes);
    expect((await check(confused)).body).toEqual(NOT_VALID('Token is invalid'));
    expect(() => remoteJwtAuth({ jwksUrl: `${provider.origin}/jwks`, issuer: 'x', audience: 'y', algorithms: ['HS256' as 'RS256'] })).toThrow(RangeError);
  });

  it('a provider that is down, or answers garbage, is a 503, never a 200 or a 401', async () => {
    for (const mode of ['error', 'garbage'] as const) {
      const check = pipeline();
      provider.mode = mode;
      const result = await check(await provider.sign({ scope: 'read' }));
      expect(result).toMatchObject({ status: 503, body: { detail: 'Service temporarily unavailable, try again later.' } });
    }
    const unreachable = pipeline({ jwksUrl: 'http://127.0.0.1:1/jwks' });
    expect((await unreachable(await provider.sign({ scope: 'read' }))).status).toBe(503);
  });

  it('with a cache store, a fresh isolate verifies without fetching the JWKS', async () => {
    const saved: { value: Parameters<JwksCacheStore['set']>[0] | null } = { value: null };
    const store: JwksCacheStore = { get: async () => saved.value, set: async (value) => void (saved.value = value) };
    const token = await provider.sign({ scope: 'read' });
    expect((await pipeline({ jwksCache: store })(token)).status).toBe(200);
    expect(saved.value?.jwks.keys.map((k) => k.kid)).toEqual(provider.keys.map((k) => k.kid));
    const before = provider.jwksFetches;
    provider.mode = 'error';
    // A new authenticator is what a new isolate builds: it reads the store and never asks the provider.
    expect((await pipeline({ jwksCache: store })(token)).status).toBe(200);
    expect(provider.jwksFetches).toBe(before);
  });

  it('a malformed Bearer header: simplejwt\'s bad_authorization_header', async () => {
    const auth = remoteJwtAuth({ jwksUrl: `${provider.origin}/jwks`, issuer: provider.origin, audience: 'https://api.test' });
    const result = await auth.authenticate(new Request('http://api.test/', { headers: { Authorization: 'Bearer' } }), {});
    expect(result.outcome === 'fail' && result.error.fields).toEqual({ code: 'bad_authorization_header' });
  });
});

describe('introspectionAuth: opaque tokens through RFC 7662', () => {
  let time = Date.now();
  const make = (overrides: Partial<Parameters<typeof introspectionAuth>[0]> = {}) => {
    const auth = introspectionAuth({
      issuer: provider.origin,
      introspectionEndpoint: `${provider.origin}/introspect`,
      clientId: 'api',
      clientSecret: 'api-secret',
      allowInsecureRequests: true,
      now: () => time,
      ...overrides,
    });
    return (token: string) => auth.authenticate(new Request('http://api.test/', { headers: { Authorization: `Bearer ${token}` } }), {});
  };

  it('accepts an active token: user, scopes and expiry from the answer', async () => {
    const exp = Math.floor(time / 1000) + 600;
    provider.active.set('opaque-1', { active: true, sub: 'user-7', username: 'ada', scope: 'read write', exp, jti: 'op-1' });
    const result = await make()('opaque-1');
    expect(result).toMatchObject({ outcome: 'success', user: { id: 'user-7', username: 'ada' }, auth: { id: 'op-1', scopes: ['read', 'write'], expiresAt: exp * 1000 } });
  });

  it('refuses an inactive token with simplejwt\'s wording', async () => {
    const result = await make()('never-issued');
    expect(result.outcome === 'fail' && { detail: result.error.detail, ...result.error.fields }).toEqual(NOT_VALID('Token is invalid'));
  });

  it('caches answers, never past the token\'s exp', async () => {
    time = Date.now();
    const exp = Math.floor(time / 1000) + 30;
    provider.active.set('opaque-2', { active: true, sub: 'user-7', scope: 'read', exp });
    const check = make({ cacheTtl: 600_000 });
    const before = provider.introspections;
    for (let i = 0; i < 5; i++) expect((await check('opaque-2')).outcome).toBe('success');
    expect(provider.introspections - before).toBe(1);
    // Past exp the cached "active" is gone: the provider is asked again (and the token is refused).
    time = exp * 1000 + 1;
    provider.active.set('opaque-2', { active: false });
    expect((await check('opaque-2')).outcome).toBe('fail');
    expect(provider.introspections - before).toBe(2);
  });

  it('a provider that is down, or refuses our client, is a thrown failure (503), never access', async () => {
    provider.mode = 'error';
    await expect(make()('opaque-1')).rejects.toThrow();
    provider.mode = 'up';
    await expect(make({ clientSecret: 'wrong' })('opaque-1')).rejects.toThrow();
  });
});
