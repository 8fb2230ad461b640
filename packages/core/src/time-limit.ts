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
import { type Awaitable, isPromiseLike } from './awaitable.ts';
import { onCloudflareWorkers } from './cloudflare-workers.ts';

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

const NOT_YET: unique symbol = Symbol('not yet');
const ignore = (): void => {};

/** One call's place in a `DeadlineQueue`: a node of its list, with its signal made on demand. */
class Pending {
  prev: Pending | null = null;
  next: Pending | null = null;
  queued = false;
  controller: AbortController | null = null;
  reason: unknown = NOT_YET;
  reject: (reason: unknown) => void = ignore;
  outer: AbortSignal | undefined = undefined;
  onOuterAbort: (() => void) | undefined = undefined;
  /** Its own timer, where each call keeps one (Workers). */
  timer: ReturnType<typeof setTimeout> | undefined = undefined;

  constructor(readonly deadline: number) {}

  // An AbortController costs microseconds on Node, more than the rest of a cached token
  // check: most work never reads its signal, so it is made only for work that does, and
  // made already aborted when the limit has passed by then.
  signal(): AbortSignal {
    if (this.controller === null) {
      this.controller = new AbortController();
      if (this.reason !== NOT_YET) this.controller.abort(this.reason);
    }
    return this.controller.signal;
  }

  expire(reason: unknown): void {
    if (this.reason !== NOT_YET) return;
    this.reason = reason;
    this.controller?.abort(reason);
    this.reject(reason);
  }
}

/** Runs work under one time limit shared by all of it; see `createDeadlineQueue`. */
export interface DeadlineQueue {
  /**
   * Runs `work` as `withTimeLimit` does: rejects with the abort's reason once the limit
   * passes (a `TimeLimitExceeded`) or `outer` aborts, even if `work` never settles. `work`
   * gets a function returning its signal, so the signal is made only if asked for. Work
   * that answers at once (no promise) is answered at once: there was nothing to wait for.
   */
  run<T>(outer: AbortSignal | undefined, work: (signal: () => AbortSignal) => Awaitable<T>): Awaitable<T>;
  /** Calls in flight (for tests). */
  readonly size: number;
}

/** How a queue keeps the limit of a call that waits; `release` may be called more than once. */
interface Limiter {
  /** A call's place, its deadline starting now. */
  start(): Pending;
  /** The call turned out to wait: its limit starts counting. */
  wait(pending: Pending): void;
  /** The call settled or expired: its limit is no longer kept. */
  release(pending: Pending): void;
}

/**
 * `DeadlineQueue.run` for either queue. The call's place is made when its signal is asked
 * for or it turns out to wait, not for work that answers at once, which is most of it;
 * made by then, the same place serves both. No named closures here: a bundler keeping
 * function names (esbuild's keepNames, as tsx and wrangler run it) would name each one per
 * call, which cost more than the rest.
 */
function runLimited<T>(limiter: Limiter, outer: AbortSignal | undefined, work: (signal: () => AbortSignal) => Awaitable<T>): Awaitable<T> {
  if (outer?.aborted) return Promise.reject(outer.reason);
  let started: Pending | null = null;
  let answer: Awaitable<T>;
  try {
    answer = work(() => (started ??= limiter.start()).signal());
  } catch (error) {
    return Promise.reject(error);
  }
  if (!isPromiseLike(answer)) return answer;
  const result = answer;
  const pending = (started ??= limiter.start());
  return new Promise<T>((resolve, reject) => {
    pending.reject = reject;
    limiter.wait(pending);
    // As in withTimeLimit, the outer signal's listener rejects directly.
    if (outer !== undefined) {
      pending.outer = outer;
      pending.onOuterAbort = () => {
        settle(limiter, pending);
        pending.expire(outer.reason);
      };
      outer.addEventListener('abort', pending.onOuterAbort, { once: true });
    }
    result.then(
      (value) => {
        settle(limiter, pending);
        resolve(value);
      },
      (error: unknown) => {
        settle(limiter, pending);
        reject(error);
      },
    );
  });
}

function settle(limiter: Limiter, pending: Pending): void {
  limiter.release(pending);
  if (pending.onOuterAbort === undefined) return;
  pending.outer!.removeEventListener('abort', pending.onOuterAbort);
  pending.onOuterAbort = undefined;
}

/** A `DeadlineQueue` that gives every call that waits a timer of its own. */
function perCallTimeLimit(timeout: number | null): DeadlineQueue {
  let size = 0;
  const limiter: Limiter = {
    start: () => new Pending(Infinity),
    wait(pending) {
      pending.queued = true;
      size++;
      if (timeout === null) return;
      pending.timer = setTimeout(() => {
        settle(limiter, pending);
        pending.expire(new TimeLimitExceeded(timeout));
      }, timeout);
    },
    release(pending) {
      if (!pending.queued) return;
      pending.queued = false;
      size--;
      clearTimeout(pending.timer);
    },
  };
  return {
    run: (outer, work) => runLimited(limiter, outer, work),
    get size() {
      return size;
    },
  };
}

/**
 * A time limit of `timeout` milliseconds (null: none of its own) for many concurrent calls,
 * with one timer for all of them instead of one each (on Workers one each, see below). Every
 * call gets the same limit, so deadlines come in the order the calls start: the calls in flight are a list in deadline
 * order, and the timer is set for the first one's. A call that settles leaves the list; the
 * timer is then left to fire for a deadline nobody waits for, and set again for the new
 * first one, rather than being cleared and set per call. When the list empties the timer
 * is cleared: nothing stays scheduled while no call is in flight. `now` is a monotonic
 * clock in milliseconds. Default `performance.now()`.
 */
export function createDeadlineQueue(timeout: number | null, now: () => number = () => performance.now()): DeadlineQueue {
  assertTimeout(timeout);
  // On Workers a timer lives in the request that set it: a shared one, set or moved while
  // serving a request that then finished, would never fire for the others. There, each call
  // keeps a timer of its own.
  if (onCloudflareWorkers()) return perCallTimeLimit(timeout);
  let head: Pending | null = null;
  let tail: Pending | null = null;
  let size = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let armedFor = 0;

  const arm = (deadline: number) => {
    armedFor = deadline;
    timer = setTimeout(fire, Math.max(0, Math.min(timeout!, deadline - now())));
  };

  const fire = () => {
    timer = undefined;
    // The deadline the timer was set for has passed, whatever the clock says: a host whose
    // clock stands still between I/O events (Workers) still expires it.
    const at = Math.max(now(), armedFor);
    while (head !== null && head.deadline <= at) {
      const expired = head;
      settle(limiter, expired);
      expired.expire(new TimeLimitExceeded(timeout!));
    }
    if (head !== null) arm(head.deadline);
  };

  const unlink = (pending: Pending) => {
    if (!pending.queued) return;
    pending.queued = false;
    size--;
    if (pending.prev === null) head = pending.next;
    else pending.prev.next = pending.next;
    if (pending.next === null) tail = pending.prev;
    else pending.next.prev = pending.prev;
    pending.prev = pending.next = null;
    if (head === null && timer !== undefined) {
      clearTimeout(timer);
      timer = undefined;
    }
  };

  const enqueue = (pending: Pending) => {
    pending.queued = true;
    size++;
    pending.prev = tail;
    if (tail === null) head = pending;
    else tail.next = pending;
    tail = pending;
    if (timer === undefined) arm(pending.deadline);
  };

  const limiter: Limiter = {
    start: () => new Pending(timeout === null ? Infinity : now() + timeout),
    wait(pending) {
      if (timeout !== null) enqueue(pending);
    },
    release: unlink,
  };

  return {
    get size() {
      return size;
    },
    run: (outer, work) => runLimited(limiter, outer, work),
  };
}
