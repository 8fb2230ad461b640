/**
 * Keys and the published JWKS, checked by an independent implementation: Debian's PyJWT
 * (python3-jwt, installed by .ci/run) fetches `/.well-known/jwks.json` from a loopback
 * server with its own JWKS client and verifies our tokens with its own crypto
 * (python3-cryptography, OpenSSL). Nothing of jose is involved on that side.
 */
import { execFile } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { promisify } from 'node:util';
import { decodeJwt } from 'jose';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { jwksEndpoint } from './jwt-endpoints.ts';
import { createJwtService } from './jwt-service.ts';
import { type AsymmetricAlgorithm, createKeySet, generateSigningKey, type KeyInput } from './keys.ts';
import { MemoryRefreshTokenStore } from './memory-refresh-token-store.ts';

const run = promisify(execFile);
const alice = { id: 'u-alice', username: 'alice', isActive: true, isStaff: false };
const PYTHON = '/usr/bin/python3';
// PyJWT's own JWKS client and decode; prints the verified claims, or the error's class name.
const VERIFY = `
import json, sys, jwt
url, token, alg = sys.argv[1:4]
try:
    key = jwt.PyJWKClient(url).get_signing_key_from_jwt(token)
    print(json.dumps(jwt.decode(token, key.key, algorithms=[alg], options={"verify_aud": False})))
except Exception as error:
    print(json.dumps({"error": type(error).__name__}))
`;

async function pyjwtVerify(url: string, token: string, alg: string): Promise<Record<string, unknown>> {
  const { stdout } = await run(PYTHON, ['-c', VERIFY, url, token, alg]);
  return JSON.parse(stdout) as Record<string, unknown>;
}

describe('the JWKS, verified by PyJWT', () => {
  const algorithms: AsymmetricAlgorithm[] = ['EdDSA', 'ES256', 'RS256'];
  let server: Server;
  let origin: string;
  const services = new Map<AsymmetricAlgorithm, ReturnType<typeof createJwtService>>();

  beforeAll(async () => {
    const inputs: KeyInput[] = [];
    for (const alg of algorithms) inputs.push({ kid: `key-${alg}`, alg, privateJwk: await generateSigningKey(alg) });
    inputs.push({ kid: 'hs', alg: 'HS256', secret: 'an-hs256-secret-that-must-never-be-published' });
    const store = new MemoryRefreshTokenStore();
    for (const alg of algorithms) services.set(alg, createJwtService({ keys: createKeySet({ keys: inputs, signingKid: `key-${alg}` }), refreshTokens: store }));
    const endpoint = jwksEndpoint(createKeySet({ keys: inputs }));
    server = createServer(async (req, res) => {
      const response = (await endpoint.handle(new Request(`http://127.0.0.1${req.url}`, { method: req.method }))) ?? new Response(null, { status: 404 });
      res.writeHead(response.status, Object.fromEntries(response.headers));
      res.end(Buffer.from(await response.arrayBuffer()));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('publishes each asymmetric public key with its kid, alg and use, and no private part or HS256 secret', async () => {
    const response = await fetch(`${origin}/.well-known/jwks.json`);
    expect(response.headers.get('Cache-Control')).toBe('public, max-age=300');
    const { keys } = (await response.json()) as { keys: Record<string, unknown>[] };
    expect(keys.map((key) => [key.kid, key.alg, key.use])).toEqual(algorithms.map((alg) => [`key-${alg}`, alg, 'sig']));
    for (const key of keys) for (const member of ['d', 'p', 'q', 'dp', 'dq', 'qi', 'k']) expect(key).not.toHaveProperty(member);
    expect(JSON.stringify(keys)).not.toContain(btoa('an-hs256'));
  });

  for (const alg of algorithms) {
    it(`PyJWT verifies an ${alg} access token against the published key, and refuses it changed`, async () => {
      const { access } = await services.get(alg)!.issuePair(alice);
      const claims = await pyjwtVerify(`${origin}/.well-known/jwks.json`, access, alg);
      expect(claims).toEqual(decodeJwt(access));
      expect(claims).toMatchObject({ token_type: 'access', user_id: 'u-alice' });
      const [head, body] = access.split('.');
      const forged = `${head}.${btoa(JSON.stringify({ ...claims, user_id: 'u-admin' })).replace(/=+$/, '').replace(/\+/g, '-').replace(/\//g, '_')}.${access.split('.')[2]}`;
      expect(body).not.toBe(forged.split('.')[1]);
      expect(await pyjwtVerify(`${origin}/.well-known/jwks.json`, forged, alg)).toEqual({ error: 'InvalidSignatureError' });
    });
  }

  it('answers 405 with Allow to anything but GET and HEAD', async () => {
    const response = await fetch(`${origin}/.well-known/jwks.json`, { method: 'POST' });
    expect(response.status).toBe(405);
    expect(response.headers.get('Allow')).toBe('GET, HEAD');
  });
});

describe('key sets', () => {
  it('import each key once, however many tokens they sign and verify', async () => {
    const importKey = vi.spyOn(crypto.subtle, 'importKey');
    const keys = createKeySet({ keys: [{ kid: 'a', alg: 'EdDSA', privateJwk: await generateSigningKey('EdDSA') }] });
    const jwt = createJwtService({ keys, refreshTokens: new MemoryRefreshTokenStore() });
    for (let i = 0; i < 10; i++) expect((await jwt.verifyAccess((await jwt.issuePair(alice)).access)).ok).toBe(true);
    // One public key (verify) and one private key (sign): two imports, not forty.
    expect(importKey).toHaveBeenCalledTimes(2);
    importKey.mockRestore();
  });

  it('refuse bad configuration at construction', async () => {
    const privateJwk = await generateSigningKey('EdDSA');
    expect(() => createKeySet({ keys: [] })).toThrow(TypeError);
    expect(() => createKeySet({ keys: [{ kid: 'a', alg: 'HS256', secret: 'short' }] })).toThrow(RangeError);
    expect(() => createKeySet({ keys: [{ kid: 'a', alg: 'HS256', secret: 'x'.repeat(32) }, { kid: 'a', alg: 'EdDSA', privateJwk }] })).toThrow(RangeError);
    expect(() => createKeySet({ keys: [{ kid: 'a', alg: 'none' as 'EdDSA', privateJwk }] })).toThrow(RangeError);
    const { d: _d, ...publicJwk } = privateJwk;
    expect(() => createKeySet({ keys: [{ kid: 'a', alg: 'EdDSA', publicJwk }] })).toThrow(RangeError); // nothing can sign
    expect(() => createKeySet({ keys: [{ kid: 'a', alg: 'EdDSA', publicJwk: privateJwk }] })).toThrow(TypeError);
    expect(createKeySet({ keys: [{ kid: 'b', alg: 'EdDSA', publicJwk }, { kid: 'a', alg: 'EdDSA', privateJwk }] }).signingKid).toBe('a');
  });
});
