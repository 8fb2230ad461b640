/**
 * DRF's throttles over a `ThrottleStore`, counting with a sliding window: the count of
 * the current fixed window plus the previous window's count weighted by how much of it
 * still overlaps the sliding one. That avoids the double burst a fixed window allows at
 * its edges, at the cost of two counters per key (Cloudflare's rate limiter does the same).
 * Refused requests are counted too, so hammering does not shorten the wait.
 */
import type { HostContext, Identity } from '../schemes/authenticator.ts';
import { type ClientAddressSource, peerAddress, throttledAddress } from './client-address.ts';
import { withoutUndefined } from '../options.ts';
import type { ThrottleStore } from './throttle-store.ts';
import type { AuthUser } from '../users/user-store.ts';

/** Decides whether a request is over a rate: the seconds to wait, or null when allowed. */
export type Throttle<U extends AuthUser = AuthUser> = (
  request: Request,
  identity: Identity<U>,
  host: HostContext,
) => Promise<number | null>;

/** A parsed rate: `limit` requests per `windowMs`. */
export interface Rate {
  readonly limit: number;
  readonly windowMs: number;
}

const PERIODS: Record<string, number> = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/**
 * Parses DRF's rate strings: `"100/hour"`, `"5/min"`, `"10/s"`, `"1000/day"` (the period
 * is read from its first letter, as DRF does). Throws a `RangeError` otherwise.
 */
export function parseRate(rate: string): Rate {
  const match = /^\s*([1-9][0-9]*)\s*\/\s*([smhd])[a-z]*\s*$/i.exec(rate);
  if (!match) throw new RangeError(`invalid rate "${rate}": expected "<count>/<second|minute|hour|day>"`);
  return { limit: Number(match[1]), windowMs: PERIODS[match[2]!.toLowerCase()]! };
}

/** Options shared by every throttle factory. */
export interface ThrottleOptions {
  /** A DRF rate such as `"100/hour"`. Required. */
  readonly rate: string;
  /** Where counters live. Required. */
  readonly store: ThrottleStore;
  /** Prefix of every counter key, so throttles sharing a store count apart. Default: the factory's scope. */
  readonly scope?: string;
  /** Clock, milliseconds since the epoch. Default `Date.now`. */
  readonly now?: () => number;
}

/** Options for `rateThrottle`. */
export interface RateThrottleOptions<U extends AuthUser> extends ThrottleOptions {
  /** What to count by; null: this request is not throttled. Required. */
  readonly key: (request: Request, identity: Identity<U>, host: HostContext) => string | null | Promise<string | null>;
}

/** Options for the address-aware throttles. */
export interface AddressThrottleOptions extends ThrottleOptions {
  /** Where the client's address comes from. Default `peerAddress` (what the adapter saw). */
  readonly clientAddress?: ClientAddressSource;
}

/** The seconds until one more request fits under `limit`, given the counts now. */
function secondsToWait(rate: Rate, current: number, previous: number, elapsed: number): number {
  const { limit, windowMs } = rate;
  let waitMs: number;
  if (current + 1 <= limit && previous > 0) {
    waitMs = windowMs * (1 - (limit - current - 1) / previous) - elapsed;
  } else {
    waitMs = windowMs - elapsed + windowMs * Math.max(0, 1 - (limit - 1) / current);
  }
  return Math.max(1, Math.ceil(waitMs / 1000));
}

/** Counts one request for `subject`: the seconds to wait, or null when allowed. */
export type RateCounter = (subject: string) => Promise<number | null>;

/**
 * The sliding-window count itself, for a subject the caller already knows (a username read
 * from a body, say). `rateThrottle` and the login throttle are built on it.
 */
export function rateCounter(options: ThrottleOptions): RateCounter {
  return slidingWindow(options, true);
}

/**
 * What `rateCounter` would answer for one more request, counting nothing: for checks that
 * count only failures (a password sent on every request, which only a wrong one should
 * use up), asked before the work and followed by `rateCounter` when the attempt fails.
 */
export function ratePeek(options: ThrottleOptions): RateCounter {
  return slidingWindow(options, false);
}

function slidingWindow(options: ThrottleOptions, counts: boolean): RateCounter {
  const { store, scope, now } = { scope: 'rate', now: Date.now as () => number, ...withoutUndefined(options) };
  if (!store) throw new TypeError('throttle: store is required');
  const rate = parseRate(options.rate);
  return async (subject) => {
    const at = now();
    const window = Math.floor(at / rate.windowMs);
    const elapsed = at - window * rate.windowMs;
    const base = `${scope}:${subject}:`;
    const [current, previous] = await Promise.all([
      // A peek reads the count this request would make, as if it had been counted.
      counts ? store.increment(base + window, (window + 2) * rate.windowMs, at) : store.get(base + window, at).then((n) => n + 1),
      store.get(base + (window - 1), at),
    ]);
    const estimate = previous * (1 - elapsed / rate.windowMs) + current;
    return estimate <= rate.limit ? null : secondsToWait(rate, current, previous, elapsed);
  };
}

/** A throttle counting by any key. The general form behind the DRF-named ones. */
export function rateThrottle<U extends AuthUser = AuthUser>(options: RateThrottleOptions<U>): Throttle<U> {
  const count = rateCounter(options);
  const { key } = options;
  return async (request, identity, host) => {
    const subject = await key(request, identity, host);
    return subject === null ? null : count(subject);
  };
}

/**
 * DRF's AnonRateThrottle: anonymous callers only, counted by client address. A request
 * whose address is unknown is not counted (see `client-address.ts` for why).
 */
export function anonRateThrottle(options: AddressThrottleOptions): Throttle {
  const clientAddress = options.clientAddress ?? peerAddress;
  return rateThrottle({
    scope: 'anon',
    ...withoutUndefined(options),
    key: (request, identity, host) => (identity.user ? null : throttledAddress(clientAddress, request, host)),
  });
}

/**
 * DRF's UserRateThrottle: counted by user id, or by client address when anonymous (an
 * anonymous request whose address is unknown is not counted).
 */
export function userRateThrottle(options: AddressThrottleOptions): Throttle {
  const clientAddress = options.clientAddress ?? peerAddress;
  return rateThrottle({
    scope: 'user',
    ...withoutUndefined(options),
    key: (request, identity, host) => {
      if (identity.user) return `id:${identity.user.id}`;
      const address = throttledAddress(clientAddress, request, host);
      return address === null ? null : `ip:${address}`;
    },
  });
}
