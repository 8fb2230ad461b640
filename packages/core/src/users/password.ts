/**
 * Password hashing with PBKDF2-HMAC-SHA256 in Django's self-describing format,
 * `pbkdf2_sha256$<iterations>$<salt>$<base64 hash>`, so hashes move between Django and
 * Latchkey in both directions and verification replays whatever parameters are stored.
 *
 * Why PBKDF2 and 100,000 iterations: it is the one memory-cheap KDF that Web Crypto runs
 * natively on every host, and Cloudflare Workers in production refuses PBKDF2 above
 * 100,000 iterations. Memory-hard KDFs (scrypt, Argon2) would run in JavaScript there and
 * blow the per-request CPU budget.
 *
 * Hashes imported from a current Django ask for 600,000 to 1,200,000 iterations, which
 * Workers' Web Crypto refuses. On Workers, counts above `webCryptoMaxIterations` therefore run
 * the same PBKDF2 in JavaScript (noble-hashes): slower, but correct, and paid once per user,
 * since the first successful login re-hashes at today's parameters. The rule is a number
 * rather than "try Web Crypto, fall back on its error", because the local workerd computes
 * what production refuses: only a fixed rule behaves alike in tests and in production. `maxIterations` still bounds the work before any of it is done.
 */
import { pbkdf2Async } from '@noble/hashes/pbkdf2.js';
import { sha256 as sha256Js } from '@noble/hashes/sha2.js';
import { pbkdf2, sha256 } from '@noble/hashes/webcrypto.js';
import { onCloudflareWorkers } from '../cloudflare-workers.ts';
import { constantTimeEqual } from '../constant-time.ts';
import { bytesToBase64, bytesToBase64Url } from '../encoding.ts';
import { withoutUndefined } from '../options.ts';
import { type RandomBytes, webCryptoRandomBytes } from '../random.ts';

const ALGORITHM = 'pbkdf2_sha256';
const HASH_BYTES = 32;
const SALT = /^[A-Za-z0-9+/=._-]{8,128}$/;
const ENCODED_HASH = /^[A-Za-z0-9+/]{43}=$/;

/** Options for `createPasswordHasher`. */
export interface PasswordHasherOptions {
  /** PBKDF2 iterations for new hashes; Workers allows at most 100,000. Default `100_000`. */
  readonly iterations?: number;
  /**
   * Stored hashes asking for more iterations are refused before any work, so a tampered
   * or absurd hash cannot tie up the CPU. Default `1_200_000` (Django 6.0's count, so
   * hashes imported from Django still verify off Workers).
   */
  readonly maxIterations?: number;
  /**
   * Stored hashes with more iterations than this are verified by PBKDF2 in JavaScript
   * instead of Web Crypto, which refuses them on Cloudflare Workers. Node, Deno and Bun
   * compute any count natively and several times faster, off the JavaScript thread. Default
   * `100_000` on Cloudflare Workers (told by `navigator.userAgent`, which the local workerd
   * reports alike, so tests take the production path), `Infinity` on every other host.
   */
  readonly webCryptoMaxIterations?: number;
  /** Random source for salts. Default Web Crypto's `getRandomValues`. */
  readonly randomBytes?: RandomBytes;
}

/** Hashes and verifies passwords. */
export interface PasswordHasher {
  /** A new self-describing hash of `password` with a fresh random salt. */
  hash(password: string): Promise<string>;
  /**
   * True when `password` matches `encoded`. A null, malformed, unusable or over-expensive
   * `encoded` is false. Every refusal costs at least one hash at today's parameters (a
   * missing or unusable hash spends exactly that, a weaker one is padded up to it), so an
   * unknown user or an odd stored hash takes as long to refuse as a wrong password.
   */
  verify(password: string, encoded: string | null): Promise<boolean>;
  /** True when `encoded` was made with other parameters than today's: rehash on login. */
  needsRehash(encoded: string): boolean;
}

interface ParsedHash {
  readonly iterations: number;
  readonly salt: string;
  readonly hash: string;
}

function parse(encoded: string): ParsedHash | null {
  const parts = encoded.split('$');
  if (parts.length !== 4 || parts[0] !== ALGORITHM) return null;
  const [, iterationsText = '', salt = '', hash = ''] = parts;
  if (!/^[1-9][0-9]{0,9}$/.test(iterationsText)) return null;
  if (!SALT.test(salt) || !ENCODED_HASH.test(hash)) return null;
  return { iterations: Number(iterationsText), salt, hash };
}

async function derive(password: string, salt: string, iterations: number, webCryptoMax: number): Promise<string> {
  const options = { c: iterations, dkLen: HASH_BYTES };
  const derived = iterations > webCryptoMax ? pbkdf2Async(sha256Js, password, salt, options) : pbkdf2(sha256, password, salt, options);
  return bytesToBase64(await derived);
}

/** The most PBKDF2 iterations Cloudflare Workers' Web Crypto computes in production. */
const WORKERS_PBKDF2_MAX = 100_000;

/** Creates a PBKDF2-SHA256 password hasher. Out-of-range options throw a `RangeError`. */
export function createPasswordHasher(options: PasswordHasherOptions = {}): PasswordHasher {
  const { iterations, maxIterations, webCryptoMaxIterations, randomBytes } = {
    iterations: 100_000,
    maxIterations: 1_200_000,
    webCryptoMaxIterations: onCloudflareWorkers() ? WORKERS_PBKDF2_MAX : Infinity,
    randomBytes: webCryptoRandomBytes,
    ...withoutUndefined(options),
  };
  if (!Number.isInteger(iterations) || iterations < 1) throw new RangeError('iterations must be a positive integer');
  if (!Number.isInteger(maxIterations) || maxIterations < iterations) {
    throw new RangeError('maxIterations must be an integer no smaller than iterations');
  }
  if (!(webCryptoMaxIterations === Infinity || (Number.isInteger(webCryptoMaxIterations) && webCryptoMaxIterations >= 1))) {
    throw new RangeError('webCryptoMaxIterations must be a positive integer or Infinity');
  }
  const newSalt = () => bytesToBase64Url(randomBytes(16));
  let dummy: string | undefined;

  return {
    async hash(password) {
      const salt = newSalt();
      return `${ALGORITHM}$${iterations}$${salt}$${await derive(password, salt, iterations, webCryptoMaxIterations)}`;
    },

    async verify(password, encoded) {
      const parsed = encoded === null ? null : parse(encoded);
      dummy ??= newSalt();
      if (!parsed || parsed.iterations > maxIterations) {
        // Nothing usable to compare with (no hash, Django's unusable `!…`, a malformed one,
        // one asking for absurd work, which is never done): one derivation at today's
        // parameters all the same, so the refusal costs what a wrong password costs.
        await derive(password, dummy, iterations, webCryptoMaxIterations);
        return false;
      }
      const match = constantTimeEqual(await derive(password, parsed.salt, parsed.iterations, webCryptoMaxIterations), parsed.hash);
      // A hash weaker than today's is cheaper to check: its refusal is padded up to today's
      // cost. One stronger than today's (an import, up to maxIterations) costs what it asks
      // until its first successful login re-hashes it; see the README.
      if (!match && parsed.iterations < iterations) await derive(password, dummy, iterations - parsed.iterations, webCryptoMaxIterations);
      return match;
    },

    needsRehash(encoded) {
      const parsed = parse(encoded);
      return !parsed || parsed.iterations !== iterations;
    },
  };
}
