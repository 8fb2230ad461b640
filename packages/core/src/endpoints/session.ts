/**
 * Session login and the cookies it sets. A session is a token of the token service named
 * "session", with its own lifetime; the cookie carries the token (HttpOnly: scripts never
 * see it) and a second, readable cookie carries its CSRF token for scripts to echo.
 */
import type { Authenticator } from '../schemes/authenticator.ts';
import { type CsrfOptions, type CsrfProtection, csrfProtection } from '../schemes/csrf.ts';
import { LatchkeyError } from '../errors.ts';
import { withoutUndefined } from '../options.ts';
import { jsonResponse } from '../response.ts';
import { assertCookieName, CSRF_COOKIE, SESSION_COOKIE, sessionAuth } from '../schemes/session-auth.ts';
import type { TokenRecord } from '../tokens/token-store.ts';
import type { AuthUser } from '../users/user-store.ts';
import type { Endpoint, EndpointCall, EndpointDeps } from './endpoint.ts';
import { issueToken } from './issue-token.ts';
import type { Login } from './login.ts';
import { isoTime } from './respond.ts';
import type { SecondFactorLogin } from './second-factor/second-factor-login.ts';

/** Options for session login (`createAuthEndpoints({ session })`). */
export interface SessionEndpointOptions {
  /** The HttpOnly cookie that carries the session token. Default `"latchkey_session"`. */
  readonly cookieName?: string;
  /** The readable cookie that carries the CSRF token. Default `"latchkey_csrf"`. */
  readonly csrfCookieName?: string;
  /** Send cookies over HTTPS only; turn off for local http. Default `true`. */
  readonly secure?: boolean;
  /**
   * Session lifetime in milliseconds, overriding the token service's `ttl`; it is also the
   * cookies' Max-Age. null: no expiry and cookies that end with the browser.
   * Default two weeks (Django's SESSION_COOKIE_AGE).
   */
  readonly ttl?: number | null;
  /** CSRF header and trusted origins, shared with the session authenticator. Default `{}`. */
  readonly csrf?: CsrfOptions;
}

/** Sessions as the endpoints use them: the authenticator, the CSRF check, the cookies. */
export interface Sessions<U extends AuthUser> {
  readonly authenticator: Authenticator<U>;
  readonly csrf: CsrfProtection;
  readonly ttl: number | null;
  /** The cookies for a new session. */
  issue(token: string, record: TokenRecord): Headers;
  /** Cookies that delete both. */
  clear(): Headers;
}

const TWO_WEEKS = 14 * 24 * 60 * 60 * 1000;

/** Resolves the session options; contradictory ones throw at once. */
export function createSessions<U extends AuthUser>(deps: EndpointDeps<U>, options: SessionEndpointOptions): Sessions<U> {
  const { cookieName, csrfCookieName, secure, ttl } = {
    cookieName: SESSION_COOKIE,
    csrfCookieName: CSRF_COOKIE,
    secure: true,
    ttl: TWO_WEEKS as number | null,
    ...withoutUndefined(options),
  };
  if (ttl !== null && !(Number.isFinite(ttl) && ttl > 0)) throw new RangeError('session: ttl must be a positive number of milliseconds or null');
  assertCookieName(csrfCookieName);
  if (cookieName === csrfCookieName) throw new TypeError('session: cookieName and csrfCookieName must differ');
  for (const name of [cookieName, csrfCookieName]) {
    // Browsers refuse these prefixes without Secure: fail here rather than with a silent logout.
    if (!secure && /^__(Host|Secure)-/i.test(name)) throw new TypeError(`session: cookie "${name}" needs secure: true`);
  }
  const csrf = csrfProtection(options.csrf);
  const authenticator = sessionAuth({ tokens: deps.tokens, users: deps.users, cookieName, csrfCookieName, csrf: options.csrf });

  // Lax: sent on top-level navigations from other sites, never on their subrequests or forms posted cross-site.
  const cookie = (name: string, value: string, maxAge: number | null, httpOnly: boolean) =>
    `${name}=${value}; Path=/${maxAge === null ? '' : `; Max-Age=${maxAge}`}; SameSite=Lax` +
    `${secure ? '; Secure' : ''}${httpOnly ? '; HttpOnly' : ''}`;
  const pair = (session: string, csrfToken: string, maxAge: number | null) => {
    const headers = new Headers();
    headers.append('Set-Cookie', cookie(cookieName, session, maxAge, true));
    headers.append('Set-Cookie', cookie(csrfCookieName, csrfToken, maxAge, false));
    return headers;
  };

  return {
    authenticator,
    csrf,
    ttl,
    issue(token, record) {
      const maxAge = record.expiresAt === null ? null : Math.floor((record.expiresAt - record.createdAt) / 1000);
      return pair(token, csrf.tokenFor(token), maxAge);
    },
    clear: () => pair('', '', 0),
  };
}

/**
 * `POST {prefix}/session`: checks the credentials like `POST /token`, then answers
 * `{"user", "expiry", "csrf_token"}` and sets the cookies; the session token itself is
 * never in the body. The origin layer of the CSRF check runs first, so a cross-site form
 * cannot log a victim into the attacker's account.
 */
export function sessionLogin<U extends AuthUser>(login: Login<U>, sessions: Sessions<U>, gate: SecondFactorLogin<U>): Endpoint<EndpointCall> {
  return async (call) => {
    const crossSite = sessions.csrf.checkOrigin(call.request);
    if (crossSite) return crossSite;
    const user = await login(call, 'session');
    if (user instanceof LatchkeyError) return user;
    return gate.admit(call, user, 'session');
  };
}

/** The session login's answer (a session, its cookies and CSRF token) for a user who has proved who they are. */
export function grantSession<U extends AuthUser>(
  deps: EndpointDeps<U>,
  sessions: Sessions<U>,
): (call: EndpointCall, user: U) => Promise<Response | LatchkeyError> {
  return async (call, user) => {
    // Checked here too: a session finished by the second-factor call sets cookies as well.
    const crossSite = sessions.csrf.checkOrigin(call.request);
    if (crossSite) return crossSite;
    const body = deps.serializeUser(user);
    const issued = await issueToken(deps, call, user, { name: 'session', ttl: sessions.ttl, purpose: 'session' }, 'session');
    if (issued instanceof LatchkeyError) return issued;
    const { token, record } = issued;
    return jsonResponse(
      { user: body, expiry: isoTime(record.expiresAt), csrf_token: sessions.csrf.tokenFor(token) },
      200,
      sessions.issue(token, record),
    );
  };
}
