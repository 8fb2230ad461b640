// The client helpers, checked by the independent implementations: what `signRequest`
// makes, http-message-sig verifies; what `hawkAuthorization` makes, the hawk server accepts.
import Hawk from 'hawk';
import { verifySignature } from 'http-message-sig';
import { describe, expect, it } from 'vitest';
import { hawkAuthorization, signRequest } from './client.ts';

describe('signRequest', () => {
  it('signs what http-message-sig verifies, body included through Content-Digest', async () => {
    const pair = (await crypto.subtle.generateKey({ name: 'Ed25519' }, false, ['sign', 'verify'])) as CryptoKeyPair;
    const request = await signRequest(new Request('https://api.example.com/api/signed?x=1', { method: 'POST', body: '{"a":1}' }), {
      keyid: 'k1', algorithm: 'ed25519', key: pair.privateKey, nonce: 'n1',
    });
    expect(request.headers.get('Content-Digest')).toMatch(/^sha-256=:/);
    const verified = await verifySignature(request, {
      policy: { algorithms: ['ed25519'], requiredComponents: ['@method', '@authority', '@path', '@query', 'content-digest'], requiredParameters: ['created', 'keyid', 'nonce'], maxAge: 60 },
      resolveVerifier: () => ({ algorithm: 'ed25519', verify: (data, signature) => crypto.subtle.verify('Ed25519', pair.publicKey, signature as Uint8Array<ArrayBuffer>, data as Uint8Array<ArrayBuffer>) }),
    });
    expect(verified.parameters.keyid).toBe('k1');
    expect(await request.text()).toBe('{"a":1}');
  });

  it('refuses to cover a header the request lacks', async () => {
    await expect(signRequest(new Request('https://a.example/'), { keyid: 'k', algorithm: 'hmac-sha256', key: 's', components: ['x-missing'] })).rejects.toThrow(TypeError);
  });
});

describe('hawkAuthorization', () => {
  it('makes a header the hawk server accepts, payload hash included', async () => {
    const credentials = { id: 'key_1', key: 'a-shared-secret', algorithm: 'sha256' as const };
    const request = new Request('http://example.com:8080/api/signed?x=1', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{"a":1}' });
    const authorization = await hawkAuthorization(request, credentials, { ext: 'app' });
    const server = (Hawk as unknown as { server: { authenticate(req: unknown, lookup: (id: string) => unknown, options: unknown): Promise<{ artifacts: { ext: string } }> } }).server;
    const result = await server.authenticate(
      { method: 'POST', url: '/api/signed?x=1', headers: { host: 'example.com:8080', authorization, 'content-type': 'application/json' } },
      (id: string) => (id === 'key_1' ? credentials : null),
      { payload: '{"a":1}' },
    );
    expect(result.artifacts.ext).toBe('app');
    await expect(server.authenticate(
      { method: 'POST', url: '/api/signed?x=1', headers: { host: 'example.com:8080', authorization, 'content-type': 'application/json' } },
      () => credentials,
      { payload: '{"a":2}' },
    )).rejects.toThrow(/Bad payload hash/);
  });
});
