/**
 * The token format: `<prefix><secret><checksum>`.
 *
 * - secret: 32 random bytes (256 bits) as base64url, 43 characters. At that entropy a
 *   single fast hash is enough to store it: nobody can brute-force a 2^256 space, so the
 *   slow, salted hashing that passwords need buys nothing here.
 * - prefix: short and readable (default `lk_`), so secret scanners and humans recognise a
 *   leaked Latchkey token.
 * - checksum: the first 6 base64url characters of SHA-256(prefix + secret). Typos, random
 *   strings and tokens from other systems fail it without touching the store, so garbage
 *   costs one hash and no I/O. It is not a secret and proves nothing about validity.
 */
import { hmac } from '@noble/hashes/hmac.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils.js';
import { bytesToBase64Url } from '../encoding.ts';
import type { RandomBytes } from '../random.ts';

/** The prefix of tokens unless `createTokenService({ prefix })` says otherwise. */
export const DEFAULT_TOKEN_PREFIX = 'lk_';
/** Bytes of randomness in every token. */
export const TOKEN_SECRET_BYTES = 32;
const SECRET_LENGTH = 43;
const CHECKSUM_LENGTH = 6;
const BASE64URL = /^[A-Za-z0-9_-]+$/;
const PREFIX = /^[A-Za-z0-9_]{0,16}$/;

/** Throws a `RangeError` unless `prefix` is 0–16 characters of `[A-Za-z0-9_]`. */
export function assertTokenPrefix(prefix: string): void {
  if (!PREFIX.test(prefix)) throw new RangeError('token prefix must be 0-16 characters of [A-Za-z0-9_]');
}

function checksum(prefix: string, secret: string): string {
  // Six bytes encode to eight characters whose first six are the checksum: encoding the
  // whole digest would triple the work on every request for nothing.
  return bytesToBase64Url(sha256(utf8ToBytes(prefix + secret)).subarray(0, 6)).slice(0, CHECKSUM_LENGTH);
}

/** A new token: `prefix` + 32 random bytes + checksum. */
export function generateToken(prefix: string, randomBytes: RandomBytes): string {
  const secret = bytesToBase64Url(randomBytes(TOKEN_SECRET_BYTES));
  return prefix + secret + checksum(prefix, secret);
}

/** True when `token` has this prefix, the right length and alphabet, and a valid checksum. */
export function isWellFormedToken(token: string, prefix: string): boolean {
  if (token.length !== prefix.length + SECRET_LENGTH + CHECKSUM_LENGTH) return false;
  if (!token.startsWith(prefix)) return false;
  const body = token.slice(prefix.length);
  if (!BASE64URL.test(body)) return false;
  const secret = body.slice(0, SECRET_LENGTH);
  return body.slice(SECRET_LENGTH) === checksum(prefix, secret);
}

/**
 * The store's lookup key for a token: lowercase hex SHA-256, or HMAC-SHA256 under
 * `secret` when one is configured, so that a stolen database alone cannot even confirm a
 * guessed token.
 */
export function digestToken(token: string, secret: Uint8Array | null): string {
  const message = utf8ToBytes(token);
  return bytesToHex(secret ? hmac(sha256, secret, message) : sha256(message));
}
