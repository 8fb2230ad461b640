/** Where refusals become responses: one place, so every host answers alike. */
import { AuthenticationFailed, type LatchkeyError, NotAuthenticated, PermissionDenied, Throttled } from './errors.ts';

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
 * a 403. For a 403, a non-null `challenge` is an RFC 6750 `insufficient_scope` one.
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
  return jsonResponse({ detail: error.detail, ...error.fields }, status, headers);
}
