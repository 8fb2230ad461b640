/**
 * Throttles for the account flows: by client address (one machine walking through many
 * addresses or tokens), by email (nobody mail-bombs an inbox through the reset form) and by
 * user (a stolen token cannot guess the current password quickly). The email counter counts
 * known and unknown addresses alike, so a 429 tells nothing about who has an account.
 */
import { Throttled } from '../../errors.ts';
import { withoutUndefined } from '../../options.ts';
import type { HostContext } from '../../schemes/authenticator.ts';
import { type ClientAddressSource, peerAddress, throttledAddress } from '../../throttling/client-address.ts';
import { MemoryThrottleStore } from '../../throttling/memory-throttle-store.ts';
import { type RateCounter, rateCounter } from '../../throttling/throttle.ts';
import type { ThrottleStore } from '../../throttling/throttle-store.ts';
import { emailKey } from '../../users/user-store.ts';
import { throttleCheck } from '../login-throttle.ts';

/** Options for the account throttle (`account: { throttle }`). */
export interface AccountThrottleOptions {
  /** Where counters live; share one across instances. Default a new `MemoryThrottleStore`. */
  readonly store?: ThrottleStore;
  /** Requests per client address to any account route, a DRF rate; null: off. Default `"30/minute"`. */
  readonly addressRate?: string | null;
  /** Mails asked for per address (reset, resend, email change); null: off. Default `"5/hour"`. */
  readonly emailRate?: string | null;
  /** Password checks per user (password and email change); null: off. Default `"5/minute"`. */
  readonly userRate?: string | null;
  /** Where the client's address comes from. Default `peerAddress`. */
  readonly clientAddress?: ClientAddressSource;
  /** Clock, milliseconds since the epoch. Default `Date.now`. */
  readonly now?: () => number;
}

/** The checks the account endpoints run; each answers a refusal or null. */
export interface AccountThrottle {
  readonly byAddress: (request: Request, host: HostContext) => Promise<Throttled | null>;
  readonly byEmail: (email: string) => Promise<Throttled | null>;
  readonly byUser: (userId: string) => Promise<Throttled | null>;
}

const allow = async () => null;

/** No throttling (`account: { throttle: false }`). */
export const NO_ACCOUNT_THROTTLE: AccountThrottle = { byAddress: allow, byEmail: allow, byUser: allow };

/** Builds the account throttle; an invalid rate throws a `RangeError` here. */
export function accountThrottle(options: AccountThrottleOptions = {}): AccountThrottle {
  const { store, addressRate, emailRate, userRate, clientAddress, now } = {
    addressRate: '30/minute' as string | null,
    emailRate: '5/hour' as string | null,
    userRate: '5/minute' as string | null,
    clientAddress: peerAddress,
    now: Date.now as () => number,
    ...withoutUndefined(options),
    store: options.store ?? new MemoryThrottleStore(),
  };
  const build = (scope: string, rate: string | null): RateCounter | null =>
    rate === null ? null : rateCounter({ scope, rate, store, now });
  const address = build('account-address', addressRate);
  const email = build('account-email', emailRate);
  const user = build('account-user', userRate);
  return {
    byAddress: (request, host) => throttleCheck(address, throttledAddress(clientAddress, request, host)),
    byEmail: (value) => throttleCheck(email, emailKey(value)),
    byUser: (userId) => throttleCheck(user, userId),
  };
}
