/**
 * Emailed login codes: short numeric secrets typed back with the address they were mailed to.
 *
 * A code is too short to carry its own record id, as a mailed link's token does, so the
 * record's id is derived from the address (a keyed digest of it): one live code per address,
 * found by the address typed back. The rest is the one-time store's contract:
 *
 * - The store keeps only a digest of the code, HMAC-SHA256 under `secret` (plain SHA-256
 *   without one; a million codes are then quick to try against a stolen digest, so give a
 *   secret), bound to the record id, and it is compared in constant time.
 * - Each try counts against the record (`recordFailure`, before the comparison, so concurrent
 *   guesses count too); after `maxAttempts` wrong ones it is dead
 *   (drfpasswordless lets every guess through for the code's whole life, its issue #100).
 *   Asking again replaces the code with a fresh one; the endpoints' per-address rate bounds
 *   how often, so guesses per hour stay at (requests × attempts) in a million.
 * - Redeeming ends in the store's atomic `consume`: of two concurrent verifies, one wins.
 * - Digits are drawn from the CSPRNG by rejection (bytes of 250 and above are redrawn), so
 *   every code is equally likely: a plain `byte % 10` would favour 0 to 5.
 */
import { hmac } from '@noble/hashes/hmac.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils.js';
import { constantTimeEqual } from '../constant-time.ts';
import type { OneTimeRecord, OneTimeStore } from '../one-time/one-time-store.ts';
import type { OneTimeRejection } from '../one-time/one-time-tokens.ts';
import { withoutUndefined } from '../options.ts';
import { type RandomBytes, webCryptoRandomBytes } from '../random.ts';
import { emailKey } from '../users/user-store.ts';

/** The purpose of every login code record; no other one-time token redeems as one. */
export const LOGIN_CODE_PURPOSE = 'login-code';
/** The user id of a sign-up code's record (no user exists yet): this prefix and the record id. */
export const SIGN_UP_USER_PREFIX = 'sign-up:';
const ID_HEX = 24;

/** Options for `createLoginCodes`. Durations are milliseconds. */
export interface LoginCodesOptions {
  /** Where records live: the one-time store the account flows use. Required. */
  readonly store: OneTimeStore;
  /** Server secret for keyed digests (HMAC-SHA256), at least 32 bytes. Default none: plain SHA-256. */
  readonly secret?: string | Uint8Array | null;
  /** Digits in a code, 4 to 10. Default `6`. */
  readonly length?: number;
  /** Lifetime of a code. Default `900_000` (15 minutes, drfpasswordless's). */
  readonly ttl?: number;
  /** Wrong codes a code survives. Default `5`. */
  readonly maxAttempts?: number;
  /** Clock, milliseconds since the epoch. Default `Date.now`. */
  readonly now?: () => number;
  /** Random source. Default Web Crypto's `getRandomValues`. */
  readonly randomBytes?: RandomBytes;
}

/** The outcome of `LoginCodes.redeem`. */
export type CodeResult =
  | { readonly ok: true; readonly record: OneTimeRecord }
  | { readonly ok: false; readonly reason: OneTimeRejection };

/** Login codes over a one-time store. */
export interface LoginCodes {
  /** Digits per code. */
  readonly length: number;
  /** Lifetime of a code, milliseconds. */
  readonly ttl: number;
  /**
   * Issues a code for `email`, replacing any earlier one. `userId` is the user it logs in;
   * null for a sign-up, whose record carries the address as `data`. The code is the only
   * copy of the plaintext: mail it, never log it.
   */
  issue(email: string, userId: string | null): Promise<string>;
  /** Redeems `code` for `email`, once; a wrong code counts against the record. */
  redeem(email: string, code: string): Promise<CodeResult>;
}

/** Creates the login code service. Contradictory options throw at once. */
export function createLoginCodes(options: LoginCodesOptions): LoginCodes {
  const { store, length, ttl, maxAttempts, now, randomBytes } = {
    length: 6,
    ttl: 900_000,
    maxAttempts: 5,
    now: Date.now as () => number,
    randomBytes: webCryptoRandomBytes,
    ...withoutUndefined(options),
  };
  if (!store) throw new TypeError('createLoginCodes: store is required');
  if (!Number.isInteger(length) || length < 4 || length > 10) throw new RangeError('createLoginCodes: length is 4 to 10 digits');
  for (const [name, value] of Object.entries({ ttl, maxAttempts })) {
    if (!Number.isSafeInteger(value) || value < 1) throw new RangeError(`createLoginCodes: ${name} must be a positive integer`);
  }
  const secret = typeof options.secret === 'string' ? utf8ToBytes(options.secret) : (options.secret ?? null);
  if (secret && secret.length < 32) throw new RangeError('createLoginCodes: secret must be at least 32 bytes');
  const digits = new RegExp(`^[0-9]{${length}}$`);

  const keyed = (message: string) => bytesToHex(secret ? hmac(sha256, secret, utf8ToBytes(message)) : sha256(utf8ToBytes(message)));
  // ASCII case is ignored as the user store ignores it, so `Alice@` and `alice@` share a code.
  const idFor = (email: string) => keyed(`${LOGIN_CODE_PURPOSE}-id\n${emailKey(email)}`).slice(0, ID_HEX);
  const digestOf = (id: string, code: string) => keyed(`${LOGIN_CODE_PURPOSE}\n${id}\n${code}`);

  const draw = (): string => {
    let code = '';
    while (code.length < length) {
      for (const byte of randomBytes(length * 2)) {
        if (byte < 250 && code.length < length) code += String(byte % 10);
      }
    }
    return code;
  };

  return {
    length,
    ttl,
    async issue(email, userId) {
      const id = idFor(email);
      const code = draw();
      // One live code per address: whatever was there (a user's, a sign-up's) goes first.
      await store.deleteForUser(`${SIGN_UP_USER_PREFIX}${id}`, LOGIN_CODE_PURPOSE);
      if (userId !== null) await store.deleteForUser(userId, LOGIN_CODE_PURPOSE);
      const createdAt = now();
      await store.insert({
        id,
        userId: userId ?? `${SIGN_UP_USER_PREFIX}${id}`,
        purpose: LOGIN_CODE_PURPOSE,
        digest: digestOf(id, code),
        data: userId === null ? email : null,
        createdAt,
        expiresAt: createdAt + ttl,
        attempts: 0,
        // Tries are counted before they are checked, the right one too; the store redeems
        // only while `attempts < maxAttempts`, so the bound stored is one above the tries allowed.
        maxAttempts: maxAttempts + 1,
      });
      return code;
    },

    async redeem(email, code) {
      if (!digits.test(code)) return { ok: false, reason: 'malformed' };
      const id = idFor(email);
      // Computed before the lookup, so a known and an unknown address cost the same.
      const digest = digestOf(id, code);
      const record = await store.find(id);
      // Every try is counted before the comparison, by the store's atomic increment, so of any
      // burst of concurrent guesses at most `maxAttempts` are compared. An unknown address
      // costs the same write (it matches nothing), so the work tells nothing either.
      const tries = await store.recordFailure(id);
      const reason: OneTimeRejection | null =
        !record || record.purpose !== LOGIN_CODE_PURPOSE
          ? 'unknown'
          : record.expiresAt <= now()
            ? 'expired'
            : tries === null || tries >= record.maxAttempts
              ? 'exhausted'
              : constantTimeEqual(record.digest, digest)
                ? null
                : 'invalid';
      if (reason !== null) return { ok: false, reason };
      const consumed = await store.consume(id, LOGIN_CODE_PURPOSE, digest, now());
      return consumed ? { ok: true, record: consumed } : { ok: false, reason: 'used' };
    },
  };
}
