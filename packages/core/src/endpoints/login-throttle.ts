/**
 * Throttles for the endpoints that take a password: by client address (one machine
 * guessing many accounts) and by username (many machines guessing one account). Both
 * count every attempt, failed or not, and refused ones too, so hammering never shortens
 * the wait. The cost: anyone can hold one username at its limit; the address limit and a
 * modest rate keep that a nuisance rather than a lockout.
 *
 * A request whose client address is unknown is counted by username alone: one shared
 * bucket for every such request would let 30 bad logins from anyone lock everyone out.
 * Adapters pass the host's address; see `client-address.ts`.
 */
import type { HostContext } from '../schemes/authenticator.ts';
import { type ClientAddressSource, peerAddress, throttledAddress } from '../throttling/client-address.ts';
import { Throttled } from '../errors.ts';
import { MemoryThrottleStore } from '../throttling/memory-throttle-store.ts';
import { withoutUndefined } from '../options.ts';
import { type RateCounter, rateCounter } from '../throttling/throttle.ts';
import type { ThrottleStore } from '../throttling/throttle-store.ts';

/** Options for the login throttle (`createAuthEndpoints({ throttle })`). */
export interface LoginThrottleOptions {
  /**
   * Where counters live. Default a new `MemoryThrottleStore`, which counts for this process
   * only: with several instances (processes, isolates), pass a shared one, such as the
   * `throttles` that `@latchkey/drizzle`'s helpers hand out or `@latchkey/redis`'s.
   */
  readonly store?: ThrottleStore;
  /** Attempts per username, a DRF rate; null: off. Default `"5/minute"`. */
  readonly usernameRate?: string | null;
  /** Attempts per client address, on login and registration alike; null: off. Default `"30/minute"`. */
  readonly addressRate?: string | null;
  /** Where the client's address comes from. Default `peerAddress` (what the adapter saw). */
  readonly clientAddress?: ClientAddressSource;
  /** Clock, milliseconds since the epoch. Default `Date.now`. */
  readonly now?: () => number;
}

/** The checks the endpoints run; each answers a refusal or null. */
export interface LoginThrottle {
  /** Before a login reads its body. */
  readonly loginByAddress: (request: Request, host: HostContext) => Promise<Throttled | null>;
  /** Once the username is known, before the password is checked. */
  readonly loginByUsername: (username: string) => Promise<Throttled | null>;
  /** Before a registration reads its body. */
  readonly registerByAddress: (request: Request, host: HostContext) => Promise<Throttled | null>;
}

const allow = async () => null;

/** No throttling at all (`throttle: false`). */
export const NO_LOGIN_THROTTLE: LoginThrottle = { loginByAddress: allow, loginByUsername: allow, registerByAddress: allow };

/** Builds the login throttle; an invalid rate throws a `RangeError` here, not on a request. */
export function loginThrottle(options: LoginThrottleOptions = {}): LoginThrottle {
  const { store, usernameRate, addressRate, clientAddress, now } = {
    usernameRate: '5/minute' as string | null,
    addressRate: '30/minute' as string | null,
    clientAddress: peerAddress,
    now: Date.now as () => number,
    ...withoutUndefined(options),
    store: options.store ?? new MemoryThrottleStore(),
  };
  const build = (scope: string, rate: string | null): RateCounter | null =>
    rate === null ? null : rateCounter({ scope, rate, store, now });
  const check = async (count: RateCounter | null, subject: string | null) => {
    const wait = count && subject !== null ? await count(subject) : null;
    return wait === null ? null : new Throttled(wait);
  };
  const address = (request: Request, host: HostContext) => throttledAddress(clientAddress, request, host);
  const login = build('login-address', addressRate);
  const register = build('register-address', addressRate);
  const username = build('login-username', usernameRate);

  return {
    loginByAddress: async (request, host) => (login ? check(login, address(request, host)) : null),
    loginByUsername: (name) => check(username, name),
    registerByAddress: async (request, host) => (register ? check(register, address(request, host)) : null),
  };
}
