// Shared by this package's tests: users, keys, and clients that sign with independent code
// (the `http-message-sig` package for RFC 9421).
import { MemoryUserStore } from '@latchkey/core';
import { appendSignature, createSignature, type Signer } from 'http-message-sig';
import { type SignatureAlgorithm, signatureParams } from './algorithms.ts';
import { MemorySigningKeyStore } from './memory-key-store.ts';

export const NOW = 1_750_000_000_000;
export const NOW_SECONDS = NOW / 1000;

export async function world() {
  const users = new MemoryUserStore();
  const alice = (await users.createUser({ username: 'alice', passwordHash: null }))!;
  const carol = (await users.createUser({ username: 'carol', passwordHash: null, isActive: false }))!;
  const keys = new MemorySigningKeyStore();
  return { users, alice, carol, keys };
}

const GENERATE: Record<Exclude<SignatureAlgorithm, 'hmac-sha256'>, RsaHashedKeyGenParams | EcKeyGenParams | AlgorithmIdentifier> = {
  ed25519: { name: 'Ed25519' },
  'ecdsa-p256-sha256': { name: 'ECDSA', namedCurve: 'P-256' },
  'rsa-pss-sha512': { name: 'RSA-PSS', modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash: 'SHA-512' },
  'rsa-v1_5-sha256': { name: 'RSASSA-PKCS1-v1_5', modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash: 'SHA-256' },
};
/** A key pair (or secret) for `algorithm`: what the client signs with, what the server stores. */
export async function clientKey(algorithm: SignatureAlgorithm): Promise<{ signer: Signer; stored: Uint8Array<ArrayBuffer> }> {
  if (algorithm === 'hmac-sha256') {
    const secret = crypto.getRandomValues(new Uint8Array(32));
    const key = await crypto.subtle.importKey('raw', secret, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
    return { signer: { algorithm, sign: async (data) => new Uint8Array(await crypto.subtle.sign(signatureParams(algorithm), key, data as Uint8Array<ArrayBuffer>)) }, stored: secret };
  }
  const pair = (await crypto.subtle.generateKey(GENERATE[algorithm], true, ['sign', 'verify'])) as CryptoKeyPair;
  const stored = new Uint8Array(await crypto.subtle.exportKey('spki', pair.publicKey));
  return { signer: { algorithm, sign: async (data) => new Uint8Array(await crypto.subtle.sign(signatureParams(algorithm), pair.privateKey, data as Uint8Array<ArrayBuffer>)) }, stored };
}

export interface SignOptions {
  readonly method?: string;
  readonly url?: string;
  readonly body?: string;
  readonly components?: readonly string[];
  readonly created?: number;
  readonly nonce?: string | null;
  readonly alg?: string;
  readonly keyid: string;
  readonly signer: Signer;
  readonly headers?: Record<string, string>;
}

let nonces = 0;

/** A request signed by `http-message-sig`, with a Content-Digest when it has a body. */
export async function signedRequest(options: SignOptions): Promise<Request> {
  const headers = new Headers(options.headers);
  const body = options.body;
  if (body !== undefined) {
    const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(body)));
    headers.set('Content-Digest', `sha-256=:${btoa(String.fromCharCode(...digest))}:`);
    headers.set('Content-Type', 'application/json');
  }
  const unsigned = new Request(options.url ?? 'https://api.example.com/api/signed?page=2', { method: options.method ?? (body === undefined ? 'GET' : 'POST'), headers, body: body ?? null });
  const components = options.components ?? ['@method', '@authority', '@path', '@query', ...(body === undefined ? [] : ['content-digest'])];
  const parameters: Record<string, string | number> = { created: options.created ?? NOW_SECONDS, keyid: options.keyid };
  if (options.nonce !== null) parameters.nonce = options.nonce ?? `nonce-${++nonces}-${Math.random().toString(36).slice(2)}`;
  if (options.alg) parameters.alg = options.alg;
  const fields = await createSignature(unsigned, { label: 'sig1', components, parameters, signer: options.signer });
  return new Request(unsigned, { headers: appendSignature(unsigned.headers, fields) });
}
