/**
 * The signature algorithms of RFC 9421's registry that Web Crypto offers on every host
 * (Node, Bun, Deno, workerd). A key is stored with exactly one of them, and a signature is
 * checked only with its key's algorithm: a request naming another one is refused before any
 * verification, so an RSA public key can never be used as an HMAC secret (the JWT
 * "alg confusion" attack) and a PSS key never verifies PKCS#1 v1.5.
 */
import { constantTimeEqual, latin1ToString } from '@latchkey/core';

/** RFC 9421 §6.2.2 algorithm names. */
export const SIGNATURE_ALGORITHMS = ['ed25519', 'ecdsa-p256-sha256', 'rsa-pss-sha512', 'rsa-v1_5-sha256', 'hmac-sha256'] as const;

/** One of `SIGNATURE_ALGORITHMS`. */
export type SignatureAlgorithm = (typeof SIGNATURE_ALGORITHMS)[number];

/** True for a name in `SIGNATURE_ALGORITHMS`. */
export function isSignatureAlgorithm(name: unknown): name is SignatureAlgorithm {
  return typeof name === 'string' && (SIGNATURE_ALGORITHMS as readonly string[]).includes(name);
}

/** True when the key is a shared secret (the server can sign too), false for a public key. */
export function isSharedSecretAlgorithm(algorithm: SignatureAlgorithm): boolean {
  return algorithm === 'hmac-sha256';
}

type ImportParams = AlgorithmIdentifier | RsaHashedImportParams | EcKeyImportParams | HmacImportParams;
type VerifyParams = AlgorithmIdentifier | RsaPssParams | EcdsaParams;

const WEB_CRYPTO: Record<SignatureAlgorithm, { import: ImportParams; verify: VerifyParams }> = {
  ed25519: { import: { name: 'Ed25519' }, verify: { name: 'Ed25519' } },
  'ecdsa-p256-sha256': { import: { name: 'ECDSA', namedCurve: 'P-256' }, verify: { name: 'ECDSA', hash: 'SHA-256' } },
  // RFC 9421 §3.3.1: salt of 64 bytes, the SHA-512 output length.
  'rsa-pss-sha512': { import: { name: 'RSA-PSS', hash: 'SHA-512' }, verify: { name: 'RSA-PSS', saltLength: 64 } },
  'rsa-v1_5-sha256': { import: { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' }, verify: { name: 'RSASSA-PKCS1-v1_5' } },
  'hmac-sha256': { import: { name: 'HMAC', hash: 'SHA-256' }, verify: { name: 'HMAC' } },
};

/** The Web Crypto parameters that sign and verify with `algorithm` (the same for both). */
export function signatureParams(algorithm: SignatureAlgorithm): VerifyParams {
  return WEB_CRYPTO[algorithm].verify;
}

/**
 * Imports stored key bytes for verifying: SPKI DER for public keys, the raw secret for
 * HMAC. Throws a `TypeError` for bytes that are not a key of that algorithm.
 */
export async function importVerifyKey(algorithm: SignatureAlgorithm, key: Uint8Array<ArrayBuffer>): Promise<CryptoKey> {
  const params = WEB_CRYPTO[algorithm];
  try {
    if (algorithm === 'hmac-sha256') return await crypto.subtle.importKey('raw', key, params.import, false, ['sign']);
    return await crypto.subtle.importKey('spki', key, params.import, false, ['verify']);
  } catch (error) {
    throw new TypeError(`not a ${algorithm} key`, { cause: error });
  }
}

/**
 * Checks `signature` over `data`. HMAC is recomputed and compared in constant time, so the
 * time taken says nothing about how much of a forged MAC was right.
 */
export async function verifyBytes(algorithm: SignatureAlgorithm, key: CryptoKey, data: Uint8Array<ArrayBuffer>, signature: Uint8Array<ArrayBuffer>): Promise<boolean> {
  if (algorithm === 'hmac-sha256') {
    const expected = new Uint8Array(await crypto.subtle.sign('HMAC', key, data));
    return constantTimeEqual(latin1ToString(expected), latin1ToString(signature));
  }
  try {
    return await crypto.subtle.verify(signatureParams(algorithm), key, signature, data);
  } catch {
    // A signature of the wrong length or shape is simply not valid.
    return false;
  }
}

/** HMAC-SHA256 of `data` under a raw `secret`, for Hawk and for signing in tests and clients. */
export async function hmacSha256(secret: Uint8Array<ArrayBuffer> | CryptoKey, data: Uint8Array<ArrayBuffer>): Promise<Uint8Array<ArrayBuffer>> {
  const key = secret instanceof Uint8Array ? await importVerifyKey('hmac-sha256', secret) : secret;
  return new Uint8Array(await crypto.subtle.sign('HMAC', key, data));
}
