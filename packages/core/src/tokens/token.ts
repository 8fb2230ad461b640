/**
 * The token format: `<prefix><secret><checksum>`.
 *
 * - secret: 32 random bytes (256 bits) as base64url, 43 characters. At that entropy a
 *   single fast hash is enough to store it: nobody can brute-force a 2^256 space, so the
 *   slow, salted hashing that passwords need buys nothing here.
 * - prefix: short and readable (default `lk_`), so secret scanners and humans recognise a
 *   leaked Latchkey token.
 * - checksum: CRC-32 of prefix + secret, as 6 base64url characters (GitHub's token format
 *   uses CRC-32 the same way). Typos, random strings and tokens from other systems fail it
 *   without touching the store, so garbage costs a few hundred nanoseconds and no I/O. It
 *   is not a secret and proves nothing about validity, so it need not be cryptographic:
 *   the digest behind it is. (Before this, the checksum was SHA-256's first bytes; tokens
 *   of that format are refused. Nothing had been released.)
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
const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
const PREFIX = /^[A-Za-z0-9_]{0,16}$/;

// The base64url value of each character code below 128, or -1.
const BASE64URL_VALUE = new Int8Array(128).fill(-1);
for (let i = 0; i < ALPHABET.length; i++) BASE64URL_VALUE[ALPHABET.charCodeAt(i)] = i;

// CRC-32 (IEEE 802.3, reflected polynomial 0xEDB88320), one table entry per byte value.
// Signed 32-bit throughout: engines keep int32 in registers, while values above 2^31
// would become doubles.
const CRC_TABLE = new Int32Array(256);
for (let n = 0; n < 256; n++) {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  CRC_TABLE[n] = c;
}

/** CRC-32 of the first `end` characters of `text`, which are ASCII; unsigned. */
export function crc32(text: string, end = text.length): number {
  let crc = -1;
  for (let i = 0; i < end; i++) crc = CRC_TABLE[(crc ^ text.charCodeAt(i)) & 0xff]! ^ (crc >>> 8);
  return (crc ^ -1) >>> 0;
}

/** Throws a `RangeError` unless `prefix` is 0–16 characters of `[A-Za-z0-9_]`. */
export function assertTokenPrefix(prefix: string): void {
  if (!PREFIX.test(prefix)) throw new RangeError('token prefix must be 0-16 characters of [A-Za-z0-9_]');
}

// The checksum's 6 characters carry the CRC's 32 bits, most significant first.
function checksumDigit(crc: number, position: number): number {
  return (crc >>> (6 * (CHECKSUM_LENGTH - 1 - position))) & 63;
}

/** A new token: `prefix` + 32 random bytes + checksum. */
export function generateToken(prefix: string, randomBytes: RandomBytes): string {
  const body = prefix + bytesToBase64Url(randomBytes(TOKEN_SECRET_BYTES));
  const crc = crc32(body);
  let checksum = '';
  for (let i = 0; i < CHECKSUM_LENGTH; i++) checksum += ALPHABET[checksumDigit(crc, i)];
  return body + checksum;
}

/**
 * True when `token` has this prefix, the right length and alphabet, and a valid checksum.
 * One pass over the characters, nothing allocated: it runs on every request.
 */
export function isWellFormedToken(token: string, prefix: string): boolean {
  const end = prefix.length + SECRET_LENGTH;
  if (token.length !== end + CHECKSUM_LENGTH || !token.startsWith(prefix)) return false;
  let crc = -1;
  for (let i = 0; i < prefix.length; i++) crc = CRC_TABLE[(crc ^ token.charCodeAt(i)) & 0xff]! ^ (crc >>> 8);
  for (let i = prefix.length; i < end; i++) {
    const code = token.charCodeAt(i);
    if (code >= 128 || BASE64URL_VALUE[code]! < 0) return false;
    crc = CRC_TABLE[(crc ^ code) & 0xff]! ^ (crc >>> 8);
  }
  crc ^= -1;
  for (let i = 0; i < CHECKSUM_LENGTH; i++) {
    const code = token.charCodeAt(end + i);
    if (code >= 128 || BASE64URL_VALUE[code] !== checksumDigit(crc, i)) return false;
  }
  return true;
}

/**
 * The UTF-8 bytes of `token`. A token is ASCII, whose char codes are its UTF-8 bytes:
 * copying them costs a fraction of a `TextEncoder` call on Node. Anything else is encoded.
 */
function tokenBytes(token: string): Uint8Array {
  const bytes = new Uint8Array(token.length);
  for (let i = 0; i < token.length; i++) {
    const code = token.charCodeAt(i);
    if (code > 0x7f) return utf8ToBytes(token);
    bytes[i] = code;
  }
  return bytes;
}

/**
 * The store's lookup key for a token: lowercase hex SHA-256, or HMAC-SHA256 under
 * `secret` when one is configured, so that a stolen database alone cannot even confirm a
 * guessed token.
 */
export function digestToken(token: string, secret: Uint8Array | null): string {
  const message = tokenBytes(token);
  return bytesToHex(secret ? hmac(sha256, secret, message) : sha256Once(message));
}

// One SHA-256 instance for every plain digest, reset from a pristine one through noble's
// `_cloneInto` (its documented way to reuse an instance). A fresh instance per call
// allocates a block buffer and a DataView over it, and on JavaScriptCore (Bun) the view
// makes the engine materialise the buffer: that cost more than the hash itself. The calls
// are synchronous, so they never interleave. After each digest the instance's block buffer,
// which held the token's bytes, is overwritten with zeros from WIPED (63 zero bytes taken in,
// so cloning it copies its whole buffer).
const PRISTINE = sha256.create();
const WIPED = sha256.create().update(new Uint8Array(63));
const hasher = sha256.create();
const digestBytes = new Uint8Array(32);

function sha256Once(message: Uint8Array): Uint8Array {
  PRISTINE._cloneInto(hasher);
  hasher.update(message).digestInto(digestBytes);
  WIPED._cloneInto(hasher);
  return digestBytes;
}
