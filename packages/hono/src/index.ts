/**
 * `@latchkey/hono`: the Latchkey pipeline as Hono middleware. It translates and nothing
 * else: the request goes to core's `run`, a refusal goes back exactly as core built it, and
 * an admitted request continues with `c.var.user`, `c.var.auth` and `c.var.scheme` set.
 *
 * ```ts
 * const base = createLatchkey({ authenticators: [tokenAuth({ tokens, users })] });
 * const app = new Hono()
 *   .use(authEndpoints({ tokens, users }))
 *   .get('/me', latchkey(base), (c) => c.json({ username: c.var.user?.username }))
 *   .get('/admin', latchkey(base.with({ permissions: [isAdminUser] })), (c) => c.text('hi'));
 * ```
 */
import {
  type AuthEndpoints,
  type AuthEndpointsOptions,
  type AuthUser,
  createAuthEndpoints,
  type HostContext,
  type Latchkey,
  type LatchkeyOptions,
  type PipelineOutcome,
  type Grant,
  isPromiseLike,
  toLatchkey,
  withVary,
} from '@latchkey/core';
import type { Context, MiddlewareHandler, Next } from 'hono';
import { createMiddleware } from 'hono/factory';

/** What the middleware sets on the context for the handlers after it. */
export interface LatchkeyVariables<U extends AuthUser = AuthUser> {
  /** The authenticated user; null for an anonymous caller (on routes that allow one). */
  readonly user: U | null;
  /** What authenticated the request (the token record for token and session schemes), else null. */
  readonly auth: Grant | null;
  /** The `name` of the authenticator that succeeded; null for an anonymous caller. */
  readonly scheme: string | null;
}

/**
 * The Hono environment the middleware provides. Declare an app with it
 * (`new Hono<LatchkeyEnv<MyUser>>()`) when the middleware is added with a separate
 * `app.use(...)` statement rather than chained, so handlers still see typed variables.
 */
export interface LatchkeyEnv<U extends AuthUser = AuthUser> {
  Variables: LatchkeyVariables<U>;
}

/** Options of the Hono adapter itself; authentication options belong to the pipeline. */
export interface HonoLatchkeyOptions {
  /**
   * The client's address, for address-keyed throttles. Default `hostAddress`: the peer
   * address on Node (@hono/node-server), Bun and Deno, `CF-Connecting-IP` on Workers, else
   * unknown. Behind a proxy the peer is the proxy: pass what your proxy sets instead, e.g.
   * `(c) => c.req.header('X-Real-IP')`.
   */
  readonly clientAddress?: (c: Context) => string | null | undefined;
}

// What each host hands Hono as `c.env`: the fields its own connection-info helper reads.
interface HostEnv {
  /** @hono/node-server: the request's `IncomingMessage` (under `server` with HTTP/2 bindings). */
  readonly incoming?: { readonly socket?: { readonly remoteAddress?: string } };
  readonly server?: HostEnv;
  /** Bun.serve: the server, second argument of `fetch`. */
  readonly requestIP?: (request: Request) => { readonly address: string } | null;
  /** Deno.serve: the handler info. */
  readonly remoteAddr?: { readonly hostname?: string };
}

/**
 * The client's address as the host saw it, without importing any runtime's helper: the
 * socket's peer on Node, Bun and Deno; on Cloudflare Workers, whose runtime says so in
 * `navigator.userAgent`, the `CF-Connecting-IP` header Cloudflare's edge always sets.
 * Null on any other host, where address-keyed throttles then skip the request.
 */
export function hostAddress(c: Context): string | null {
  const env = (c.env ?? {}) as HostEnv;
  const node = (env.server ?? env).incoming?.socket?.remoteAddress;
  if (node) return node;
  const bun = env.server?.requestIP ? env.server : env;
  if (typeof bun.requestIP === 'function') return bun.requestIP(c.req.raw)?.address ?? null;
  if (env.remoteAddr?.hostname) return env.remoteAddr.hostname;
  if (globalThis.navigator?.userAgent === 'Cloudflare-Workers') return c.req.header('CF-Connecting-IP') ?? null;
  return null;
}

const isEndpoints = <U extends AuthUser>(value: AuthEndpoints | AuthEndpointsOptions<U>): value is AuthEndpoints =>
  typeof (value as Partial<AuthEndpoints>).handle === 'function';

/**
 * Workers' `ctx.waitUntil` as Hono exposes it, so work the answer need not wait for (last-used
 * writes, mail) outlives the response there; undefined elsewhere. Hono's `executionCtx`
 * getter throws on hosts without one, which is how their absence is told.
 */
function hostWaitUntil(c: Context): ((work: Promise<unknown>) => void) | undefined {
  // The getter's Error costs microseconds per request on Node, more than a cached token
  // check: the servers that never hand Hono an execution context (Node's, Bun's and Deno's,
  // told apart by what they pass as env, as hostAddress reads it) are not asked.
  const env = (c.env ?? {}) as HostEnv;
  const server = env.server ?? env;
  if (server.incoming !== undefined || typeof server.requestIP === 'function' || env.remoteAddr !== undefined) return undefined;
  let ctx: { waitUntil(work: Promise<unknown>): void };
  try {
    ctx = c.executionCtx;
  } catch {
    return undefined;
  }
  return (work) => ctx.waitUntil(work);
}

const UNREAD: unique symbol = Symbol('unread');

// What core is told about a request: worked out only when read (a throttle asking for the
// address, a write handed to waitUntil), not for every request.
class HonoHost implements HostContext {
  #address: string | null | typeof UNREAD = UNREAD;
  #waitUntil: ((work: Promise<unknown>) => void) | undefined | typeof UNREAD = UNREAD;

  constructor(
    private readonly c: Context,
    private readonly address: (c: Context) => string | null | undefined,
  ) {}

  get clientAddress(): string | null {
    if (this.#address === UNREAD) this.#address = this.address(this.c) ?? null;
    return this.#address;
  }

  get waitUntil(): ((work: Promise<unknown>) => void) | undefined {
    if (this.#waitUntil === UNREAD) this.#waitUntil = hostWaitUntil(this.c);
    return this.#waitUntil;
  }
}

const hostContext = (c: Context, { clientAddress = hostAddress }: HonoLatchkeyOptions): HostContext => new HonoHost(c, clientAddress);

/**
 * Creates the middleware from a pipeline (`createLatchkey(...)`, or `base.with(...)` for
 * one route) or from the options `createLatchkey` takes (its defaults apply: permissions
 * `[isAuthenticated]`). Refusals (401/403/429/503) are core's responses unchanged, so
 * every host answers alike.
 */
export function latchkey<U extends AuthUser = AuthUser>(
  pipelineOrOptions: Latchkey<U> | LatchkeyOptions<U>,
  options: HonoLatchkeyOptions = {},
): MiddlewareHandler<LatchkeyEnv<U>> {
  // Built once per middleware, never per request.
  const pipeline = toLatchkey(pipelineOrOptions);

  // Not async: an admitted request that waited for nothing goes on with next()'s own
  // promise, with none of the middleware's around it (Hono's compose awaits either).
  const proceed = (c: Context<LatchkeyEnv<U>>, next: Next, outcome: PipelineOutcome<U>): Promise<Response | void> => {
    if (!outcome.ok) return Promise.resolve(outcome.response);
    c.set('user', outcome.identity.user);
    c.set('auth', outcome.identity.auth);
    c.set('scheme', outcome.identity.scheme);
    if (outcome.vary.length === 0) return next();
    // Cookie-reading schemes that were consulted (session auth) must be in Vary, as in Django.
    return next().then(() => {
      c.res = withVary(c.res, outcome.vary);
    });
  };

  return createMiddleware<LatchkeyEnv<U>>((c, next) => {
    // check: a request that waits for nothing (a cache hit, a memory store) costs no promise of core's.
    const checked = pipeline.check(c.req.raw, hostContext(c, options));
    return isPromiseLike(checked) ? Promise.resolve(checked).then((outcome) => proceed(c, next, outcome)) : proceed(c, next, checked);
  });
}

/**
 * Mounts core's token endpoints (`POST /auth/token`, `/auth/logout`, `/auth/logout-all`,
 * `GET /auth/tokens`, `GET /auth/me`, …) from `createAuthEndpoints(...)` or from the
 * options it takes. Requests for one of the endpoints' paths (under their prefix, default
 * `"/auth"`, or moved with `paths`) are answered with core's response as it is; every other
 * request goes on to the app's own routes. Use it with `app.use(...)`.
 */
export function authEndpoints<U extends AuthUser = AuthUser>(
  endpointsOrOptions: AuthEndpoints | AuthEndpointsOptions<U>,
  options: HonoLatchkeyOptions = {},
): MiddlewareHandler {
  // Built once per middleware, never per request.
  const endpoints = isEndpoints(endpointsOrOptions) ? endpointsOrOptions : createAuthEndpoints(endpointsOrOptions);

  return createMiddleware(async (c, next) => {
    const response = await endpoints.handle(c.req.raw, hostContext(c, options));
    if (response) return response;
    await next();
  });
}
