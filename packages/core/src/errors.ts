/**
 * The few ways a request is refused. They are values: authenticators, permissions and
 * throttles return them, and `errorResponse` turns them into responses in one place.
 * Details use Django REST framework's wording where DRF has one.
 */

/** RFC 6750 attributes for a Bearer challenge. */
export interface BearerError {
  readonly error: 'invalid_request' | 'invalid_token' | 'insufficient_scope';
  /** Space-separated scopes the resource needs (with `insufficient_scope`). */
  readonly scope?: string;
}

/** Base of every refusal: an HTTP status and a human-readable `detail`. */
export abstract class LatchkeyError extends Error {
  abstract readonly status: number;
  constructor(
    readonly detail: string,
    options?: ErrorOptions,
  ) {
    super(detail, options);
    this.name = new.target.name;
  }
}

/** Credentials of a scheme's kind were given and are wrong: 401 (403 if no challenge). */
export class AuthenticationFailed extends LatchkeyError {
  readonly status = 401;
  constructor(
    detail = 'Incorrect authentication credentials.',
    readonly bearer: BearerError = { error: 'invalid_token' },
    /**
     * What the failing scheme needs the client to read, beyond `detail`. Default none.
     * `challenge` replaces the first authenticator's `WWW-Authenticate` (Hawk's stale-timestamp
     * answer carries the server's time and the client cannot resynchronise without it);
     * `headers` are added to the 401 (RFC 9421's `Accept-Signature`). Never a secret.
     */
    readonly hint: AuthenticationHint = {},
  ) {
    super(detail);
  }
}

/** Extra answer a scheme attaches to its own failure; see `AuthenticationFailed.hint`. */
export interface AuthenticationHint {
  readonly challenge?: string;
  readonly headers?: Readonly<Record<string, string>>;
}

/** No credentials were given and the permission needs a user: 401 (403 if no challenge). */
export class NotAuthenticated extends LatchkeyError {
  readonly status = 401;
  constructor(detail = 'Authentication credentials were not provided.') {
    super(detail);
  }
}

/** The caller is known (or anonymous where allowed) and may not do this: 403. */
export class PermissionDenied extends LatchkeyError {
  readonly status = 403;
  constructor(
    detail = 'You do not have permission to perform this action.',
    /** Scopes that would have allowed the request, for an RFC 6750 challenge. */
    readonly scopes: readonly string[] = [],
  ) {
    super(detail);
  }
}

/** Too many requests: 429 with `Retry-After`. */
export class Throttled extends LatchkeyError {
  readonly status = 429;
  constructor(
    /** Whole seconds until a request would be allowed again. */
    readonly wait: number,
  ) {
    super(`Request was throttled. Expected available in ${wait} second${wait === 1 ? '' : 's'}.`);
  }
}

/** The route exists but not for this method: 405 with `Allow`. */
export class MethodNotAllowed extends LatchkeyError {
  readonly status = 405;
  constructor(
    method: string,
    /** The methods the route answers, for the `Allow` header. */
    readonly allow: readonly string[],
  ) {
    super(`Method "${method}" not allowed.`);
  }
}

/** A store or hook failed: 503, and nothing is granted (fail closed). */
export class StoreUnavailable extends LatchkeyError {
  readonly status = 503;
  constructor(cause?: unknown) {
    super('Service temporarily unavailable, try again later.', { cause });
  }
}
