/** Where refusals become responses: one place, so every host answers alike. */
import { AuthenticationFailed, type LatchkeyError, MethodNotAllowed, NotAuthenticated, PermissionDenied, Throttled } from './errors.ts';

const JSON_TYPE = 'application/json';

/** A JSON response; `body` is serialised with `JSON.stringify`. */
export function jsonResponse(body: unknown, status = 200, headers?: HeadersInit): Response {
  const merged = new Headers(headers);
  merged.set('Content-Type', JSON_TYPE);
  return new Response(JSON.stringify(body), { status, headers: merged });
}

/**
 * The response for a refusal. For a 401, `challenge` is the first authenticator's
 * `WWW-Authenticate` value (DRF's rule), or null when it has none: then the 401 becomes
 * a 403. For a 403, a non-null `challenge` is an RFC 6750 `insufficient_scope` one. A 429
 * carries `Retry-After`, a 405 `Allow`.
 */
export function errorResponse(error: LatchkeyError, challenge: string | null): Response {
  const headers = new Headers();
  let status = error.status;
  if (error instanceof AuthenticationFailed || error instanceof NotAuthenticated) {
    if (challenge) headers.set('WWW-Authenticate', challenge);
    else status = 403;
    if (error instanceof AuthenticationFailed) {
      for (const [name, value] of Object.entries(error.hint.headers ?? {})) headers.set(name, value);
    }
  } else if (error instanceof PermissionDenied && challenge) {
    headers.set('WWW-Authenticate', challenge);
  }
  if (error instanceof Throttled) headers.set('Retry-After', String(error.wait));
  if (error instanceof MethodNotAllowed) headers.set('Allow', error.allow.join(', '));
  return jsonResponse({ detail: error.detail }, status, headers);
}

/**
 * `response` with `Vary` naming `headers` as well (each once; `Vary: *` stays). The pipeline
 * gives every answer the request headers its consulted schemes read (`Authenticator.vary`):
 * `Cookie` once session authentication was tried, as Django's session middleware does, so
 * a shared cache never serves one user's cookie-authenticated answer to another. A response
 * with immutable headers (from `fetch`, `Response.redirect`) is copied first.
 */
export function withVary(response: Response, headers: readonly string[]): Response {
  if (headers.length === 0) return response;
  const current = response.headers.get('Vary');
  const listed = new Set((current ?? '').split(',').map((name) => name.trim().toLowerCase()).filter(Boolean));
  if (listed.has('*')) return response;
  const missing = headers.filter((name) => !listed.has(name.toLowerCase()));
  if (missing.length === 0) return response;
  const value = [...(current ? [current] : []), ...missing].join(', ');
  try {
    response.headers.set('Vary', value);
    return response;
  } catch (error) {
    if (!(error instanceof TypeError)) throw error;
    const copy = new Response(response.body, response);
    copy.headers.set('Vary', value);
    return copy;
  }
}
