/**
 * Steps that may answer at once. A token found in memory, in the verified-token cache or
 * through a synchronous SQLite driver needs no promise: each promise on the request path
 * costs a microtask and an allocation, more than the rest of such a check. Steps return
 * `Awaitable` values and the pipeline goes asynchronous only where a step did.
 */

/** A value, or a promise of it: what a step returns when it may finish at once. */
export type Awaitable<T> = T | Promise<T>;

/** Whether `value` is still to come (a promise or any thenable) rather than there to use. */
export function isPromiseLike<T>(value: T | PromiseLike<T>): value is PromiseLike<T> {
  return typeof (value as PromiseLike<T> | null)?.then === 'function';
}
