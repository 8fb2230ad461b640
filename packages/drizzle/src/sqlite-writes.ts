/**
 * Writes on a synchronous SQLite connection (better-sqlite3, `libsql`, bun:sqlite) that are
 * durable when acknowledged and never freeze the event loop.
 *
 * Durable: every write runs in its own `BEGIN IMMEDIATE … COMMIT`, and the store's promise
 * resolves only after COMMIT returned. A write that finds the file locked by another
 * process fails at BEGIN, before any statement ran, so nothing is left half done. Without
 * this, the `libsql` binding loses writes: a `DELETE … RETURNING` that fails with
 * SQLITE_BUSY leaves its statement un-reset, the connection stays inside a transaction while
 * reporting `inTransaction === false`, and every later write on it is acknowledged and
 * rolled back when the process ends (the test "a write lock held by another process" shows it).
 *
 * Never frozen: a synchronous driver waiting on a lock blocks the whole process, so the
 * connection's own busy timeout is kept short (`LOCK_POLL_MS`) and the real wait, up to
 * `busyTimeout`, is spent between attempts on a timer, while other requests are served.
 * Reads need none of this: in WAL mode a reader never waits for a writer.
 */

import { isPromiseLike } from '@latchkey/core';
import { storeError } from './database.ts';

/** The part of a synchronous SQLite connection the writes need; all three drivers have it. */
export interface SyncConnection {
  exec(sql: string): unknown;
}

/** Options for `serialWrites`. */
export interface SerialWritesOptions {
  /**
   * Longest a write waits, without blocking the event loop, for a lock held by another
   * connection before it fails (and core answers 503). Milliseconds; default `2_000`, shorter
   * than a request should wait, so the store answers before the request gives up.
   */
  readonly busyTimeout?: number;
  /** Clock for `busyTimeout`, milliseconds. Default `Date.now`. */
  readonly now?: () => number;
  /** Waits `ms` milliseconds. Default a `setTimeout` promise. */
  readonly sleep?: (ms: number) => Promise<void>;
}

/** The connection's busy timeout: the longest one attempt may block the event loop (ms). */
export const LOCK_POLL_MS = 10;
const DEFAULT_BUSY_TIMEOUT_MS = 2_000;
// Between attempts: 1, 2, 4 … ms, then at most this, so a lock released is seen soon.
const MAX_RETRY_DELAY_MS = 50;

/** Runs writes one at a time, each in its own immediate transaction. */
export type SerialWrites = <T>(write: () => Promise<T>) => Promise<T>;

const isBusy = (error: unknown) =>
  typeof error === 'object' && error !== null && /^SQLITE_BUSY/.test(String((error as { code?: unknown }).code));

/**
 * Returns a function that runs each write alone in `BEGIN IMMEDIATE … COMMIT` on
 * `connection`, waiting for a foreign lock on a timer (see the module comment). A write
 * that throws is rolled back; a lock still held after `busyTimeout` rejects with an error
 * whose cause is the driver's SQLITE_BUSY.
 */
export function serialWrites(connection: SyncConnection, options: SerialWritesOptions = {}): SerialWrites {
  const busyTimeout = options.busyTimeout ?? DEFAULT_BUSY_TIMEOUT_MS;
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  if (!(busyTimeout >= 0)) throw new RangeError('busyTimeout must be a number of milliseconds ≥ 0');
  // One transaction at a time on the one connection: a second BEGIN inside the first would fail.
  let tail: Promise<unknown> = Promise.resolve();

  // `start`: when the write was asked for, so time spent queued behind others counts too.
  async function begin(start: number): Promise<void> {
    for (let delay = 1; ; delay = Math.min(delay * 2, MAX_RETRY_DELAY_MS)) {
      try {
        connection.exec('BEGIN IMMEDIATE');
        return;
      } catch (error) {
        if (!isBusy(error)) throw error;
        if (now() - start >= busyTimeout) {
          throw new Error(`SQLite write lock not free within ${busyTimeout} ms: held by another connection`, {
            cause: error,
          });
        }
      }
      await sleep(delay);
    }
  }

  async function run<T>(write: () => Promise<T>, start: number): Promise<T> {
    await begin(start);
    let result: T;
    try {
      result = await write();
      connection.exec('COMMIT');
    } catch (error) {
      try {
        connection.exec('ROLLBACK');
      } catch (rollbackError) {
        // Some failed COMMITs roll back by themselves; either way nothing was acknowledged.
        throw new AggregateError([error, rollbackError], 'SQLite write failed, then its ROLLBACK failed');
      }
      throw error;
    }
    return result;
  }

  return (write) => {
    const start = now();
    const done = tail.then(() => run(write, start));
    // The caller gets the failure through `done`; the queue only waits for it to settle.
    tail = done.catch(() => undefined);
    return done;
  };
}

/**
 * A store from `create` with every method except those in `reads` sent through `writes`,
 * and every failure named for the store (`storeError`). Writes are listed by exclusion so
 * that a method added to a store later is durable by default; `type` lends the proxy its
 * prototype (`instanceof`, `in`), and other properties are the store's own.
 *
 * A synchronous driver prepares the store's statements at once, so a file not migrated yet
 * (`migrate: false`) fails in `create`: the store is then built at its first use, and that
 * call fails as every query on a missing table does.
 */
export function syncStore<T extends object>(
  name: string,
  type: abstract new (...args: never[]) => T,
  create: () => T,
  reads: ReadonlySet<PropertyKey>,
  writes: SerialWrites,
): T {
  let store: T | undefined;
  try {
    store = create();
  } catch (error) {
    if (!/no such table/.test(String((error as Error | undefined)?.message))) throw error;
  }
  const methods = new Map<PropertyKey, (...args: unknown[]) => unknown>();
  const fail = (error: unknown): never => {
    throw storeError(name, error);
  };
  return new Proxy(Object.create(type.prototype) as T, {
    get(target, key) {
      let method = methods.get(key);
      if (method !== undefined) return method;
      // The store's own methods count too (an optional one it has only with some options).
      if (typeof Reflect.get(store ?? target, key) !== 'function') return store === undefined ? undefined : Reflect.get(store, key);
      const call = (...args: unknown[]): unknown => {
        try {
          store ??= create();
          return (Reflect.get(store, key) as (...args: unknown[]) => unknown).apply(store, args);
        } catch (error) {
          return Promise.reject(error);
        }
      };
      // A read the driver answered at once is passed on at once (see core's `Awaitable`).
      method = reads.has(key)
        ? (...args) => {
            const result = call(...args);
            return isPromiseLike(result) ? Promise.resolve(result).catch(fail) : result;
          }
        : (...args) => writes(() => Promise.resolve(call(...args))).catch(fail);
      methods.set(key, method);
      return method;
    },
  });
}
