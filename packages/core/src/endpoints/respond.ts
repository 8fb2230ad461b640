/** How endpoints answer: refusals through core's `errorResponse`, plus DRF's two exceptions to `{"detail"}`. */
import type { LatchkeyError } from '../errors.ts';
import { errorResponse, jsonResponse } from '../response.ts';
import { ValidationFailed } from './http-errors.ts';

/** The response for a refusal: field errors keep their own shape. */
export function refusalResponse(error: LatchkeyError): Response {
  return error instanceof ValidationFailed ? jsonResponse(error.errors, error.status) : errorResponse(error, null);
}

/** 204 with no body (knox's logout answers). */
export function noContent(headers?: HeadersInit): Response {
  return new Response(null, { status: 204, headers });
}

/** A record time on the wire: ISO 8601, or null for "never" (knox's `expiry`). */
export function isoTime(milliseconds: number | null): string | null {
  return milliseconds === null ? null : new Date(milliseconds).toISOString();
}
