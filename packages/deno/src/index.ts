/**
 * `@latchkey/deno`: Latchkey for `Deno.serve`. Wraps a handler so it runs only for requests
 * the pipeline admits, and receives who is calling. The pipeline lives in `@latchkey/core`;
 * this file only translates Deno's handler arguments into it.
 *
 * ```ts
 * Deno.serve(withLatchkey((request, { user }) => Response.json({ hello: user?.username }), latchkey));
 * ```
 */
import {
  type AuthContext,
  type AuthUser,
  type HostContext,
  type Latchkey,
  type LatchkeyOptions,
  isPromiseLike,
  toLatchkey,
  withVary,
} from '@latchkey/core';

/**
 * The part of `Deno.ServeHandlerInfo` this adapter reads, declared here so the package
 * compiles without Deno's global types. Deno's own info object is assignable to it.
 */
export interface ServeHandlerInfo {
  /** The peer. TCP and UDP addresses carry `hostname`; Unix and vsock sockets do not. */
  readonly remoteAddr: { readonly transport: string; readonly hostname?: string };
}

/** What a wrapped handler receives besides the request: the identity, the host context, Deno's info. */
export interface DenoAuthContext<U extends AuthUser = AuthUser, Info extends ServeHandlerInfo = ServeHandlerInfo>
  extends AuthContext<U> {
  /** Deno's second handler argument, as `Deno.serve` passed it. */
  readonly info: Info;
}

/** A `Deno.serve` handler behind Latchkey: `(request, { user, auth, scheme, host, info })`. */
export type DenoProtectedHandler<U extends AuthUser = AuthUser, Info extends ServeHandlerInfo = ServeHandlerInfo> = (
  request: Request,
  context: DenoAuthContext<U, Info>,
) => Response | Promise<Response>;

/** A handler `Deno.serve` accepts. */
export type DenoServeHandler<Info extends ServeHandlerInfo = ServeHandlerInfo> = (
  request: Request,
  info: Info,
) => Promise<Response>;

/**
 * Wraps a `Deno.serve` handler. Refused requests are answered by core (401/403/429/503 with
 * a JSON `detail`) and never reach `handler`.
 *
 * @param handler - called as `(request, { user, auth, scheme, host, info })` for admitted requests.
 * @param pipeline - a pipeline from `createLatchkey` (share one, or `latchkey.with({...})` for
 *   one route), or the options to build one. Required: with no authenticators, core's default
 *   permission (`isAuthenticated`) refuses everyone.
 * @returns `(request, info) => Promise<Response>`, for `Deno.serve(...)` or a router. The
 *   client address given to throttles is `info.remoteAddr.hostname` (null on Unix sockets).
 */
export function withLatchkey<U extends AuthUser = AuthUser, Info extends ServeHandlerInfo = ServeHandlerInfo>(
  handler: DenoProtectedHandler<U, Info>,
  pipeline: Latchkey<U> | LatchkeyOptions<U>,
): DenoServeHandler<Info> {
  const latchkey = toLatchkey(pipeline);
  return async (request, info) => {
    const host = hostContext(info);
    // check: a request that waits for nothing is answered without a promise of core's.
    const checked = latchkey.check(request, host);
    const outcome = isPromiseLike(checked) ? await checked : checked;
    return outcome.ok ? withVary(await handler(request, { ...outcome.identity, host, info }), outcome.vary) : outcome.response;
  };
}

/**
 * What core is told about a request Deno served: the peer's address as `clientAddress`
 * (null on Unix and vsock sockets). For calling core directly, e.g.
 * `createAuthEndpoints(...).handle(request, hostContext(info))`.
 */
export function hostContext(info: ServeHandlerInfo): HostContext {
  return { clientAddress: info.remoteAddr.hostname ?? null };
}

