/**
 * One-time tokens: the secrets a password reset, an activation or an email change mails,
 * issued and redeemed on top of any `OneTimeStore`.
 *
 * A token is `lko_<id><secret><checksum>`: a public 24-hex-digit id, 32 random bytes
 * (base64url) and the same checksum API tokens carry, computed over everything before it.
 *
 * - The store keeps only a digest: SHA-256 (HMAC-SHA256 under `secret`) of the purpose,
 *   a digest of the state the token was issued for (its binding), and the token. A reset
 *   token is bound to the user's password hash, so it dies the moment the password changes,
 *   whoever changes it and however (Django's reset tokens hash the password for the same
 *   reason); an email change is bound to the address it replaces.
 * - Lookup is by the id, not the digest: the binding must be read before the digest can be
 *   computed, and a wrong secret for a known id counts as an attempt, so a record dies after
 *   `maxAttempts` wrong guesses. With 256 random bits that only matters for short codes, but
 *   the contract is the same for both.
 * - Redeeming ends in the store's atomic `consume`: of two concurrent redemptions, exactly one
 *   wins. The purpose is checked there too, so a reset token never activates an account.
 */
import { hmac } from '@noble/hashes/hmac.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils.js';
import { constantTimeEqual } from '../constant-time.ts';
import { withoutUndefined } from '../options.ts';
import { type RandomBytes, webCryptoRandomBytes } from '../random.ts';
import { generateToken, isWellFormedToken } from '../tokens/token.ts';
import type { OneTimeRecord, OneTimeStore } from './one-time-store.ts';

/** The prefix of every one-time token: recognisably Latchkey's, and never an API token's. */
export const ONE_TIME_TOKEN_PREFIX = 'lko_';
const ID_LENGTH = 24;
const ID = /^[0-9a-f]{24}$/;
const PURPOSE = /^[a-z0-9-]{1,64}$/;

/** Options for `createOneTimeTokens`. Durations are milliseconds. */
export interface OneTimeTokensOptions {
  /** Where records live. Required. */
  readonly store: OneTimeStore;
  /** Server secret for keyed digests (HMAC-SHA256), at least 32 bytes. Default: none, plain SHA-256. */
  readonly secret?: string | Uint8Array | null;
  /** Lifetime of a token unless `issue` says otherwise. Default `3_600_000` (one hour). */
  readonly ttl?: number;
  /** Wrong secrets a token survives. Default `5`. */
  readonly maxAttempts?: number;
  /** Clock, milliseconds since the epoch. Default `Date.now`. */
  readonly now?: () => number;
  /** Random source for secrets and ids. Default Web Crypto's `getRandomValues`. */
  readonly randomBytes?: RandomBytes;
}

/** What `OneTimeTokens.issue` accepts besides the user and purpose. */
export interface IssueOneTimeInput {
  /** Carried by the record and handed back on redemption. Default `null`. */
  readonly data?: string | null;
  /** The state the token is valid for (a password hash, an address). Default: none. */
  readonly binding?: string | null;
  /** Lifetime of this token, overriding the service's `ttl`. */
  readonly ttl?: number;
}

/** Reads the current binding of a record's user at redemption; null refuses the token. */
export type CurrentBinding = (record: OneTimeRecord) => Promise<string | null> | string | null;

/** Why a one-time token was refused. Every reason reads the same on the wire. */
export type OneTimeRejection = 'malformed' | 'unknown' | 'expired' | 'exhausted' | 'invalid' | 'used';

/** The outcome of `OneTimeTokens.redeem`. */
export type RedeemResult =
  | { readonly ok: true; readonly record: OneTimeRecord }
  | { readonly ok: false; readonly reason: OneTimeRejection };

/** The one-time token operations the account flows use. */
export interface OneTimeTokens {
  /** Issues a token; `token` is the only copy of the plaintext: mail it, never log it. */
  issue(userId: string, purpose: string, input?: IssueOneTimeInput): Promise<{ token: string; record: OneTimeRecord }>;
  /** Checks a token as `redeem` does without using it up (a wrong secret still counts). */
  check(token: string, purpose: string, binding?: CurrentBinding): Promise<RedeemResult>;
  /**
   * Redeems a token for `purpose`, once. `binding` must give the same state the token was
   * issued with (omit it for tokens issued without one).
   */
  redeem(token: string, purpose: string, binding?: CurrentBinding): Promise<RedeemResult>;
  /** Revokes a user's tokens, of one purpose or (absent) all; how many. */
  revokeForUser(userId: string, purpose?: string): Promise<number>;
  /** Deletes expired records; how many. Schedule it. */
  purgeExpired(): Promise<number>;
}

function assertPositiveInteger(name: string, value: number): void {
  if (!Number.isSafeInteger(value) || value < 1) throw new RangeError(`${name} must be a positive integer`);
}

function assertPurpose(purpose: string): void {
  if (!PURPOSE.test(purpose)) throw new RangeError('a one-time purpose is 1-64 characters of [a-z0-9-]');
}

/** The id inside a well-formed one-time token, or null. */
function tokenId(token: string): string | null {
  const id = token.slice(ONE_TIME_TOKEN_PREFIX.length, ONE_TIME_TOKEN_PREFIX.length + ID_LENGTH);
  if (!token.startsWith(ONE_TIME_TOKEN_PREFIX) || !ID.test(id)) return null;
  // The checksum covers the id too: it is part of the "prefix" the token format checks.
  return isWellFormedToken(token, ONE_TIME_TOKEN_PREFIX + id) ? id : null;
}

/** Creates the one-time token service. Contradictory options throw at once. */
export function createOneTimeTokens(options: OneTimeTokensOptions): OneTimeTokens {
  const resolved = {
    secret: null as string | Uint8Array | null,
    ttl: 3_600_000,
    maxAttempts: 5,
    now: Date.now as () => number,
    randomBytes: webCryptoRandomBytes,
    ...withoutUndefined(options),
  };
  const { store, ttl, maxAttempts, now, randomBytes } = resolved;
  if (!store) throw new TypeError('createOneTimeTokens: store is required');
  assertPositiveInteger('ttl', ttl);
  assertPositiveInteger('maxAttempts', maxAttempts);
  const secret = typeof resolved.secret === 'string' ? utf8ToBytes(resolved.secret) : resolved.secret;
  if (secret && secret.length < 32) throw new RangeError('secret must be at least 32 bytes');

  // Purpose and binding are fixed-alphabet or fixed-length, so the newlines cannot be forged.
  const digest = (purpose: string, binding: string | null, token: string) => {
    const bound = binding === null ? '' : bytesToHex(sha256(utf8ToBytes(binding)));
    const message = utf8ToBytes(`${purpose}\n${bound}\n${token}`);
    return bytesToHex(secret ? hmac(sha256, secret, message) : sha256(message));
  };

  const verify = async (token: string, purpose: string, binding?: CurrentBinding): Promise<RedeemResult> => {
    // The checksum comes first: typos and garbage never reach the store.
    const id = tokenId(token);
    if (id === null) return { ok: false, reason: 'malformed' };
    const record = await store.find(id);
    if (!record || record.purpose !== purpose) return { ok: false, reason: 'unknown' };
    // Dead records stay until `purgeExpired`; `consume` refuses them whatever this says.
    if (record.expiresAt <= now()) return { ok: false, reason: 'expired' };
    if (record.attempts >= record.maxAttempts) return { ok: false, reason: 'exhausted' };
    const current = binding ? await binding(record) : null;
    if (binding && current === null) return { ok: false, reason: 'invalid' };
    if (!constantTimeEqual(record.digest, digest(purpose, current, token))) {
      await store.recordFailure(id);
      return { ok: false, reason: 'invalid' };
    }
    return { ok: true, record };
  };

  return {
    async issue(userId, purpose, input = {}) {
      assertPurpose(purpose);
      const lifetime = input.ttl ?? ttl;
      assertPositiveInteger('ttl', lifetime);
      const id = bytesToHex(randomBytes(ID_LENGTH / 2));
      const token = generateToken(ONE_TIME_TOKEN_PREFIX + id, randomBytes);
      const createdAt = now();
      const record: OneTimeRecord = {
        id,
        userId,
        purpose,
        digest: digest(purpose, input.binding ?? null, token),
        data: input.data ?? null,
        createdAt,
        expiresAt: createdAt + lifetime,
        attempts: 0,
        maxAttempts,
      };
      await store.insert(record);
      return { token, record };
    },

    check: verify,

    async redeem(token, purpose, binding) {
      const verified = await verify(token, purpose, binding);
      if (!verified.ok) return verified;
      const consumed = await store.consume(verified.record.id, purpose, verified.record.digest, now());
      return consumed ? { ok: true, record: consumed } : { ok: false, reason: 'used' };
    },

    revokeForUser: (userId, purpose) => store.deleteForUser(userId, purpose),

    purgeExpired: () => store.purgeExpired(now()),
  };
}
