/**
 * Time limits on the request path. A store that never answers (a remote database behind a
 * port that accepts and then says nothing, a custom store whose promise never settles, a
 * lock held elsewhere) must not hold a request open: past the limit the request is refused
 * with 503 like any store failure, through `failClosed`.
 *
 * One deadline covers the whole request rather than each call: it bounds what the client
 * waits for, whatever mix of store calls, hooks and hashing a route makes. The work is given
 * an `AbortSignal` (as `HostContext.signal`) that aborts at the deadline, so whatever can
 * cancel (a `fetch`, a driver that takes a signal) stops instead of running on unobserved.
 * The timer is cleared the moment the work settles: nothing is left scheduled.
 */

/** The default time limit of a request's store and hook calls, in milliseconds. */
export const DEFAULT_TIMEOUT_MS = 5_000;

/** A request's store or hook calls did not finish within the time limit. */
export class TimeLimitExceeded extends Error {
  constructor(
    /** The limit, in milliseconds. */
    readonly timeout: number,
  ) {
    super(`a store or hook did not answer within ${timeout} ms`);
    this.name = 'TimeLimitExceeded';
  }
}

/** Throws a `RangeError` unless `timeout` is a positive number of milliseconds or null. */
export function assertTimeout(timeout: number | null): void {
  if (timeout !== null && !(typeof timeout === 'number' && timeout > 0 && timeout <= 2_147_483_647)) {
    throw new RangeError('timeout must be a positive number of milliseconds (at most 2^31 - 1) or null');
  }
}

/**
 * Runs `work` with a signal that aborts after `timeout` milliseconds, or as soon as `outer`
 * aborts (the client went away, an enclosing limit passed). Rejects with the abort's reason
 * at that moment (a `TimeLimitExceeded` for the deadline) even if `work` never settles;
 * its late result or error is then ignored. `timeout` null: no deadline of its own.
 */
export async function withTimeLimit<T>(
  timeout: number | null,
  outer: AbortSignal | undefined,
  work: (signal: AbortSignal) => Promise<T>,
): Promise<T> {
  const controller = new AbortController();
  if (outer?.aborted) {
    controller.abort(outer.reason);
    throw outer.reason;
  }
  // The race is lost by rejecting it directly, never through a listener on the signal:
  // an EventTarget listener costs microseconds per request on Node, a timer does not.
  let lose: (reason: unknown) => void = () => {};
  const expire = (reason: unknown) => {
    controller.abort(reason);
    lose(reason);
  };
  const onOuterAbort = () => expire(outer!.reason);
  outer?.addEventListener('abort', onOuterAbort, { once: true });
  const timer = timeout === null ? undefined : setTimeout(() => expire(new TimeLimitExceeded(timeout)), timeout);
  try {
    return await new Promise<T>((resolve, reject) => {
      lose = reject;
      work(controller.signal).then(resolve, reject);
    });
  } finally {
    clearTimeout(timer);
    outer?.removeEventListener('abort', onOuterAbort);
  }
}
