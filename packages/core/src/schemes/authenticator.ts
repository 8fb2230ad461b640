/**
 * The authentication contract, DRF's BaseAuthentication in TypeScript. Authenticators are
 * tried in order; each one skips (no credentials of its kind), succeeds, or fails
 * (credentials of its kind that are wrong: the chain stops there).
 *
 * A custom scheme is a plain object:
 *
 * ```ts
 * const byUsernameHeader: Authenticator = {
 *   name: 'x-username',
 *   async authenticate(request) {
 *     const username = request.headers.get('X-Username');
 *     if (!username) return skip();
 *     const user = await users.findByUsername(username);
 *     return user ? success(user) : fail('No such user');
 *   },
 * };
 * ```
 */
import { AuthenticationFailed, type BearerError, type PermissionDenied, type Throttled } from '../errors.ts';
import type { AuthUser } from '../users/user-store.ts';

/**
 * What proved an identity, whichever scheme produced it: a stored token record, a verified
 * JWT's claims, a signing key. Permissions read scopes from it (`hasScopes`), so a scheme
 * with no stored record still carries its scopes and expiry. A `TokenRecord` is one.
 */
export interface Grant {
  /** Identifies the credential: a token id, a JWT's `jti`, a key id. Safe to log. */
  readonly id: string;
  /** Scopes granted; a grant with none passes no `hasScopes` check. */
  readonly scopes: readonly string[];
  /** Milliseconds since the epoch; null: does not expire. */
  readonly expiresAt: number | null;
}

/** Who is calling: the user and token that authenticated the request, or anonymous. */
export interface Identity<U extends AuthUser = AuthUser> {
  /** The authenticated user; null for an anonymous caller. */
  readonly user: U | null;
  /** What authenticated the request (the token record for token and session schemes), else null. */
  readonly auth: Grant | null;
  /** The `name` of the authenticator that succeeded; null for an anonymous caller. */
  readonly scheme: string | null;
}

/**
 * What adapters know about a request beyond the `Request` itself. Fields may be getters
 * that work their value out when read (see `hostWithSignal`): read them, never spread.
 */
export interface HostContext {
  /** The client's IP address as the host sees it; null when unknown. */
  readonly clientAddress?: string | null;
  /**
   * Keeps the host alive for `promise` after the response is sent (Workers'
   * `ctx.waitUntil`). Absent: the host has no such thing; the account flows' mail then runs
   * on unawaited all the same (Node, Deno and Bun keep a process alive for it).
   */
  readonly waitUntil?: (promise: Promise<unknown>) => void;
  /**
   * Aborts when the request's time limit passes (or the host's own signal aborts). The
   * pipeline and the endpoints set it for authenticators, throttles and hooks; pass it on
   * to whatever can stop early (a `fetch`, a driver call that takes a signal). An adapter
   * may set one too (a request's own `signal`): the limit then also ends with it.
   */
  readonly signal?: AbortSignal;
}

/**
 * `host` with `signal` in place of its own. Its fields are read, not spread: a host may
 * answer them through getters (Bun's adapter works the address out only when asked, the
 * pipeline makes its signal only when read), which an object spread would drop.
 */
export function hostWithSignal(host: HostContext, signal: AbortSignal): HostContext {
  return { clientAddress: host.clientAddress, waitUntil: host.waitUntil, signal };
}

/** The outcome of one authenticator. Build it with `skip`, `success` and `fail`. */
export type AuthenticationResult<U extends AuthUser = AuthUser> =
  | { readonly outcome: 'skip' }
  | { readonly outcome: 'success'; readonly user: U; readonly auth: Grant | null }
  | { readonly outcome: 'fail'; readonly error: AuthenticationFailed | PermissionDenied | Throttled };

/** One authentication scheme. */
export interface Authenticator<U extends AuthUser = AuthUser> {
  /** Names the scheme in `Identity.scheme`, e.g. "token" or "basic". */
  readonly name: string;
  /**
   * Looks for this scheme's credentials. MUST NOT throw for bad input (return `fail`);
   * a throw means storage failed and the request is answered 503.
   */
  authenticate(request: Request, host: HostContext): AuthenticationResult<U> | Promise<AuthenticationResult<U>>;
  /**
   * The `WWW-Authenticate` value when this is the first authenticator and the answer is
   * 401 (DRF's `authenticate_header`). Absent: the answer is 403 instead. `error` carries
   * RFC 6750 attributes for Bearer challenges; other schemes ignore it.
   */
  challenge?(error?: BearerError): string;
  /**
   * Request headers besides `Authorization` that this scheme reads (session auth: `Cookie`).
   * Once the scheme is consulted, every answer names them in `Vary`, as Django does for
   * sessions. `Authorization` needs none: shared caches never reuse answers to it (RFC 9111).
   * Default none.
   */
  readonly vary?: readonly string[];
}

const SKIP = Object.freeze({ outcome: 'skip' as const });

/** No credentials of this scheme's kind: try the next authenticator. */
export function skip(): { readonly outcome: 'skip' } {
  return SKIP;
}

/** Authenticated as `user`, with the grant that proved it (default null: no scopes, e.g. Basic). */
export function success<U extends AuthUser>(user: U, auth: Grant | null = null): AuthenticationResult<U> {
  return { outcome: 'success', user, auth };
}

/**
 * Credentials of this kind were given and are wrong: stop the chain with 401 (or 403, or
 * 429 for a scheme that throttles password guesses).
 */
export function fail(detail: string | AuthenticationFailed | PermissionDenied | Throttled): AuthenticationResult<never> {
  return { outcome: 'fail', error: typeof detail === 'string' ? new AuthenticationFailed(detail) : detail };
}
