/**
 * CSRF protection for session-authenticated requests (DRF's `enforce_csrf`), in two layers:
 *
 * 1. Origin check. On an unsafe request, a browser says where the request came from: the
 *    `Origin` header, else `Referer`. Either must name the request's own origin or one of
 *    `trustedOrigins`. When a client sends neither (not a browser, or a privacy setting),
 *    the token below still has to be right.
 * 2. A token bound to the session: `X-CSRFToken` must carry HMAC-SHA256 keyed by the
 *    session token itself. Only the server and the browser's HttpOnly cookie know that key,
 *    so a cross-site page cannot compute the value, and unlike a plain double-submit cookie
 *    a cookie planted from a sibling subdomain does not help: it would have to match the
 *    victim's session. It needs no server secret and no storage, works across instances,
 *    changes at every login and dies with the session. The value reaches scripts through a
 *    readable cookie (and the session login's body); HMAC is one-way, so it reveals nothing
 *    about the session token.
 *
 * Every refusal is 403 with DRF's "CSRF Failed: …" wording; a request without the CSRF
 * cookie gets Django's "CSRF cookie not set." (the token is still what is checked).
 */
import { hmac } from '@noble/hashes/hmac.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { utf8ToBytes } from '@noble/hashes/utils.js';
import { constantTimeEqual } from '../constant-time.ts';
import { bytesToBase64Url } from '../encoding.ts';
import { PermissionDenied } from '../errors.ts';

/** The header clients echo the CSRF token in: Django's name, so its JavaScript recipes work. */
export const CSRF_HEADER = 'X-CSRFToken';

/** Options for `csrfProtection` (and `sessionAuth({ csrf })`). */
export interface CsrfOptions {
  /** The header that carries the token. Default `"X-CSRFToken"`. */
  readonly headerName?: string;
  /**
   * Origins allowed besides the request's own, e.g. `"https://app.example"` for a front end
   * on another host, or the public origin when a proxy rewrites the request URL. Default `[]`.
   */
  readonly trustedOrigins?: readonly string[];
}

/** Checks unsafe session-authenticated requests and derives their CSRF tokens. */
export interface CsrfProtection {
  /** The header that carries the token. */
  readonly headerName: string;
  /** The CSRF token for a session token. */
  tokenFor(sessionToken: string): string;
  /** The origin layer alone (the session login uses it: there is no session yet). */
  checkOrigin(request: Request): PermissionDenied | null;
  /**
   * Both layers; null when the request may proceed. `csrfCookie` is the CSRF cookie's value
   * (null: not sent): without it the answer is Django's "CSRF cookie not set.", so a
   * browser client learns that it never got (or lost) the cookie rather than a wrong token.
   */
  check(request: Request, sessionToken: string, csrfCookie: string | null): PermissionDenied | null;
}

// Domain separation: this HMAC is a CSRF token and can never equal a token's digest.
const LABEL = utf8ToBytes('latchkey csrf v1');
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

function denied(reason: string): PermissionDenied {
  return new PermissionDenied(`CSRF Failed: ${reason}`);
}

/** Builds the CSRF check. A malformed header name or origin throws at once. */
export function csrfProtection(options: CsrfOptions = {}): CsrfProtection {
  const headerName = options.headerName ?? CSRF_HEADER;
  if (!HEADER_NAME.test(headerName)) throw new RangeError('csrf: headerName must be an HTTP header name');
  const trusted = new Set<string>();
  for (const origin of options.trustedOrigins ?? []) {
    if (!URL.canParse(origin) || new URL(origin).origin !== origin) {
      throw new RangeError(`csrf: "${origin}" is not an origin (scheme://host[:port], no path or trailing slash)`);
    }
    trusted.add(origin);
  }

  const tokenFor = (sessionToken: string) => bytesToBase64Url(hmac(sha256, utf8ToBytes(sessionToken), LABEL));

  const checkOrigin = (request: Request): PermissionDenied | null => {
    const allowed = (origin: string) => trusted.has(origin) || origin === new URL(request.url).origin;
    const origin = request.headers.get('Origin');
    if (origin !== null) {
      return allowed(origin) ? null : denied(`Origin checking failed - ${origin} does not match any trusted origins.`);
    }
    const referer = request.headers.get('Referer');
    if (referer === null) return null;
    if (!URL.canParse(referer)) return denied('Referer checking failed - Referer is malformed.');
    // Only the origin is echoed: a full Referer may carry secrets in its path or query.
    const refererOrigin = new URL(referer).origin;
    return allowed(refererOrigin)
      ? null
      : denied(`Referer checking failed - ${refererOrigin} does not match any trusted origins.`);
  };

  return {
    headerName,
    tokenFor,
    checkOrigin,
    check(request, sessionToken, csrfCookie) {
      const origin = checkOrigin(request);
      if (origin) return origin;
      if (csrfCookie === null) return denied('CSRF cookie not set.');
      const presented = request.headers.get(headerName);
      return presented !== null && constantTimeEqual(presented, tokenFor(sessionToken))
        ? null
        : denied('CSRF token missing or incorrect.');
    },
  };
}
