/**
 * Throttles for the endpoints that take a password: by client address (one machine
 * guessing many accounts) and by username (many machines guessing one account). Both
 * count every attempt, failed or not, and refused ones too, so hammering never shortens
 * the wait. The cost: anyone can hold one username at its limit; the address limit and a
 * modest rate keep that a nuisance rather than a lockout.
 */
import type { HostContext } from '../authenticator.ts';
import { type ClientAddressSource, peerAddress } from '../client-address.ts';
import { Throttled } from '../errors.ts';
import { MemoryThrottleStore } from '../memory-throttle-store.ts';
import { withoutUndefined } from '../options.ts';
import { rateThrottle, type RateThrottleOptions, type Throttle } from '../throttle.ts';
import type { ThrottleStore } from '../throttle-store.ts';
import type { AuthUser } from '../user-store.ts';

/** Options for the login throttle (`createAuthEndpoints({ throttle })`). */
export interface LoginThrottleOptions {
  /** Where counters live; share one across instances. Default a new `MemoryThrottleStore`. */
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
  readonly loginByUsername: (request: Request, username: string) => Promise<Throttled | null>;
  /** Before a registration reads its body. */
  readonly registerByAddress: (request: Request, host: HostContext) => Promise<Throttled | null>;
}

type Key = RateThrottleOptions<AuthUser>['key'];

const ANONYMOUS = { user: null, auth: null, scheme: null };
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
  // The username is read from the body, which the throttle's key cannot see: it is
  // handed over per request through this map, and dropped with the request.
  const usernames = new WeakMap<Request, string>();
  const build = (scope: string, rate: string | null, key: Key): Throttle | null =>
    rate === null ? null : rateThrottle({ scope, rate, store, now, key });
  const byAddress: Key = (request, _identity, host) =>
    clientAddress(request, host) ?? 'unknown';

  const check = async (throttle: Throttle | null, request: Request, host: HostContext) => {
    const wait = throttle ? await throttle(request, ANONYMOUS, host) : null;
    return wait === null ? null : new Throttled(wait);
  };
  const login = build('login-address', addressRate, byAddress);
  const register = build('register-address', addressRate, byAddress);
  const username = build('login-username', usernameRate, (request) => usernames.get(request) ?? null);

  return {
    loginByAddress: (request, host) => check(login, request, host),
    loginByUsername: (request, name) => {
      usernames.set(request, name);
      return check(username, request, {});
    },
    registerByAddress: (request, host) => check(register, request, host),
  };
}
