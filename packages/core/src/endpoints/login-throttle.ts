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
import { type RateCounter, rateCounter, ratePeek } from '../throttling/throttle.ts';
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

/**
 * The checks every password check runs; each answers a refusal or null. Build one with
 * `loginThrottle(options)` and hand the same one to `createAuthEndpoints` and `basicAuth`
 * to share it; by default both use `defaultLoginThrottle(users)`, shared already.
 */
export interface LoginThrottle {
  /** Before a login reads its body. */
  readonly loginByAddress: (request: Request, host: HostContext) => Promise<Throttled | null>;
  /** Once the username is known, before the password is checked. */
  readonly loginByUsername: (username: string) => Promise<Throttled | null>;
  /** Before a registration reads its body. */
  readonly registerByAddress: (request: Request, host: HostContext) => Promise<Throttled | null>;
  /**
   * For schemes that send the password with every request (Basic), before the hash: would
   * one more failure be over the username or the address limit? Counts nothing, so a client
   * that keeps sending the right password is not throttled for it.
   */
  readonly passwordAllowed: (request: Request, host: HostContext, username: string) => Promise<Throttled | null>;
  /** Counts a refused password (or a throttled attempt) against both limits. */
  readonly passwordRefused: (request: Request, host: HostContext, username: string) => Promise<void>;
}

const allow = async () => null;

/** No throttling at all (`throttle: false`). */
export const NO_LOGIN_THROTTLE: LoginThrottle = {
  loginByAddress: allow,
  loginByUsername: allow,
  registerByAddress: allow,
  passwordAllowed: allow,
  passwordRefused: async () => {},
};

const shared = new WeakMap<object, LoginThrottle>();

/**
 * The login throttle of every password check against `users` that is given no other: one
 * per user store, with the default options, so the login endpoints and Basic authentication
 * over one store count the same guesses without any wiring. Its counters live in this
 * process's memory; across instances build one over a shared store with `loginThrottle`.
 */
export function defaultLoginThrottle(users: object): LoginThrottle {
  let throttle = shared.get(users);
  if (!throttle) shared.set(users, (throttle = loginThrottle()));
  return throttle;
}

/**
 * Counts `subject` against `count` and answers the refusal once it is over its rate, else
 * null. A null counter (rate off) or a null subject (an unknown client address) counts
 * nothing: unknown callers never share one bucket that anyone could fill for everyone.
 */
export async function throttleCheck(count: RateCounter | null, subject: string | null): Promise<Throttled | null> {
  const wait = count && subject !== null ? await count(subject) : null;
  return wait === null ? null : new Throttled(wait);
}

/**
 * Builds a login throttle; an invalid rate throws a `RangeError` here, not on a request.
 * Pass the one result to `createAuthEndpoints({ throttle })` and `basicAuth({ throttle })`
 * so that guesses through either count against the same limits.
 */
export function loginThrottle(options: LoginThrottleOptions = {}): LoginThrottle {
  const { store, usernameRate, addressRate, clientAddress, now } = {
    usernameRate: '5/minute' as string | null,
    addressRate: '30/minute' as string | null,
    clientAddress: peerAddress,
    now: Date.now as () => number,
    ...withoutUndefined(options),
    store: options.store ?? new MemoryThrottleStore(),
  };
  const build = (scope: string, rate: string | null, peek = false): RateCounter | null =>
    rate === null ? null : (peek ? ratePeek : rateCounter)({ scope, rate, store, now });
  const address = (request: Request, host: HostContext) => throttledAddress(clientAddress, request, host);
  const login = build('login-address', addressRate);
  const register = build('register-address', addressRate);
  const username = build('login-username', usernameRate);
  // The same counters as the login's, read without counting.
  const loginPeek = build('login-address', addressRate, true);
  const usernamePeek = build('login-username', usernameRate, true);

  return {
    loginByAddress: async (request, host) => (login ? throttleCheck(login, address(request, host)) : null),
    loginByUsername: (name) => throttleCheck(username, name),
    registerByAddress: async (request, host) => (register ? throttleCheck(register, address(request, host)) : null),
    async passwordAllowed(request, host, name) {
      const refusals = await Promise.all([throttleCheck(loginPeek, address(request, host)), throttleCheck(usernamePeek, name)]);
      return refusals.reduce((longest, refusal) => (refusal && (!longest || refusal.wait > longest.wait) ? refusal : longest));
    },
    async passwordRefused(request, host, name) {
      await Promise.all([throttleCheck(login, address(request, host)), throttleCheck(username, name)]);
    },
  };
}
