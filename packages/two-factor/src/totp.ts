/**
 * TOTP two-factor authentication (RFC 6238) over a `TotpStore`; the codes themselves are
 * `@oslojs/otp`'s HOTP, counted in time steps here so that the clock can be injected.
 *
 * - The seed is 20 random bytes (RFC 4226's recommended 160 bits), sealed at rest with the
 *   server key (`SecretBox`, bound to the user id) and shown once, at enrolment.
 * - A code is accepted for the current step and `window` steps either side (clock drift),
 *   and only for a step later than the last one accepted: the store's atomic `useStep` makes
 *   each code good once, across processes, so a code seen over a shoulder is already spent.
 * - Every candidate step is computed and compared in constant time, with no early exit.
 * - Every attempt counts per user (`rate`, default 5 a minute, across every login and interim
 *   token), counted before any work by an atomic increment, so not even a burst of concurrent
 *   guesses gets past the limit (a peek-then-count would let a burst through); a million
 *   codes then take years.
 * - Backup codes are 64 random bits each, kept as SHA-256 digests bound to the user, and
 *   each works once (the store's atomic `useBackupCode`). 64 bits is beyond guessing, so a
 *   plain digest is enough: there is nothing to try a stolen digest against.
 */
import { constantTimeEqual, type RandomBytes, rateCounter, type SecondFactor, type SecretBox, Throttled, type ThrottleStore } from '@latchkey/core';
import { MemoryThrottleStore } from '@latchkey/core';
import { decodeBase64, encodeBase32NoPadding, encodeBase64, encodeHexLowerCase } from '@oslojs/encoding';
import { createTOTPKeyURI, generateHOTP } from '@oslojs/otp';
import { renderSVG } from 'uqr';
import type { TotpRecord, TotpStore } from './totp-store.ts';

const SEED_BYTES = 20;
const BACKUP_BYTES = 8;
const BACKUP = /^[0-9a-f]{16}$/;

/** Options for `createTotp`. */
export interface TotpOptions {
  /** Where TOTP state lives. Required. */
  readonly store: TotpStore;
  /** Seals the seeds: `createSecretBox(serverKey, { purpose: 'latchkey-totp' })`. Required. */
  readonly secrets: SecretBox;
  /** The name authenticator apps show above the code, e.g. the site's. Required. */
  readonly issuer: string;
  /** Digits per code, 6 to 8. Default `6` (what every authenticator app shows). */
  readonly digits?: number;
  /** Seconds per time step. Default `30` (RFC 6238's). */
  readonly period?: number;
  /** Steps accepted either side of the current one, for clock drift. Default `1`. */
  readonly window?: number;
  /** Backup codes made when TOTP is turned on. Default `10`. */
  readonly backupCodes?: number;
  /** Attempts per user (right or wrong), a DRF rate; null: no limit. Default `"5/minute"`. */
  readonly rate?: string | null;
  /** Where the wrong-code counters live; share one across instances. Default a new `MemoryThrottleStore`. */
  readonly throttleStore?: ThrottleStore;
  /** Clock, milliseconds since the epoch. Default `Date.now`. */
  readonly now?: () => number;
  /** Random source for seeds and backup codes. Default Web Crypto's `getRandomValues`. */
  readonly randomBytes?: RandomBytes;
}

/** What enrolment shows the user, once. */
export interface TotpEnrolment {
  /** The seed in base32, for typing into an authenticator app. */
  readonly secret: string;
  /** The `otpauth://totp/…` URI (Google Authenticator's key URI format). */
  readonly otpauthUrl: string;
  /** The URI as a QR code, an SVG document. */
  readonly qrSvg: string;
}

/** TOTP two-factor authentication; as a `SecondFactor` it gates the logins. */
export interface Totp extends SecondFactor {
  /** Starts (or restarts) enrolment; null when TOTP is already on for the user. */
  enrol(userId: string, accountName: string): Promise<TotpEnrolment | null>;
  /**
   * Turns TOTP on with a first code from the app: the backup codes (shown once), null for a
   * wrong code or no pending enrolment, or a `Throttled`.
   */
  confirm(userId: string, code: string): Promise<readonly string[] | null | Throttled>;
  /** Turns TOTP off, given a current code or a backup code: true when it was on and now is not. */
  disable(userId: string, code: string): Promise<boolean | Throttled>;
}

const randomSource: RandomBytes = (length) => crypto.getRandomValues(new Uint8Array(length));

async function backupDigest(userId: string, normalised: string): Promise<string> {
  const message = new TextEncoder().encode(`latchkey-backup-code\n${userId}\n${normalised}`);
  return encodeHexLowerCase(new Uint8Array(await crypto.subtle.digest('SHA-256', message)));
}

/** Creates the TOTP service. Contradictory options throw at once. */
export function createTotp(options: TotpOptions): Totp {
  const { store, secrets, issuer } = options;
  if (!store || !secrets || !issuer) throw new TypeError('createTotp: store, secrets and issuer are required');
  const digits = options.digits ?? 6;
  const period = options.period ?? 30;
  const window = options.window ?? 1;
  const backupCount = options.backupCodes ?? 10;
  const now = options.now ?? Date.now;
  const randomBytes = options.randomBytes ?? randomSource;
  if (!Number.isInteger(digits) || digits < 6 || digits > 8) throw new RangeError('createTotp: digits is 6 to 8');
  if (!Number.isInteger(period) || period < 1) throw new RangeError('createTotp: period is a positive number of seconds');
  if (!Number.isInteger(window) || window < 0 || window > 10) throw new RangeError('createTotp: window is 0 to 10 steps');
  if (!Number.isInteger(backupCount) || backupCount < 0 || backupCount > 100) throw new RangeError('createTotp: backupCodes is 0 to 100');
  const rate = options.rate === undefined ? '5/minute' : options.rate;
  const throttleStore = options.throttleStore ?? new MemoryThrottleStore();
  const counter = rate === null ? null : rateCounter({ scope: 'totp', rate, store: throttleStore, now });
  const code = new RegExp(`^[0-9]{${digits}}$`);

  const seedOf = async (record: TotpRecord) => new Uint8Array(await secrets.open(decodeBase64(record.sealedSeed) as Uint8Array<ArrayBuffer>, record.userId));

  /** The step `given` is the code for, within the window; null when none. Every step is computed. */
  const matchingStep = (seed: Uint8Array, given: string): number | null => {
    const current = Math.floor(now() / 1000 / period);
    let found: number | null = null;
    for (let step = current - window; step <= current + window; step++) {
      if (constantTimeEqual(generateHOTP(seed, BigInt(step), digits), given) && found === null) found = step;
    }
    return found;
  };

  /** A TOTP code used up once, for its step. */
  const useTotp = async (record: TotpRecord, given: string): Promise<boolean> => {
    if (!code.test(given)) return false;
    const step = matchingStep(await seedOf(record), given);
    return step !== null && (record.lastStep === null || step > record.lastStep) && store.useStep(record.userId, step);
  };

  /** Runs `attempt` behind the per-user limit; every attempt counts, before it runs. */
  const limited = async (userId: string, attempt: () => Promise<boolean>): Promise<boolean | Throttled> => {
    const wait = counter ? await counter(userId) : null;
    return wait === null ? attempt() : new Throttled(wait);
  };

  const verifyEnabled = async (userId: string, given: string): Promise<boolean | Throttled> => {
    const record = await store.find(userId);
    if (!record || record.enabledAt === null) return false;
    return limited(userId, async () => {
      const trimmed = given.replace(/[\s-]/g, '').toLowerCase();
      if (code.test(trimmed)) return useTotp(record, trimmed);
      return BACKUP.test(trimmed) && store.useBackupCode(userId, await backupDigest(userId, trimmed));
    });
  };

  return {
    async isRequired(userId) {
      const record = await store.find(userId);
      return record !== null && record.enabledAt !== null;
    },

    verify: verifyEnabled,

    async enrol(userId, accountName) {
      const existing = await store.find(userId);
      if (existing && existing.enabledAt !== null) return null;
      const seed = randomBytes(SEED_BYTES).slice();
      const sealed = await secrets.seal(seed, userId);
      await store.save({ userId, sealedSeed: encodeBase64(sealed), enabledAt: null, lastStep: null, createdAt: now() });
      const otpauthUrl = createTOTPKeyURI(issuer, accountName, seed, period, digits);
      return { secret: encodeBase32NoPadding(seed), otpauthUrl, qrSvg: renderSVG(otpauthUrl) };
    },

    async confirm(userId, given) {
      const record = await store.find(userId);
      if (!record || record.enabledAt !== null) return null;
      let codes: string[] = [];
      const passed = await limited(userId, async () => {
        if (!(await useTotp(record, given.trim()))) return false;
        codes = Array.from({ length: backupCount }, () => encodeHexLowerCase(randomBytes(BACKUP_BYTES)).replace(/(.{4})(?!$)/g, '$1-'));
        const digests = await Promise.all(codes.map((backup) => backupDigest(userId, backup.replaceAll('-', ''))));
        return store.enable(userId, now(), digests);
      });
      if (passed instanceof Throttled) return passed;
      return passed ? codes : null;
    },

    async disable(userId, given) {
      const passed = await verifyEnabled(userId, given);
      if (passed !== true) return passed;
      return store.delete(userId);
    },
  };
}
