import { type Awaitable, isPromiseLike } from '@latchkey/core';
import { DrizzleQueryError } from 'drizzle-orm/errors';
import type { BaseSQLiteDatabase } from 'drizzle-orm/sqlite-core';

/**
 * Any Drizzle SQLite database, synchronous or answering with promises: libSQL
 * (`drizzle-orm/libsql`), D1 (`drizzle-orm/d1`), better-sqlite3 and the `libsql` package
 * (`drizzle-orm/better-sqlite3`), bun:sqlite (`drizzle-orm/bun-sqlite`). The stores use only
 * the query builder and `await` every result, a value or a promise, so one store serves
 * them all (Lucia's Drizzle adapter does the same). The run result and the relational
 * schema differ per driver and app and are never read, hence `any` for both.
 */
export type SQLiteDatabase = BaseSQLiteDatabase<'sync' | 'async', any, any>;

/**
 * Runs a query and lets its failure propagate without its parameters. Drizzle reports a
 * failed query with every parameter in the message (password hashes, token digests), and
 * core logs store failures: the error thrown instead names the store and carries the
 * driver's own error, message and stack intact, as its cause.
 */
export async function redacted<T>(store: string, query: T | PromiseLike<T>): Promise<T> {
  try {
    return await query;
  } catch (error) {
    throw withoutParameters(store, error);
  }
}

// Drizzle's query error, which quotes the parameters, replaced by the store's; others as they are.
const withoutParameters = (store: string, error: unknown): unknown =>
  error instanceof DrizzleQueryError ? storeError(store, error.cause) : error;

/**
 * `map` of a query's result, answered at once when the driver answered at once (better-sqlite3,
 * `libsql`, bun:sqlite), so a token check on them makes no promise (see core's `Awaitable`);
 * a promise for an asynchronous driver. Failures are always a rejected promise, named as
 * `redacted` names them, so callers see a store error the same way from every driver.
 */
export function mapQuery<T, R>(store: string, run: () => T | PromiseLike<T>, map: (result: T) => R): Awaitable<R> {
  let result: T | PromiseLike<T>;
  try {
    result = run();
  } catch (error) {
    return Promise.reject(withoutParameters(store, error));
  }
  return isPromiseLike(result) ? redacted(store, result).then(map) : map(result);
}

/**
 * The error a store throws for a driver's `cause`. Synchronous drivers throw their own
 * errors (better-sqlite3, `libsql` and bun:sqlite never put parameters in messages), which
 * are named the same way; an error already named for the store is returned as it is.
 */
export function storeError(store: string, cause: unknown): Error {
  if (cause instanceof Error && cause.message.startsWith(`${store}: `)) return cause;
  const message = cause instanceof Error ? `: ${cause.message}` : '';
  return new Error(`${store}: query failed${message}`, { cause });
}
