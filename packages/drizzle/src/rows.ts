/**
 * How core's records map to table rows, the same in both dialects (SQLite and Postgres), so
 * the stores of each differ only in their SQL.
 */
import type { TokenRecord } from '@latchkey/core';

/** A token row as both dialects' `latchkey_tokens` read and write it. */
export type TokenRow = Omit<TokenRecord, 'scopes'> & { readonly scopes: string };

// Core refuses scopes containing spaces, so a space is a safe separator.
export const toTokenRow = (record: TokenRecord): TokenRow => ({ ...record, scopes: record.scopes.join(' ') });

export const toTokenRecord = (row: TokenRow): TokenRecord => ({
  ...row,
  scopes: row.scopes === '' ? [] : row.scopes.split(' '),
});

/** Core's user ids are strings; the users tables' are positive integers. Anything else finds no one. */
export function parseUserId(id: string): number | null {
  const number = /^[1-9][0-9]{0,15}$/.test(id) ? Number(id) : NaN;
  return Number.isSafeInteger(number) ? number : null;
}
