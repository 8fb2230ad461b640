/**
 * Making signing keys: a random id and, for Hawk and `hmac-sha256`, a random secret; for
 * the public-key algorithms, the client's public key read from PEM. What `latchkey
 * createkey` and an app's own key endpoint share.
 */
import { assertScopes, base64ToBytes, bytesToBase64Url as base64Url } from '@latchkey/core';
import { importVerifyKey, isSharedSecretAlgorithm, type SignatureAlgorithm } from './algorithms.ts';
import type { SigningKeyRecord } from './key-store.ts';

/** 32 bytes: HMAC-SHA256's block-sized security, beyond any brute force. */
export const SHARED_SECRET_BYTES = 32;

/** Input for `newSigningKey`. */
export interface NewSigningKey {
  readonly userId: string;
  readonly algorithm: SignatureAlgorithm;
  /** The client's public key (PEM `PUBLIC KEY` or SPKI DER); required unless `hmac-sha256`. */
  readonly publicKey?: string | Uint8Array<ArrayBuffer>;
  /** Default `[]`. */
  readonly scopes?: readonly string[];
  /** Milliseconds since the epoch; default null (never). */
  readonly expiresAt?: number | null;
  /** Default `Date.now()`. */
  readonly now?: number;
}

/** A new key record, and for a shared-secret key the secret (base64) to show the user once. */
export interface NewSigningKeyResult {
  readonly record: SigningKeyRecord;
  /** The shared secret (43 base64url characters; its UTF-8 bytes are the HMAC key); null for a public key. */
  readonly secret: string | null;
}

/** The DER bytes of a PEM `-----BEGIN PUBLIC KEY-----` block; null when there is none. */
export function publicKeyFromPem(pem: string): Uint8Array<ArrayBuffer> | null {
  const match = /-----BEGIN PUBLIC KEY-----([A-Za-z0-9+/=\s]+)-----END PUBLIC KEY-----/.exec(pem);
  return match ? (base64ToBytes(match[1]!.replace(/\s+/g, '')) as Uint8Array<ArrayBuffer> | null) : null;
}

/**
 * Makes a key record with a random id. Throws a `RangeError` for a malformed scope (core's
 * rule for token scopes) and a `TypeError` when a public key is missing,
 * is not PEM/DER, or is not a key of `algorithm` (checked by importing it now, not at the
 * first request).
 */
export async function newSigningKey(input: NewSigningKey): Promise<NewSigningKeyResult> {
  assertScopes(input.scopes ?? []);
  const id = `key_${base64Url(crypto.getRandomValues(new Uint8Array(12)))}`;
  const base = { id, userId: input.userId, algorithm: input.algorithm, scopes: [...(input.scopes ?? [])], createdAt: input.now ?? Date.now(), expiresAt: input.expiresAt ?? null };
  if (isSharedSecretAlgorithm(input.algorithm)) {
    if (input.publicKey !== undefined) throw new TypeError(`${input.algorithm} keys are shared secrets, not public keys`);
    // Hawk clients take the key as a string and MAC with its UTF-8 bytes; storing those bytes
    // makes the printed secret work as it is, for Hawk and for RFC 9421 hmac-sha256 alike.
    const secret = base64Url(crypto.getRandomValues(new Uint8Array(SHARED_SECRET_BYTES)));
    return { record: { ...base, key: new TextEncoder().encode(secret) }, secret };
  }
  const der = typeof input.publicKey === 'string' ? publicKeyFromPem(input.publicKey) : input.publicKey;
  if (!der) throw new TypeError(`${input.algorithm} needs a public key (PEM "PUBLIC KEY")`);
  await importVerifyKey(input.algorithm, der);
  return { record: { ...base, key: der.slice() }, secret: null };
}
