/**
 * `@latchkey/cloudflare`: the Latchkey pipeline around a Workers `ExportedHandler`. It
 * translates and nothing else: the request goes to core's `run`, a refusal goes back
 * exactly as core built it, and an admitted request reaches `fetch` with a fourth argument,
 * the caller's identity.
 *
 * ```ts
 * export default withLatchkey(
 *   { fetch: (request, env, ctx, auth) => Response.json({ user: auth.user?.username }) },
 *   (env: Env) => createLatchkey({ authenticators: [tokenAuth({ tokens: createTokenService({ store, secret: env.TOKEN_SECRET }), users })] }),
 * );
 * ```
 */
import {
  type AuthContext,
  type AuthUser,
  errorResponse,
  failClosed,
  type Latchkey,
  type LatchkeyOptions,
  logStoreFailure,
  isPromiseLike,
  toLatchkey,
  withVary,
} from '@latchkey/core';

/** Picks the pipeline for one request, e.g. by path: DRF's per-view settings on Workers. */
export type LatchkeyRouter<U extends AuthUser = AuthUser> = (request: Request) => Latchkey<U>;

/** What the setup function returns: options, a pipeline, or a router over pipelines. */
export type LatchkeySetup<U extends AuthUser = AuthUser> = LatchkeyOptions<U> | Latchkey<U> | LatchkeyRouter<U>;

/** The `fetch` that `withLatchkey` wraps: Workers' own, plus who is calling. */
export type LatchkeyFetchHandler<Env = unknown, U extends AuthUser = AuthUser> = (
  request: Request<unknown, IncomingRequestCfProperties>,
  env: Env,
  ctx: ExecutionContext,
  auth: AuthContext<U>,
) => Response | Promise<Response>;

/** An `ExportedHandler` whose `fetch` receives the identity; its other handlers are untouched. */
export type LatchkeyExportedHandler<Env = unknown, U extends AuthUser = AuthUser> = Omit<ExportedHandler<Env>, 'fetch'> & {
  fetch: LatchkeyFetchHandler<Env, U>;
};

/** Options for `withLatchkey`. */
export interface WithLatchkeyOptions {
  /**
   * The client's address, as `host.clientAddress` (what address-keyed throttles count).
   * Default `CF-Connecting-IP`: Cloudflare sets it on every request it forwards, so a client
   * cannot choose it there. On self-hosted workerd nothing sets it and any client can send
   * one: read the header your own proxy overwrites, or answer null.
   */
  readonly clientAddress?: (request: Request) => string | null;
}

/** The default client address: `CF-Connecting-IP`, trustworthy behind Cloudflare only. */
export const cloudflareClientAddress = (request: Request): string | null => request.headers.get('CF-Connecting-IP');

const toRouter = <U extends AuthUser>(setup: LatchkeySetup<U>): LatchkeyRouter<U> => {
  if (typeof setup === 'function') return setup;
  const pipeline = toLatchkey(setup);
  return () => pipeline;
};

/**
 * Wraps `handler` so every `fetch` runs through the pipeline first. `setup` builds the
 * pipeline from `env` (bindings and secrets only exist there); it may be async (to migrate
 * a database, say). It runs once per `env` object, so once per isolate, not per request;
 * if it throws or rejects, the request is refused with 503 (fail closed, logged) and the
 * next request tries again.
 * A router that throws is refused with 503 too. The client address comes from
 * `options.clientAddress`; store writes no answer depends on (a token's last use) and the
 * account flows' mail go to `ctx.waitUntil`.
 */
export function withLatchkey<Env, U extends AuthUser = AuthUser>(
  handler: LatchkeyExportedHandler<Env, U>,
  setup: (env: Env) => LatchkeySetup<U> | Promise<LatchkeySetup<U>>,
  options: WithLatchkeyOptions = {},
): ExportedHandler<Env> {
  const clientAddress = options.clientAddress ?? cloudflareClientAddress;
  // Keyed by the env object: workerd hands the same one to every request of an isolate,
  // and a WeakMap lets a discarded env (tests, other entrypoints) take its pipeline along.
  const routers = new WeakMap<object, Promise<LatchkeyRouter<U>>>();
  const routerFor = (env: Env): Promise<LatchkeyRouter<U>> => {
    const key = env as object;
    let router = routers.get(key);
    if (!router) {
      router = Promise.resolve().then(() => setup(env)).then(toRouter);
      // A failed setup (a missing secret, a database down during migration) is not cached.
      router.catch(() => routers.delete(key));
      routers.set(key, router);
    }
    return router;
  };

  return {
    ...handler,
    async fetch(request, env, ctx) {
      let pipeline: Latchkey<U>;
      try {
        pipeline = (await routerFor(env))(request);
      } catch (error) {
        return errorResponse(failClosed(error, logStoreFailure), null);
      }
      // waitUntil keeps work the answer does not wait for (the account flows' mail) alive.
      const host = { clientAddress: clientAddress(request), waitUntil: (work: Promise<unknown>) => ctx.waitUntil(work) };
      const checked = pipeline.check(request, host);
      const outcome = isPromiseLike(checked) ? await checked : checked;
      return outcome.ok ? withVary(await handler.fetch(request, env, ctx, { ...outcome.identity, host }), outcome.vary) : outcome.response;
    },
  };
}
