/**
 * Parsing `Authorization: <keyword> <credentials>` the way DRF does: the keyword is
 * matched case-insensitively, any run of whitespace separates the parts, and another
 * keyword means the scheme was not attempted. Pure: no I/O, no exceptions.
 */

/** The parse of an Authorization header for one keyword. */
export type AuthorizationParse =
  | { readonly kind: 'absent' }
  | { readonly kind: 'no-credentials' }
  | { readonly kind: 'spaces' }
  | { readonly kind: 'credentials'; readonly credentials: string };

// Python's bytes.split() separators, which DRF relies on.
const WHITESPACE = /[\t\n\v\f\r ]+/;

/**
 * Lower-cases A-Z only. DRF compares the keyword as bytes, whose `lower()` is ASCII-only;
 * `toLowerCase` would fold the Kelvin sign U+212A to "k" and let `TO\u212AEN` pass as `Token`.
 */
function asciiLowerCase(text: string): string {
  return text.replace(/[A-Z]/g, (letter) => String.fromCharCode(letter.charCodeAt(0) + 32));
}

/** Splits the request's Authorization header against `keyword`. */
export function parseAuthorization(request: Request, keyword: string): AuthorizationParse {
  const header = request.headers.get('Authorization');
  if (!header) return { kind: 'absent' };
  const parts = header.split(WHITESPACE).filter((part) => part.length > 0);
  if (parts.length === 0 || asciiLowerCase(parts[0]!) !== asciiLowerCase(keyword)) return { kind: 'absent' };
  if (parts.length === 1) return { kind: 'no-credentials' };
  if (parts.length > 2) return { kind: 'spaces' };
  return { kind: 'credentials', credentials: parts[1]! };
}
