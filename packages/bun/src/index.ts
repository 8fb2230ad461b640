/**
 * `@latchkey/bun`: Latchkey for `Bun.serve`'s `fetch` and `routes`. The pipeline lives in
 * `@latchkey/core`; this file only translates Bun's handler arguments into it.
 */
import type { BunRequest, Serve, Server } from 'bun';
import {
  type AuthContext,
  type AuthUser,
  type HostContext,
  isPromiseLike,
  type Latchkey,
  type LatchkeyOptions,
  type PipelineOutcome,
  toLatchkey,
  withVary,
} from '@latchkey/core';

const METHODS: ReadonlySet<string> = new Set<Serve.HTTPMethod>(['GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'HEAD', 'OPTIONS']);

/** What a wrapped handler receives besides the request: the identity, the host context, Bun's server. */
export interface BunAuthContext<U extends AuthUser = AuthUser, W = undefined> extends AuthContext<U> {
  /** Bun's second handler argument, as `Bun.serve` passed it. */
  readonly server: Server<W>;
}

/** A handler behind Latchkey: `(request, { user, auth, scheme, host, server })`. */
export type BunProtectedHandler<U extends AuthUser = AuthUser, Req extends Request = Request, W = undefined> = (
  request: Req,
  context: BunAuthContext<U, W>,
) => Response | Promise<Response>;

/**
 * A handler `Bun.serve` accepts, as `fetch` or as a route. It answers with a `Response` itself
 * when nothing was waited for: Bun sends that without a promise's round trip.
 */
export type BunHandler<Req extends Request = Request, W = undefined> = (request: Req, server: Server<W>) => Response | Promise<Response>;

/** A method-keyed route (`{ GET, POST }`), optionally with options of its own. */
export type ProtectedMethods<U extends AuthUser, P extends string, W = undefined> = {
  readonly [M in Serve.HTTPMethod]?: BunProtectedHandler<U, BunRequest<P>, W>;
} & {
  /** Overrides of the shared pipeline's options for this route, as `latchkey.with(...)` takes. Default: none. */
  readonly latchkey?: LatchkeyOptions<U>;
};

/** One entry of the routes object `protectRoutes` takes. */
export type ProtectedRoute<U extends AuthUser, P extends string, W = undefined> =
  | BunProtectedHandler<U, BunRequest<P>, W>
  | ProtectedMethods<U, P, W>;

/** The routes object `protectRoutes` returns, for `Bun.serve({ routes })`. */
export type BunRoutes<R extends string, W = undefined> = {
  [P in R]: BunHandler<BunRequest<P>, W> | { [M in Serve.HTTPMethod]?: BunHandler<BunRequest<P>, W> };
};

/**
 * Wraps one Bun handler (`fetch`, or a single route) as `(request, server) => Response | Promise<Response>`.
 * Refused requests are answered by core (401/403/429/503) and never reach `handler`.
 *
 * @param handler - called as `(request, { user, auth, scheme, host, server })` for admitted
 *   requests; `request` is Bun's own, so a route's `request.params` is there.
 * @param pipeline - a pipeline from `createLatchkey`, or the options to build one. Required:
 *   with no authenticators, core's default permission (`isAuthenticated`) refuses everyone.
 */
export function withLatchkey<U extends AuthUser = AuthUser, Req extends Request = Request, W = undefined>(
  handler: BunProtectedHandler<U, Req, W>,
  pipeline: Latchkey<U> | LatchkeyOptions<U>,
): BunHandler<Req, W> {
  const latchkey = toLatchkey(pipeline);
  const answer = (request: Req, server: Server<W>, host: HostContext, outcome: PipelineOutcome<U>): Response | Promise<Response> => {
    if (!outcome.ok) return outcome.response;
    const response = handler(request, { ...outcome.identity, host, server });
    if (outcome.vary.length === 0) return response;
    return isPromiseLike(response) ? Promise.resolve(response).then((sent) => withVary(sent, outcome.vary)) : withVary(response, outcome.vary);
  };
  return (request, server) => {
    const host = hostContext(request, server);
    // A request that waits for nothing (a cache hit, a memory store, a sync handler) is
    // answered with no promise at all, which Bun serves faster.
    const checked = latchkey.check(request, host);
    return isPromiseLike(checked)
      ? Promise.resolve(checked).then((outcome) => answer(request, server, host, outcome))
      : answer(request, server, host, checked);
  };
}

/**
 * Protects every handler of a `Bun.serve` routes object with one pipeline. A route is a
 * handler (every method) or `{ GET, POST, … }`, which may carry `latchkey: { ...options }`
 * to override the pipeline's for that route. Static responses, files and directories throw
 * a `TypeError`: spread public ones beside the protected object instead.
 *
 * @param routes - paths to routes, as `Bun.serve` takes them (`/users/:id` fills `request.params`).
 * @param pipeline - a pipeline from `createLatchkey`, or the options to build one. Required.
 */
export function protectRoutes<U extends AuthUser = AuthUser, R extends string = string, W = undefined>(
  routes: { [P in R]: ProtectedRoute<U, P, W> },
  pipeline: Latchkey<U> | LatchkeyOptions<U>,
): BunRoutes<R, W> {
  const latchkey = toLatchkey(pipeline);
  const protectedRoutes: Record<string, unknown> = {};
  for (const [path, route] of Object.entries(routes as Record<string, ProtectedRoute<U, string, W>>)) {
    if (typeof route === 'function') {
      protectedRoutes[path] = withLatchkey(route, latchkey);
      continue;
    }
    // Anything but a plain object (a Response, a file) would be served without authentication.
    if (route === null || Object.getPrototypeOf(route) !== Object.prototype) {
      throw new TypeError(`protectRoutes: route "${path}" must be a handler or an object of method handlers`);
    }
    const { latchkey: overrides, ...methods } = route;
    const routeLatchkey = overrides ? latchkey.with(overrides) : latchkey;
    protectedRoutes[path] = Object.fromEntries(
      Object.entries(methods).map(([method, handler]) => {
        if (!METHODS.has(method) || typeof handler !== 'function') {
          throw new TypeError(`protectRoutes: "${method}" of route "${path}" must be an HTTP method's handler`);
        }
        return [method, withLatchkey(handler, routeLatchkey)];
      }),
    );
  }
  return protectedRoutes as BunRoutes<R, W>;
}

/**
 * What core is told about a request Bun served: the peer address (null on a Unix socket), for
 * throttles. Also for calling core directly: `endpoints.handle(request, hostContext(request, server))`.
 */
export function hostContext(request: Request, server: Pick<Server<unknown>, 'requestIP'>): HostContext {
  return new BunHost(request, server);
}

const UNREAD: unique symbol = Symbol('unread');

// `requestIP` costs Bun about 1.5 µs a request: it is asked only when a throttle reads the address.
class BunHost implements HostContext {
  #address: string | null | typeof UNREAD = UNREAD;

  constructor(
    private readonly request: Request,
    private readonly server: Pick<Server<unknown>, 'requestIP'>,
  ) {}

  get clientAddress(): string | null {
    if (this.#address === UNREAD) this.#address = this.server.requestIP(this.request)?.address ?? null;
    return this.#address;
  }
}

