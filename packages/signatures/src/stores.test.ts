import { describe, expect, it } from 'vitest';
import { checkContentDigest, contentDigest } from './content-digest.ts';
import { MemorySigningKeyStore } from './memory-key-store.ts';
import { MemoryThrottleStore } from '@latchkey/core';
import { MemoryReplayStore, throttleReplayStore } from './replay-store.ts';
import { createSecretBox } from './secret-box.ts';
import { replayStoreConformance, signingKeyStoreConformance } from './testing.ts';
import { newSigningKey, publicKeyFromPem } from './keys.ts';
import { ED25519_PUBLIC } from './rfc9421-vectors.ts';

describe('MemorySigningKeyStore passes the SigningKeyStore conformance suite', () => {
  for (const c of signingKeyStoreConformance(() => new MemorySigningKeyStore())) it(c.name, c.run);
});

describe('MemoryReplayStore passes the ReplayStore conformance suite', () => {
  for (const c of replayStoreConformance(() => new MemoryReplayStore())) it(c.name, c.run);
});

describe('throttleReplayStore over a throttle store passes the ReplayStore conformance suite', () => {
  for (const c of replayStoreConformance(() => throttleReplayStore(new MemoryThrottleStore()))) it(c.name, c.run);
});

describe('MemoryReplayStore', () => {
  it('says true once per key until it expires, then true again', async () => {
    const store = new MemoryReplayStore();
    expect(await store.remember('a', 2_000, 1_000)).toBe(true);
    expect(await store.remember('a', 2_000, 1_500)).toBe(false);
    expect(await store.remember('b', 2_000, 1_500)).toBe(true);
    expect(await store.remember('a', 3_000, 2_000)).toBe(true);
  });

  it('of concurrent calls with one key, exactly one wins', async () => {
    const store = new MemoryReplayStore();
    const results = await Promise.all(Array.from({ length: 20 }, () => store.remember('same', 2_000, 1_000)));
    expect(results.filter(Boolean)).toHaveLength(1);
  });

  it('when full, sweeps expired nonces, and refuses (throws) rather than forget a live one', async () => {
    const store = new MemoryReplayStore({ maxKeys: 2 });
    await store.remember('a', 1_100, 1_000);
    await store.remember('b', 5_000, 1_000);
    expect(await store.remember('c', 5_000, 2_000)).toBe(true); // 'a' had expired and was swept
    await expect(store.remember('d', 5_000, 2_000)).rejects.toThrow('replay store full');
    expect(await store.remember('b', 5_000, 2_000)).toBe(false);
    expect(() => new MemoryReplayStore({ maxKeys: 0 })).toThrow(RangeError);
  });
});

describe('createSecretBox (AES-256-GCM at rest)', () => {
  const serverKey = btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(32))));

  it('opens what it sealed, and each seal differs (random IV)', async () => {
    const box = createSecretBox(serverKey);
    const secret = new TextEncoder().encode('the shared secret');
    const one = await box.seal(secret, 'key_1');
    const two = await box.seal(secret, 'key_1');
    expect(one).not.toEqual(two);
    expect(new TextDecoder().decode(await box.open(one, 'key_1'))).toBe('the shared secret');
    expect(new TextDecoder().decode(one)).not.toContain('the shared secret');
  });

  it('refuses a box opened under another key id, another server key, or changed by one bit', async () => {
    const box = createSecretBox(serverKey);
    const sealed = await box.seal(new Uint8Array([1, 2, 3]), 'key_1');
    await expect(box.open(sealed, 'key_2')).rejects.toThrow();
    await expect(createSecretBox(new Uint8Array(32)).open(sealed, 'key_1')).rejects.toThrow();
    const flipped = sealed.slice();
    flipped[flipped.length - 1]! ^= 1;
    await expect(box.open(flipped, 'key_1')).rejects.toThrow();
  });

  it('refuses a server key that is not 32 bytes', () => {
    expect(() => createSecretBox(new Uint8Array(16))).toThrow(RangeError);
    expect(() => createSecretBox('not base64!')).toThrow(RangeError);
  });
});

describe('Content-Digest (RFC 9530)', () => {
  const body = new TextEncoder().encode('{"hello": "world"}');

  it('accepts RFC 9530\'s sha-256 and sha-512 examples and our own digests', async () => {
    expect(await checkContentDigest('sha-256=:X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE=:', body)).toBeNull();
    expect(await checkContentDigest('sha-512=:WZDPaVn/7XgHaAy8pmojAkGWoRx2UFChF41A2svX+TaPm+AbwAgBWnrIiYllu7BNNyealdVLvRwEmTHWXvJwew==:', body)).toBeNull();
    expect(await checkContentDigest(await contentDigest(body), body)).toBeNull();
  });

  it('refuses a mismatch in any known algorithm, a field naming only unknown ones, and garbage', async () => {
    const good = 'sha-256=:X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE=:';
    expect(await checkContentDigest(`${good}, sha-512=:AAAA:`, body)).toBe('mismatch');
    expect(await checkContentDigest('md5=:AAAA:', body)).toBe('unsupported');
    expect(await checkContentDigest('sha-256=("x")', body)).toBe('malformed');
    expect(await checkContentDigest('sha-256=:not base64', body)).toBe('malformed');
    expect(await checkContentDigest(null, body)).toBe('missing');
  });
});

describe('newSigningKey', () => {
  it('makes a shared secret shown once, whose UTF-8 bytes are the stored key', async () => {
    const { record, secret } = await newSigningKey({ userId: 'u1', algorithm: 'hmac-sha256', now: 5 });
    expect(secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(new TextDecoder().decode(record.key)).toBe(secret);
    expect(record).toMatchObject({ userId: 'u1', algorithm: 'hmac-sha256', createdAt: 5, expiresAt: null, scopes: [] });
    expect(record.id).toMatch(/^key_[A-Za-z0-9_-]{16}$/);
  });

  it('stores a public key as its SPKI bytes, checked against the algorithm at once', async () => {
    const { record, secret } = await newSigningKey({ userId: 'u1', algorithm: 'ed25519', publicKey: ED25519_PUBLIC });
    expect(secret).toBeNull();
    expect(record.key).toEqual(publicKeyFromPem(ED25519_PUBLIC));
    await expect(newSigningKey({ userId: 'u1', algorithm: 'rsa-pss-sha512', publicKey: ED25519_PUBLIC })).rejects.toThrow(TypeError);
    await expect(newSigningKey({ userId: 'u1', algorithm: 'ed25519' })).rejects.toThrow(TypeError);
    await expect(newSigningKey({ userId: 'u1', algorithm: 'hmac-sha256', publicKey: ED25519_PUBLIC })).rejects.toThrow(TypeError);
  });
});
