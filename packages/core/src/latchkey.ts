/**
 * The pipeline: authenticate → authorize → throttle → handler, the same on every host.
 * Adapters call `run` (or wrap handlers with `protect`) and translate the outcome.
 */
import type { AuthenticationResult, Authenticator, HostContext, Identity } from './schemes/authenticator.ts';
import { AuthenticationFailed, type LatchkeyError, NotAuthenticated, PermissionDenied, StoreUnavailable, Throttled } from './errors.ts';
import { type Awaitable, isPromiseLike } from './awaitable.ts';
import { failClosed, logStoreFailure } from './fail-closed.ts';
import { withoutUndefined } from './options.ts';
import { denialOf, isAuthenticated, type Permission } from './permissions.ts';
import { errorResponse, withVary } from './response.ts';
import { assertTimeout, createDeadlineQueue, DEFAULT_TIMEOUT_MS } from './time-limit.ts';
import type { Throttle } from './throttling/throttle.ts';
import type { AuthUser } from './users/user-store.ts';

/** Options for `createLatchkey` (DRF's DEFAULT_* settings) and for per-route overrides. */
export interface LatchkeyOptions<U extends AuthUser = AuthUser> {
  /** Tried in order; the first one's challenge answers 401s. Default `[]` (everyone anonymous). */
  readonly authenticators?: readonly Authenticator<U>[];
  /** All must allow. Default `[isAuthenticated]`: `protect` protects unless told otherwise. */
  readonly permissions?: readonly Permission<U>[];
  /** Run after permissions; the longest wait wins. Default `[]`. */
  readonly throttles?: readonly Throttle<U>[];
  /**
   * Told about store and hook failures (the request is then refused with 503). Receives
   * the error as thrown, never a credential; a store's message may quote its parameters (a
   * token digest), so scrub before logging. Default: `console.error` with a short prefix and
   * key-like runs (16+ characters with a digit) redacted (`logStoreFailure`).
   */
  readonly onError?: (error: unknown) => void;
  /**
   * Milliseconds the pipeline's store, hook and throttle calls may take together for one
   * request; past it the request is refused with 503 (`onError` gets a `TimeLimitExceeded`)
   * and authenticators and throttles see `host.signal` abort. Null: no limit, which lets a
   * silent store hold requests open forever. Default `5_000`.
   */
  readonly timeout?: number | null;
}

/** The handler's second argument: who is calling, and what the host knows. */
export interface AuthContext<U extends AuthUser = AuthUser> extends Identity<U> {
  /** What the adapter knew about the request (client address…). */
  readonly host: HostContext;
}

/** A fetch handler behind Latchkey. */
export type ProtectedHandler<U extends AuthUser = AuthUser> = (
  request: Request,
  context: AuthContext<U>,
) => Response | Promise<Response>;

/** A plain fetch handler, as `protect` returns it. */
export type FetchHandler = (request: Request, host?: HostContext) => Promise<Response>;

/** The outcome of the pipeline for one request. */
export type PipelineOutcome<U extends AuthUser = AuthUser> =
  | {
      readonly ok: true;
      readonly identity: Identity<U>;
      /** Headers the answer must name in `Vary` (see `Authenticator.vary`); pass the handler's response through `withVary`. */
      readonly vary: readonly string[];
    }
  | { readonly ok: false; readonly error: LatchkeyError; readonly response: Response; readonly vary: readonly string[] };

/** A configured pipeline. */
export interface Latchkey<U extends AuthUser = AuthUser> {
  /** The resolved options (defaults filled in). */
  readonly options: Readonly<Required<LatchkeyOptions<U>>>;
  /** Runs authentication, permissions and throttles for one request. Never throws. */
  run(request: Request, host?: HostContext): Promise<PipelineOutcome<U>>;
  /**
   * `run`, answering without a promise when every step did (a verified-token cache hit, a
   * store that answers at once): what adapters call, so such a request costs no promise.
   * Never throws.
   */
  check(request: Request, host?: HostContext): Awaitable<PipelineOutcome<U>>;
  /** Wraps `handler` so it runs only for requests the pipeline admits. */
  protect(handler: ProtectedHandler<U>): FetchHandler;
  /** A pipeline with some options replaced, for one route (DRF's per-view settings). */
  with(overrides: LatchkeyOptions<U>): Latchkey<U>;
}

/**
 * The host context authenticators and throttles see: the adapter's, with the pipeline's own
 * signal, made only if read. A class, not `{ ...host, get signal() {} }`: V8 gives every
 * object literal with its own getter a shape of its own, which cost Node ~15 µs of CPU per
 * request under load (garbage shapes, megamorphic reads downstream).
 */
class PipelineHost implements HostContext {
  constructor(
    private readonly host: HostContext,
    private readonly makeSignal: () => AbortSignal,
  ) {}

  // Read through: an adapter may work these out only when asked (a throttle reading the
  // address, a write handed to waitUntil).
  get clientAddress(): string | null | undefined {
    return this.host.clientAddress;
  }

  get waitUntil(): ((promise: Promise<unknown>) => void) | undefined {
    return this.host.waitUntil;
  }

  get signal(): AbortSignal {
    return this.makeSignal();
  }
}

const ANONYMOUS: Identity<never> = Object.freeze({ user: null, auth: null, scheme: null });
const NO_VARY: readonly string[] = Object.freeze([]);

/** Creates a pipeline. Invalid options throw at once. */
export function createLatchkey<U extends AuthUser = AuthUser>(options: LatchkeyOptions<U> = {}): Latchkey<U> {
  const resolved: Required<LatchkeyOptions<U>> = {
    authenticators: [],
    permissions: [isAuthenticated],
    throttles: [],
    onError: logStoreFailure,
    timeout: DEFAULT_TIMEOUT_MS as number | null,
    ...withoutUndefined(options),
  };
  assertTimeout(resolved.timeout);
  for (const key of ['authenticators', 'permissions', 'throttles'] as const) {
    if (!Array.isArray(resolved[key])) throw new TypeError(`${key} must be an array`);
  }
  const names = resolved.authenticators.map((authenticator) => authenticator.name);
  if (new Set(names).size !== names.length) throw new TypeError('authenticator names must be unique');
  Object.freeze(resolved);

  const { authenticators, permissions, throttles, onError, timeout } = resolved;
  const first = authenticators[0];
  const only = authenticators.length === 1 ? first : undefined;
  // Without a scheme that names Vary headers, every request shares one empty list.
  const varies = authenticators.some((authenticator) => authenticator.vary !== undefined);
  // One timer for all of this pipeline's requests in flight, not one each.
  const deadlines = createDeadlineQueue(timeout);

  const refuse = (error: LatchkeyError, identity: Identity<U>, vary: readonly string[]): PipelineOutcome<U> => {
    let challenge: string | null = null;
    if (error instanceof NotAuthenticated) challenge = first?.challenge?.() ?? null;
    else if (error instanceof PermissionDenied) challenge = scopeChallenge(error, identity);
    else if (error instanceof AuthenticationFailed) challenge = error.hint.challenge ?? first?.challenge?.(error.bearer) ?? null;
    return { ok: false, error, response: withVary(errorResponse(error, challenge), vary), vary };
  };

  // RFC 6750 insufficient_scope, only when a Bearer scheme authenticated the request.
  const scopeChallenge = (error: PermissionDenied, identity: Identity<U>): string | null => {
    if (error.scopes.length === 0) return null;
    const scheme = authenticators.find((authenticator) => authenticator.name === identity.scheme);
    const challenge = scheme?.challenge?.({ error: 'insufficient_scope', scope: error.scopes.join(' ') });
    return challenge?.startsWith('Bearer ') ? challenge : null;
  };

  // What one authenticator's result makes of the request: anonymous when it skipped.
  const identify = (authenticator: Authenticator<U>, result: AuthenticationResult<U>) => {
    if (result.outcome === 'skip') return ANONYMOUS as Identity<U>;
    if (result.outcome === 'fail') return result.error;
    const identity: Identity<U> = { user: result.user, auth: result.auth, scheme: authenticator.name };
    return identity;
  };

  // Every step below answers at once when what it asked did, and continues on the promise
  // only where one was returned (see `Awaitable`): a cache hit or a memory store makes no
  // promise at all. `vary` collects the headers of every scheme consulted, whatever it answered.
  const authenticateFrom = (start: number, request: Request, host: HostContext, vary: string[]): Awaitable<Identity<U> | LatchkeyError> => {
    for (let i = start; i < authenticators.length; i++) {
      const authenticator = authenticators[i]!;
      if (authenticator.vary) vary.push(...authenticator.vary);
      const result = authenticator.authenticate(request, host);
      if (isPromiseLike(result)) {
        return Promise.resolve(result).then((answer) =>
          answer.outcome === 'skip' ? authenticateFrom(i + 1, request, host, vary) : identify(authenticator, answer),
        );
      }
      if (result.outcome !== 'skip') return identify(authenticator, result);
    }
    return ANONYMOUS as Identity<U>;
  };

  const denialFrom = (start: number, request: Request, identity: Identity<U>): Awaitable<PermissionDenied | null> => {
    for (let i = start; i < permissions.length; i++) {
      const verdict = permissions[i]!(request, identity);
      if (isPromiseLike(verdict)) {
        return Promise.resolve(verdict).then((answer) => denialOf(answer) ?? denialFrom(i + 1, request, identity));
      }
      const denial = denialOf(verdict);
      if (denial) return denial;
    }
    return null;
  };

  const evaluate = (request: Request, host: HostContext, vary: string[]): Awaitable<PipelineOutcome<U>> => {
    const identity = authenticateFrom(0, request, host, vary);
    if (isPromiseLike(identity)) return Promise.resolve(identity).then((found) => authorize(request, host, vary, found));
    return authorize(request, host, vary, identity);
  };

  const authorize = (request: Request, host: HostContext, vary: string[], identity: Identity<U> | LatchkeyError): Awaitable<PipelineOutcome<U>> => {
    if (!('user' in identity)) return refuse(identity, ANONYMOUS as Identity<U>, vary);
    const denial = denialFrom(0, request, identity);
    if (isPromiseLike(denial)) return Promise.resolve(denial).then((found) => admitOrDeny(request, host, vary, identity, found));
    return admitOrDeny(request, host, vary, identity, denial);
  };

  const admitOrDeny = (
    request: Request,
    host: HostContext,
    vary: string[],
    identity: Identity<U>,
    denial: PermissionDenied | null,
  ): Awaitable<PipelineOutcome<U>> => {
    // DRF: a denial before any scheme succeeded means "log in", not "forbidden".
    if (denial) return refuse(identity.user === null && first ? new NotAuthenticated() : denial, identity, vary);
    if (throttles.length === 0) return { ok: true, identity, vary };
    return throttle(request, host, vary, identity);
  };

  const throttle = async (request: Request, host: HostContext, vary: string[], identity: Identity<U>): Promise<PipelineOutcome<U>> => {
    let wait = 0;
    for (const waits of await Promise.all(throttles.map((throttle) => throttle(request, identity, host)))) {
      if (waits !== null) wait = Math.max(wait, waits);
    }
    if (wait > 0) return refuse(new Throttled(wait), identity, vary);
    return { ok: true, identity, vary };
  };

  const failed = (error: unknown, host: HostContext, vary: readonly string[]): PipelineOutcome<U> => {
    // The host gave up on the request (the client left): nobody reads the answer, and it
    // is no store failure to report.
    if (host.signal?.aborted && error === host.signal.reason) return refuse(new StoreUnavailable(error), ANONYMOUS as Identity<U>, vary);
    // Fail closed: a broken or silent store or hook never turns into access.
    return refuse(failClosed(error, onError), ANONYMOUS as Identity<U>, vary);
  };

  const check = (request: Request, host: HostContext = {}): Awaitable<PipelineOutcome<U>> => {
    const vary: string[] = varies ? [] : (NO_VARY as string[]);
    // The signal is made only if an authenticator or throttle reads it; the time limit is
    // kept only for a request that waits for something.
    const outcome = deadlines.run(host.signal, (signal) => evaluate(request, new PipelineHost(host, signal), vary));
    return isPromiseLike(outcome) ? Promise.resolve(outcome).catch((error: unknown) => failed(error, host, vary)) : outcome;
  };

  return {
    options: resolved,
    check,
    // No async function around check: its answer, or its promise, as one promise.
    run: (request, host) => Promise.resolve(check(request, host)),
    protect(handler) {
      return async (request, host = {}) => {
        const checked = check(request, host);
        const outcome = isPromiseLike(checked) ? await checked : checked;
        return outcome.ok ? withVary(await handler(request, { ...outcome.identity, host }), outcome.vary) : outcome.response;
      };
    },
    with(overrides) {
      return createLatchkey<U>({ ...resolved, ...withoutUndefined(overrides) });
    },
  };
}

/** Wraps one fetch handler with its own pipeline: `protect(handler, { authenticators, permissions })`. */
export function protect<U extends AuthUser = AuthUser>(
  handler: ProtectedHandler<U>,
  options: LatchkeyOptions<U> = {},
): FetchHandler {
  return createLatchkey(options).protect(handler);
}

/**
 * A pipeline from either a built pipeline or the options to build one: every adapter
 * accepts both, and this is the one place that tells them apart (a pipeline has `run`).
 */
export function toLatchkey<U extends AuthUser = AuthUser>(pipelineOrOptions: Latchkey<U> | LatchkeyOptions<U>): Latchkey<U> {
  const candidate = pipelineOrOptions as Partial<Latchkey<U>>;
  return typeof candidate.run === 'function' ? (pipelineOrOptions as Latchkey<U>) : createLatchkey(pipelineOrOptions as LatchkeyOptions<U>);
}
