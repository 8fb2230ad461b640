/**
 * The Bearer token of a request, as simplejwt reads it: another keyword (or none) means the
 * scheme was not attempted; `Bearer` with no value or several values is a malformed header.
 * The keyword is matched case-insensitively (RFC 9110 §11.1; simplejwt compares bytes). Pure.
 */
import { type AuthorizationParse, parseAuthorization, tokenChallenge } from '@latchkey/core';

/** The Bearer credential of a request, if any. */
export type BearerParse = { readonly kind: 'absent' } | { readonly kind: 'malformed' } | { readonly kind: 'token'; readonly token: string };

/** Reads `Authorization: Bearer <token>`. */
export function readBearer(request: Request): BearerParse {
  const header: AuthorizationParse = parseAuthorization(request, 'Bearer');
  if (header.kind === 'absent') return { kind: 'absent' };
  if (header.kind !== 'credentials') return { kind: 'malformed' };
  return { kind: 'token', token: header.credentials };
}

/** Throws a `RangeError` unless `realm` can be quoted in a challenge. */
export function assertRealm(realm: string, owner: string): void {
  if (realm.includes('"') || realm.includes('\\')) throw new RangeError(`${owner}: realm must not contain quotes or backslashes`);
}

/** The RFC 6750 challenge for `realm`. */
export const bearerChallenge = (realm: string) => (error?: Parameters<typeof tokenChallenge>[2]) => tokenChallenge('Bearer', realm, error);
