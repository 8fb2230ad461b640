import { createLatchkey, hasScopes } from '@latchkey/core';
import { describe, expect, it } from 'vitest';
import { importVerifyKey, SIGNATURE_ALGORITHMS, type SignatureAlgorithm, verifyBytes } from './algorithms.ts';
import { httpSignatureAuth, type HttpSignatureAuthOptions } from './http-signature-auth.ts';
import { publicKeyFromPem } from './keys.ts';
import { B24, CREATED, ECC_P256_PUBLIC, ED25519_PUBLIC, EXAMPLES, REQUEST_BODY, REQUEST_HEADERS, REQUEST_URL, RSA_PSS_PUBLIC, SHARED_SECRET } from './rfc9421-vectors.ts';
import { base64ToBytes } from '@latchkey/core';
import { MemoryReplayStore } from './replay-store.ts';
import { clientKey, NOW, NOW_SECONDS, signedRequest, world } from './test-support.ts';

const der = (pem: string) => publicKeyFromPem(pem)!;
const bytes = (base64: string) => base64ToBytes(base64) as Uint8Array<ArrayBuffer>;

async function rfcWorld() {
  const w = await world();
  const add = (id: string, algorithm: SignatureAlgorithm, key: Uint8Array<ArrayBuffer>) =>
    w.keys.insert({ id, userId: w.alice.id, algorithm, key, scopes: ['read'], createdAt: 0, expiresAt: null });
  await add('test-key-rsa-pss', 'rsa-pss-sha512', der(RSA_PSS_PUBLIC));
  await add('test-key-ed25519', 'ed25519', der(ED25519_PUBLIC));
  await add('test-shared-secret', 'hmac-sha256', bytes(SHARED_SECRET));
  // The examples predate nonces and cover what each example chose to cover.
  const auth = httpSignatureAuth({ keys: w.keys, users: w.users, now: () => CREATED * 1000, requireNonce: false, requiredComponents: [] });
  return { ...w, auth };
}

function rfcRequest(example: { input: string; signature: string }, changes: { url?: string; body?: string | null; headers?: Record<string, string> } = {}) {
  const body = changes.body === undefined ? REQUEST_BODY : changes.body;
  const headers = { ...REQUEST_HEADERS, ...changes.headers, 'Signature-Input': example.input, Signature: example.signature };
  return new Request(changes.url ?? REQUEST_URL, { method: 'POST', headers, body });
}

const detailOf = (result: { outcome: string; error?: { detail: string } }) => (result.outcome === 'fail' ? result.error!.detail : result.outcome);

describe('RFC 9421 Appendix B examples', () => {
  it('B.2.3 (rsa-pss-sha512, full coverage with the body through Content-Digest sha-512) verifies', async () => {
    const { auth } = await rfcWorld();
    const result = await auth.authenticate(rfcRequest(EXAMPLES.b23), {});
    expect(detailOf(result)).toBe('success');
  });

  it('B.2.5 (hmac-sha256) and B.2.6 (ed25519) verify; they do not cover the body, so it is left off', async () => {
    const { auth } = await rfcWorld();
    for (const example of [EXAMPLES.b25, EXAMPLES.b26]) {
      expect(detailOf(await auth.authenticate(rfcRequest(example, { body: null }), {})), example.keyid).toBe('success');
    }
  });

  it('B.2.4 (ecdsa-p256-sha256, a response) verifies at the signature-base level, and not when one byte changes', async () => {
    const key = await importVerifyKey('ecdsa-p256-sha256', der(ECC_P256_PUBLIC));
    const base = new TextEncoder().encode(B24.base);
    expect(await verifyBytes('ecdsa-p256-sha256', key, base, bytes(B24.signature))).toBe(true);
    expect(await verifyBytes('ecdsa-p256-sha256', key, new TextEncoder().encode(B24.base.replace('200', '201')), bytes(B24.signature))).toBe(false);
  });

  it('tampered examples do not verify: a flipped signature byte, a changed covered header, path or body', async () => {
    const { auth } = await rfcWorld();
    const flipped = EXAMPLES.b26.signature.replace('wqcA', 'wqcB');
    expect(detailOf(await auth.authenticate(rfcRequest({ ...EXAMPLES.b26, signature: flipped }, { body: null }), {}))).toBe('Invalid signature.');
    expect(detailOf(await auth.authenticate(rfcRequest(EXAMPLES.b25, { body: null, headers: { Date: 'Tue, 20 Apr 2021 02:07:56 GMT' } }), {}))).toBe('Invalid signature.');
    expect(detailOf(await auth.authenticate(rfcRequest(EXAMPLES.b26, { body: null, url: 'https://example.com/bar?param=Value&Pet=dog' }), {}))).toBe('Invalid signature.');
    expect(detailOf(await auth.authenticate(rfcRequest(EXAMPLES.b23, { url: 'https://example.com/foo?param=Value&Pet=cat' }), {}))).toBe('Invalid signature.');
    expect(detailOf(await auth.authenticate(rfcRequest(EXAMPLES.b23, { body: '{"hello": "world!"}' }), {}))).toBe('Content-Digest does not match the body.');
  });

  it('an example signed with one key and presented under another key id does not verify', async () => {
    const { auth } = await rfcWorld();
    const input = EXAMPLES.b26.input.replace('test-key-ed25519', 'test-key-rsa-pss');
    expect(detailOf(await auth.authenticate(rfcRequest({ input, signature: EXAMPLES.b26.signature }, { body: null }), {}))).toBe('Invalid signature.');
  });
});

async function clientWorld(algorithm: SignatureAlgorithm = 'ed25519', options: Partial<HttpSignatureAuthOptions<never>> = {}) {
  const w = await world();
  const { signer, stored } = await clientKey(algorithm);
  await w.keys.insert({ id: 'client-1', userId: w.alice.id, algorithm, key: stored, scopes: ['read'], createdAt: 0, expiresAt: null });
  let now = NOW;
  const auth = httpSignatureAuth({ keys: w.keys, users: w.users, now: () => now, ...options });
  return { ...w, auth, signer, setNow: (value: number) => (now = value) };
}

describe('httpSignatureAuth with an independent client (http-message-sig)', () => {
  it('skips requests that carry neither Signature-Input nor Signature', async () => {
    const { auth } = await clientWorld();
    expect(await auth.authenticate(new Request('https://api.example.com/'), {})).toEqual({ outcome: 'skip' });
    expect(await auth.authenticate(new Request('https://api.example.com/', { headers: { Authorization: 'Token x' } }), {})).toEqual({ outcome: 'skip' });
  });

  it.each(SIGNATURE_ALGORITHMS.map((algorithm) => [algorithm]))('accepts a %s signature, with a grant for the key', async (algorithm) => {
    const { auth, signer } = await clientWorld(algorithm);
    const result = await auth.authenticate(await signedRequest({ keyid: 'client-1', signer, alg: algorithm }), {});
    expect(result.outcome).toBe('success');
    if (result.outcome !== 'success') return;
    expect(result.user.username).toBe('alice');
    expect(result.auth).toEqual({ id: 'client-1', scopes: ['read'], expiresAt: null });
  });

  it('accepts a signed POST whose body matches its Content-Digest, and leaves the body readable', async () => {
    const { auth, signer } = await clientWorld();
    const request = await signedRequest({ keyid: 'client-1', signer, body: '{"amount": 10}' });
    expect(detailOf(await auth.authenticate(request, {}))).toBe('success');
    expect(await request.text()).toBe('{"amount": 10}');
  });

  it('accepts @target-uri in place of @authority, @path and @query', async () => {
    const { auth, signer } = await clientWorld();
    const request = await signedRequest({ keyid: 'client-1', signer, components: ['@method', '@target-uri'] });
    expect(detailOf(await auth.authenticate(request, {}))).toBe('success');
  });

  it('refuses a replay: the same nonce twice within the window', async () => {
    const { auth, signer } = await clientWorld();
    const request = await signedRequest({ keyid: 'client-1', signer, nonce: 'once' });
    expect(detailOf(await auth.authenticate(request.clone(), {}))).toBe('success');
    expect(detailOf(await auth.authenticate(request, {}))).toBe('Replayed request.');
  });

  it('a forged request does not use up the nonce of a real one', async () => {
    const { auth, signer } = await clientWorld();
    const { signer: other } = await clientKey('ed25519');
    expect(detailOf(await auth.authenticate(await signedRequest({ keyid: 'client-1', signer: other, nonce: 'n1' }), {}))).toBe('Invalid signature.');
    expect(detailOf(await auth.authenticate(await signedRequest({ keyid: 'client-1', signer, nonce: 'n1' }), {}))).toBe('success');
  });

  it('refuses a signature created too long ago, or in the future beyond the skew', async () => {
    const { auth, signer } = await clientWorld();
    expect(detailOf(await auth.authenticate(await signedRequest({ keyid: 'client-1', signer, created: NOW_SECONDS - 301 }), {}))).toBe('Signature expired.');
    expect(detailOf(await auth.authenticate(await signedRequest({ keyid: 'client-1', signer, created: NOW_SECONDS - 300 }), {}))).toBe('success');
    expect(detailOf(await auth.authenticate(await signedRequest({ keyid: 'client-1', signer, created: NOW_SECONDS + 61 }), {}))).toBe('Signature created in the future.');
  });

  it('refuses a signature past its own expires', async () => {
    const { auth, signer } = await clientWorld();
    const request = await signedRequest({ keyid: 'client-1', signer, headers: {} });
    // Rebuild with an expires parameter through the client.
    const { createSignature, appendSignature } = await import('http-message-sig');
    const unsigned = new Request('https://api.example.com/x');
    const fields = await createSignature(unsigned, {
      label: 'sig1', components: ['@method', '@authority', '@path', '@query'],
      parameters: { created: NOW_SECONDS - 200, expires: NOW_SECONDS - 100, keyid: 'client-1', nonce: 'e1' }, signer,
    });
    expect(detailOf(await auth.authenticate(new Request(unsigned, { headers: appendSignature(unsigned.headers, fields) }), {}))).toBe('Signature expired.');
    expect(detailOf(await auth.authenticate(request, {}))).toBe('success');
  });

  it('refuses a changed body, a changed path and a changed method', async () => {
    const { auth, signer } = await clientWorld();
    const signed = await signedRequest({ keyid: 'client-1', signer, body: '{"amount": 10}' });
    const changedBody = new Request(signed.url, { method: 'POST', headers: signed.headers, body: '{"amount": 99}' });
    expect(detailOf(await auth.authenticate(changedBody, {}))).toBe('Content-Digest does not match the body.');
    const get = await signedRequest({ keyid: 'client-1', signer });
    expect(detailOf(await auth.authenticate(new Request('https://api.example.com/api/other?page=2', { headers: get.headers }), {}))).toBe('Invalid signature.');
    expect(detailOf(await auth.authenticate(new Request(get.url, { method: 'DELETE', headers: get.headers }), {}))).toBe('Invalid signature.');
  });

  it('refuses a signature that leaves out a required component, naming it and hinting with Accept-Signature', async () => {
    const { auth, signer } = await clientWorld();
    const result = await auth.authenticate(await signedRequest({ keyid: 'client-1', signer, components: ['@method', '@authority'] }), {});
    expect(detailOf(result)).toBe('Signature does not cover @path, @query.');
    if (result.outcome !== 'fail') return;
    expect(result.error.status).toBe(401);
    expect((result.error as { hint?: { headers?: Record<string, string> } }).hint?.headers).toEqual({
      'Accept-Signature': 'sig1=("@method" "@authority" "@path" "@query");created;nonce',
    });
  });

  it('refuses a covered name that is no HTTP field name with 401, not a crash', async () => {
    const { auth } = await clientWorld();
    const request = new Request('https://api.example.com/', {
      headers: { 'Signature-Input': `sig1=("@method" "@authority" "@path" "@query" "x:y");created=${NOW_SECONDS};keyid="client-1";nonce="n1"`, Signature: 'sig1=:AAAA:' },
    });
    expect(detailOf(await auth.authenticate(request, {}))).toBe('Unsupported covered component: "x:y".');
  });

  it('stops reading a body without Content-Length once it passes maxBodyBytes', async () => {
    const { auth, signer } = await clientWorld('ed25519', { maxBodyBytes: 1024 });
    const signed = await signedRequest({ keyid: 'client-1', signer, body: '{}' });
    // A body that never ends: the check must refuse it rather than buffer it.
    const endless = new ReadableStream<Uint8Array>({ pull: (controller) => controller.enqueue(new Uint8Array(64 * 1024)) });
    const request = new Request(signed.url, { method: 'POST', headers: signed.headers, body: endless, duplex: 'half' } as RequestInit);
    expect(request.headers.get('Content-Length')).toBeNull();
    expect(detailOf(await auth.authenticate(request, {}))).toBe('Request body too large to check its digest.');
  });

  it('refuses a request with a body whose signature does not cover content-digest', async () => {
    const { auth, signer } = await clientWorld();
    const result = await auth.authenticate(await signedRequest({ keyid: 'client-1', signer, body: '{}', components: ['@method', '@authority', '@path', '@query'] }), {});
    expect(detailOf(result)).toBe('Signature does not cover content-digest.');
  });

  it('refuses a covered header that the request does not carry', async () => {
    const { auth, signer } = await clientWorld();
    const signed = await signedRequest({ keyid: 'client-1', signer, components: ['@method', '@authority', '@path', '@query', 'x-tenant'], headers: { 'X-Tenant': 'a' } });
    const headers = new Headers(signed.headers);
    headers.delete('X-Tenant');
    expect(detailOf(await auth.authenticate(new Request(signed.url, { headers }), {}))).toBe('Covered component missing from the request: "x-tenant".');
  });

  it('refuses an unknown key id, an expired key and an inactive user', async () => {
    const { auth, signer, keys, carol, alice } = await clientWorld();
    expect(detailOf(await auth.authenticate(await signedRequest({ keyid: 'nobody', signer }), {}))).toBe('Unknown key.');
    const { signer: s2, stored } = await clientKey('ed25519');
    await keys.insert({ id: 'old', userId: alice.id, algorithm: 'ed25519', key: stored, scopes: [], createdAt: 0, expiresAt: NOW });
    expect(detailOf(await auth.authenticate(await signedRequest({ keyid: 'old', signer: s2 }), {}))).toBe('Unknown key.');
    const { signer: s3, stored: carolKey } = await clientKey('ed25519');
    await keys.insert({ id: 'carols', userId: carol.id, algorithm: 'ed25519', key: carolKey, scopes: [], createdAt: 0, expiresAt: null });
    expect(detailOf(await auth.authenticate(await signedRequest({ keyid: 'carols', signer: s3 }), {}))).toBe('User inactive or deleted.');
  });

  it('refuses an alg other than the key\'s, before verifying anything', async () => {
    const { auth, signer } = await clientWorld('ed25519');
    const request = await signedRequest({ keyid: 'client-1', signer: { ...signer, algorithm: 'hmac-sha256' }, alg: 'hmac-sha256' });
    expect(detailOf(await auth.authenticate(request, {}))).toBe('Algorithm does not match the key.');
  });

  it('an RSA public key can never serve as an HMAC secret (algorithm confusion)', async () => {
    const { auth, keys, alice } = await clientWorld();
    const { stored } = await clientKey('rsa-pss-sha512');
    await keys.insert({ id: 'rsa', userId: alice.id, algorithm: 'rsa-pss-sha512', key: stored, scopes: [], createdAt: 0, expiresAt: null });
    // The attacker knows the public key and MACs with it as if it were a shared secret.
    const forged = await crypto.subtle.importKey('raw', stored, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
    const signer = { algorithm: 'hmac-sha256', sign: async (data: Uint8Array) => new Uint8Array(await crypto.subtle.sign('HMAC', forged, data as Uint8Array<ArrayBuffer>)) };
    expect(detailOf(await auth.authenticate(await signedRequest({ keyid: 'rsa', signer }), {}))).toBe('Invalid signature.');
    expect(detailOf(await auth.authenticate(await signedRequest({ keyid: 'rsa', signer, alg: 'hmac-sha256' }), {}))).toBe('Algorithm does not match the key.');
  });

  it('refuses a signature without a nonce by default, and without created always', async () => {
    const { auth, signer } = await clientWorld();
    expect(detailOf(await auth.authenticate(await signedRequest({ keyid: 'client-1', signer, nonce: null }), {}))).toBe('Signature has no nonce.');
    const relaxed = (await clientWorld('ed25519', { requireNonce: false }));
    expect(detailOf(await relaxed.auth.authenticate(await signedRequest({ keyid: 'client-1', signer: relaxed.signer, nonce: null }), {}))).toBe('success');
  });

  it.each([
    ['not a dictionary', 'sig1=(', 'sig1=:AAAA:'],
    ['signature not a byte sequence', 'sig1=("@method");created=1;keyid="k"', 'sig1="text"'],
    ['created not an integer', 'sig1=("@method");created="now";keyid="k"', 'sig1=:AAAA:'],
    ['input not an inner list', 'sig1="@method"', 'sig1=:AAAA:'],
  ])('answers a malformed field (%s) with 401, never a throw', async (_name, input, signature) => {
    const { auth } = await clientWorld();
    const result = await auth.authenticate(new Request('https://api.example.com/', { headers: { 'Signature-Input': input, Signature: signature } }), {});
    expect(detailOf(result)).toBe('Invalid signature header.');
  });

  it('refuses a signature whose label is not in Signature', async () => {
    const { auth } = await clientWorld();
    const result = await auth.authenticate(new Request('https://api.example.com/', { headers: { 'Signature-Input': 'a=();created=1', Signature: 'b=:AAAA:' } }), {});
    expect(detailOf(result)).toBe('No signature with the expected label.');
  });

  it('refuses covered components it cannot reproduce faithfully', async () => {
    const { auth, signer } = await clientWorld('ed25519', { requiredComponents: [] });
    const { createSignature, appendSignature, component } = await import('http-message-sig');
    const unsigned = new Request('https://api.example.com/x?a=1', { headers: { 'X-Dict': 'a=1' } });
    const fields = await createSignature(unsigned, {
      label: 'sig1', components: [component('x-dict', { key: 'a' })],
      parameters: { created: NOW_SECONDS, keyid: 'client-1', nonce: 'q' }, signer,
    });
    const result = await auth.authenticate(new Request(unsigned, { headers: appendSignature(unsigned.headers, fields) }), {});
    expect(detailOf(result)).toBe('Unsupported covered component: "x-dict";key="a".');
  });

  it('rejects contradictory options at construction', async () => {
    const { keys, users } = await world();
    expect(() => httpSignatureAuth({ keys, users, maxAge: -1 })).toThrow(RangeError);
    expect(() => httpSignatureAuth({ keys, users, realm: 'a"b' })).toThrow(RangeError);
    expect(() => httpSignatureAuth({ keys: undefined as never, users })).toThrow(TypeError);
  });

  it('a store failure is not access: the pipeline answers 503', async () => {
    const { users, signer } = await clientWorld();
    const broken = { insert: async () => {}, find: async () => { throw new Error('db down'); }, delete: async () => false, listForUser: async () => [] };
    const latchkey = createLatchkey({ authenticators: [httpSignatureAuth({ keys: broken, users, now: () => NOW })], onError: () => {} });
    const outcome = await latchkey.run(await signedRequest({ keyid: 'client-1', signer }));
    expect(outcome.ok ? 200 : outcome.response.status).toBe(503);
  });
});

describe('httpSignatureAuth in the pipeline', () => {
  it('a refusal is 401 JSON with the Signature challenge and an Accept-Signature hint', async () => {
    const { auth, signer } = await clientWorld();
    const latchkey = createLatchkey({ authenticators: [auth] });
    const outcome = await latchkey.run(await signedRequest({ keyid: 'nobody', signer, body: '{}' }));
    expect(outcome.ok).toBe(false);
    if (outcome.ok) return;
    expect(outcome.response.status).toBe(401);
    expect(outcome.response.headers.get('WWW-Authenticate')).toBe('Signature realm="api"');
    expect(outcome.response.headers.get('Accept-Signature')).toBe('sig1=("@method" "@authority" "@path" "@query" "content-digest");created;nonce');
    expect(await outcome.response.json()).toEqual({ detail: 'Unknown key.' });
  });

  it('the key\'s scopes reach permissions through the grant', async () => {
    const { auth, signer } = await clientWorld();
    const latchkey = createLatchkey({ authenticators: [auth], permissions: [hasScopes('write')] });
    const outcome = await latchkey.run(await signedRequest({ keyid: 'client-1', signer }));
    expect(outcome.ok ? 200 : outcome.response.status).toBe(403);
  });

  it('a shared replay store refuses a replay sent to another instance', async () => {
    const replay = new MemoryReplayStore();
    const one = await clientWorld('ed25519', { replay });
    const two = httpSignatureAuth({ keys: one.keys, users: one.users, replay, now: () => NOW });
    const request = await signedRequest({ keyid: 'client-1', signer: one.signer });
    expect(detailOf(await one.auth.authenticate(request.clone(), {}))).toBe('success');
    expect(detailOf(await two.authenticate(request, {}))).toBe('Replayed request.');
  });
});
