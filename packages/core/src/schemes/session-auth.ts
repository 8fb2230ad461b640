/**
 * DRF's SessionAuthentication on Latchkey tokens: a session is an ordinary token that
 * travels in an HttpOnly cookie instead of a header, so revoking, expiring and listing
 * work alike for both. Unsafe methods must pass the CSRF check (`csrf.ts`); safe ones
 * need none. It has no challenge: an anonymous caller on a session-only route gets 403,
 * as in DRF. Put token authentication before it: a request authenticated by a header
 * token then needs no CSRF token even when a session cookie rides along, because a
 * cross-site page cannot make the browser send a header token.
 */
import { type Authenticator, fail, skip, success } from './authenticator.ts';
import { type CsrfOptions, csrfProtection } from './csrf.ts';
import { withoutUndefined } from '../options.ts';
import { isSafeMethod } from '../permissions.ts';
import type { TokenService } from '../tokens/token-service.ts';
import type { AuthUser, UserStore } from '../users/user-store.ts';

/** The session cookie's default name. */
export const SESSION_COOKIE = 'latchkey_session';
/** The default name of the readable cookie that carries the CSRF token. */
export const CSRF_COOKIE = 'latchkey_csrf';

/** Options for `sessionAuth`. */
export interface SessionAuthOptions<U extends AuthUser> {
  /** Verifies session tokens. Required. */
  readonly tokens: TokenService;
  /** Finds the session's user. Required. */
  readonly users: UserStore<U>;
  /** The cookie that carries the session token. Default `"latchkey_session"`. */
  readonly cookieName?: string;
  /**
   * The readable cookie the session login sets with the CSRF token; an unsafe request
   * without it is refused "CSRF Failed: CSRF cookie not set.". Default `"latchkey_csrf"`.
   */
  readonly csrfCookieName?: string;
  /** CSRF header and trusted origins. Default `{}`: `X-CSRFToken`, the request's own origin only. */
  readonly csrf?: CsrfOptions;
  /** `Identity.scheme` when this authenticator succeeds. Default `"session"`. */
  readonly name?: string;
}

// RFC 6265's cookie-name characters (an HTTP token).
const COOKIE_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

/** Throws a `RangeError` unless `name` may be a cookie's name. */
export function assertCookieName(name: string): void {
  if (!COOKIE_NAME.test(name)) throw new RangeError(`"${name}" is not a valid cookie name`);
}

/**
 * The value of cookie `name` in a `Cookie` header, or null. The first one wins, as in most
 * servers. Values are returned as sent, minus RFC 6265's optional double quotes, without
 * percent-decoding: Latchkey's own values are URL-safe, and decoding can only throw.
 */
export function readCookie(header: string | null, name: string): string | null {
  if (!header) return null;
  for (const pair of header.split(';')) {
    const equals = pair.indexOf('=');
    if (equals === -1 || pair.slice(0, equals).trim() !== name) continue;
    const value = pair.slice(equals + 1).trim();
    return value.length >= 2 && value.startsWith('"') && value.endsWith('"') ? value.slice(1, -1) : value;
  }
  return null;
}

/**
 * Session authentication. As in DRF, a missing, unknown or expired session and an
 * inactive user all skip (a stale cookie must not lock anyone out of a public route);
 * a live session on an unsafe method without a valid CSRF token fails with 403.
 */
export function sessionAuth<U extends AuthUser>(options: SessionAuthOptions<U>): Authenticator<U> {
  const { tokens, users, cookieName, csrfCookieName, name } = {
    cookieName: SESSION_COOKIE,
    csrfCookieName: CSRF_COOKIE,
    name: 'session',
    ...withoutUndefined(options),
  };
  if (!tokens || !users) throw new TypeError('sessionAuth: tokens and users are required');
  assertCookieName(cookieName);
  assertCookieName(csrfCookieName);
  const csrf = csrfProtection(options.csrf);

  return {
    name,
    vary: ['Cookie'],
    async authenticate(request, host) {
      const cookies = request.headers.get('Cookie');
      const token = readCookie(cookies, cookieName);
      if (!token) return skip();
      // A session token only: an API token in the cookie is as unknown as a random string.
      const verified = await tokens.authenticate(token, 'session', users, host);
      if (!verified.ok) return skip();
      const { user } = verified;
      if (!isSafeMethod(request)) {
        const denial = csrf.check(request, token, readCookie(cookies, csrfCookieName));
        if (denial) return fail(denial);
      }
      return success(user, verified.record);
    },
  };
}
