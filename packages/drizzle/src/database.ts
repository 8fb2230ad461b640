import { DrizzleQueryError } from 'drizzle-orm/errors';
import type { BaseSQLiteDatabase } from 'drizzle-orm/sqlite-core';

/**
 * Any Drizzle SQLite database that answers with promises: libSQL (`drizzle-orm/libsql`),
 * D1 (`drizzle-orm/d1`), and others. The stores use only the query builder, never a
 * driver, so one store serves them all (Lucia's Drizzle adapter does the same). The run
 * result and the relational schema differ per driver and app and are never read, hence
 * `any` for both.
 */
export type SQLiteDatabase = BaseSQLiteDatabase<'async', any, any>;

/**
 * Runs a query and lets its failure propagate without its parameters. Drizzle reports a
 * failed query with every parameter in the message (password hashes, token digests), and
 * core logs store failures: the error thrown instead names the store and carries the
 * driver's own error, message and stack intact, as its cause.
 */
export async function redacted<T>(store: string, query: PromiseLike<T>): Promise<T> {
  try {
    return await query;
  } catch (error) {
    if (!(error instanceof DrizzleQueryError)) throw error;
    const cause = error.cause;
    throw new Error(`${store}: query failed${cause ? `: ${cause.message}` : ''}`, { cause });
  }
}
