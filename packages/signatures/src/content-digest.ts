/**
 * RFC 9530 `Content-Digest`: a signature covers the digest field, the digest covers the
 * body, so together they sign the body. The body is read from a clone, so the handler can
 * still read the original.
 */
import { constantTimeEqual, latin1ToString, readCapped } from '@latchkey/core';
import { parseDictionary } from 'structured-headers';

/** RFC 9530 algorithm names we check, with their Web Crypto digests. */
const DIGESTS: Readonly<Record<string, string>> = { 'sha-256': 'SHA-256', 'sha-512': 'SHA-512' };

/** Why a body does not match its `Content-Digest`, or null when it does. */
export type ContentDigestProblem = 'missing' | 'malformed' | 'unsupported' | 'mismatch' | 'too-large';

/** Reads at most `maxBytes` of a clone of the body, as it streams; null when it is larger. */
export function readBodyCopy(request: Request, maxBytes: number): Promise<Uint8Array<ArrayBuffer> | null> {
  return readCapped(request.clone(), maxBytes);
}

/** SHA-256 or SHA-512 of `body` as RFC 9530 names them. */
export async function digestBody(algorithm: 'sha-256' | 'sha-512', body: Uint8Array<ArrayBuffer>): Promise<Uint8Array<ArrayBuffer>> {
  return new Uint8Array(await crypto.subtle.digest(DIGESTS[algorithm]!, body));
}

/** The `Content-Digest` value for `body` (sha-256), as a client sends it. */
export async function contentDigest(body: Uint8Array<ArrayBuffer> | string): Promise<string> {
  const bytes = typeof body === 'string' ? new TextEncoder().encode(body) : body;
  return `sha-256=:${btoa(latin1ToString(await digestBody('sha-256', bytes)))}:`;
}

/**
 * Checks `body` against the request's `Content-Digest`. Every algorithm we know that the
 * client listed must match, and at least one must be listed: a field naming only unknown
 * algorithms proves nothing.
 */
export async function checkContentDigest(field: string | null, body: Uint8Array<ArrayBuffer>): Promise<ContentDigestProblem | null> {
  if (field === null) return 'missing';
  let dictionary;
  try {
    dictionary = parseDictionary(field);
  } catch {
    return 'malformed';
  }
  let checked = 0;
  for (const [name, member] of dictionary) {
    if (!(name in DIGESTS)) continue;
    const value = member[0];
    if (!(value instanceof ArrayBuffer)) return 'malformed';
    const actual = await digestBody(name as 'sha-256' | 'sha-512', body);
    if (!constantTimeEqual(latin1ToString(actual), latin1ToString(new Uint8Array(value)))) return 'mismatch';
    checked++;
  }
  return checked === 0 ? 'unsupported' : null;
}
