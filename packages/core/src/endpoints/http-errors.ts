/**
 * The refusals that only endpoints give, beside core's authentication ones: bad input,
 * a wrong method, an unknown id. Wording is Django REST framework's.
 */
import { LatchkeyError } from '../errors.ts';

// Raised by endpoints, answered by core's errorResponse (which sends its `Allow`).
export { MethodNotAllowed } from '../errors.ts';

/** The body could not be parsed: 400 (DRF's ParseError). */
export class ParseError extends LatchkeyError {
  readonly status = 400;
}

/** Field errors, DRF's serializer shape `{"field": ["message", …]}`: 400. */
export class ValidationFailed extends LatchkeyError {
  readonly status = 400;
  constructor(
    /** Messages by field name; `non_field_errors` for the whole input. */
    readonly errors: Readonly<Record<string, readonly string[]>>,
  ) {
    super('Invalid input.');
  }
}

/** No such object, or not one of the caller's: 404. */
export class NotFound extends LatchkeyError {
  readonly status = 404;
  constructor() {
    super('Not found.');
  }
}

/** The body is larger than the endpoint accepts: 413. */
export class PayloadTooLarge extends LatchkeyError {
  readonly status = 413;
  constructor(maxBytes: number) {
    super(`Request body is larger than ${maxBytes} bytes.`);
  }
}

/** The body's content type has no parser: 415. */
export class UnsupportedMediaType extends LatchkeyError {
  readonly status = 415;
  constructor(mediaType: string) {
    super(`Unsupported media type "${mediaType}" in request.`);
  }
}
