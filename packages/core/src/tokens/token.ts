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
const ALPHABET_HEX = '0123456789abcdef';

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
  return digestHex(secret ? hmac(sha256, secret, message) : sha256Once(message));
}

// The digest as lowercase hex, on every request. Engines with `Uint8Array.prototype.toHex`
// (Bun; noble's bytesToHex uses it too) do it natively. Elsewhere noble concatenates 32
// pieces into a rope that the first map or database lookup must flatten, which cost Node
// about as much as the hash's last block: the hex is written as UTF-16 code units instead
// and decoded in one call into a flat string. Little-endian hosts only (all we know of),
// else noble's.
// The two UTF-16 units of byte b's hex digits, at 2b and 2b + 1.
const HEX_DIGIT_UNITS = new Uint16Array(512);
for (let b = 0; b < 256; b++) {
  HEX_DIGIT_UNITS[2 * b] = ALPHABET_HEX.charCodeAt(b >> 4);
  HEX_DIGIT_UNITS[2 * b + 1] = ALPHABET_HEX.charCodeAt(b & 15);
}
const hexUnits = new Uint16Array(64);
const utf16 = littleEndianUtf16Decoder();

function littleEndianUtf16Decoder(): TextDecoder | null {
  if (typeof (Uint8Array.prototype as { toHex?: unknown }).toHex === 'function') return null;
  if (new Uint8Array(new Uint16Array([1]).buffer)[0] !== 1) return null;
  try {
    return new TextDecoder('utf-16le');
  } catch {
    return null;
  }
}

function digestHex(bytes: Uint8Array): string {
  if (utf16 === null || bytes.length > 32) return bytesToHex(bytes);
  for (let i = 0; i < bytes.length; i++) {
    const at = 2 * bytes[i]!;
    hexUnits[2 * i] = HEX_DIGIT_UNITS[at]!;
    hexUnits[2 * i + 1] = HEX_DIGIT_UNITS[at + 1]!;
  }
  return utf16.decode(bytes.length === 32 ? hexUnits : hexUnits.subarray(0, 2 * bytes.length));
}

// One SHA-256 instance for every plain digest, reset from a pristine one through noble's
// `_cloneInto` (its documented way to reuse an instance). A fresh instance per call
// allocates a block buffer and a DataView over it, and on JavaScriptCore (Bun) the view
// makes the engine materialise the buffer: that cost more than the hash itself. The calls
// are synchronous, so they never interleave; `digest()` wipes the instance's state and its
// block buffer (which held the token's bytes) as it finishes.
const PRISTINE = sha256.create();
const hasher = sha256.create();

function sha256Once(message: Uint8Array): Uint8Array {
  PRISTINE._cloneInto(hasher);
  return hasher.update(message).digest();
}
