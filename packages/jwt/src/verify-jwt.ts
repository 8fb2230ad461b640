/**
 * Verifying a compact JWT with jose and answering in simplejwt's words. The order is
 * simplejwt's (PyJWT's decode, then its own checks): signature and algorithm, `exp`, `nbf`,
 * `iat`, `iss`, `aud`; then `exp` must be present. Ordinary failures are values; a throw
 * means a key source failed (a JWKS that cannot be fetched) and becomes a 503.
 */
import { errors, type JWSHeaderParameters, type JWTPayload, type JWTVerifyGetKey, jwtVerify } from 'jose';

/** simplejwt's messages for a token that does not verify. */
export const TOKEN_INVALID = 'Token is invalid';
export const TOKEN_EXPIRED = 'Token is expired';
export const TOKEN_BLACKLISTED = 'Token is blacklisted';
export const TOKEN_WRONG_TYPE = 'Token has wrong type';
export const TOKEN_NO_ID = 'Token has no id';
export const TOKEN_NO_EXP = "Token has no 'exp' claim";

/** A verified token, or simplejwt's reason it is not one. */
export type JwtCheck =
  | { readonly ok: true; readonly payload: JWTPayload; readonly header: JWSHeaderParameters }
  | { readonly ok: false; readonly message: string };

/** What `verifyJwt` checks besides the signature. */
export interface JwtCheckOptions {
  /** The only algorithms accepted, whatever the token says. */
  readonly algorithms: readonly string[];
  /** Required `iss`, when set. */
  readonly issuer?: string | undefined;
  /** Required `aud` (one of them), when set. */
  readonly audience?: string | readonly string[] | undefined;
  /** Milliseconds of clock skew tolerated on `exp`, `nbf` and `iat`. */
  readonly leeway: number;
  /** Milliseconds since the epoch. */
  readonly now: number;
  /** Required `typ` header (e.g. `at+jwt`, RFC 9068), when set. */
  readonly typ?: string | undefined;
}

/** The resolver jose asks for a token's key (`KeySet.verificationKey`, a remote JWKS). */
export type KeyResolver = JWTVerifyGetKey;

// Errors that mean "the key source failed", not "the token is bad": these are 503s. jose
// throws its base JOSEError itself for a JWKS answer that is not 200 or not JSON.
const unavailable = (error: unknown) =>
  !(error instanceof errors.JOSEError) ||
  error.constructor === errors.JOSEError ||
  error instanceof errors.JWKSTimeout ||
  error instanceof errors.JWKSInvalid;

/** Verifies `token`; throws only when the key source fails. */
export async function verifyJwt(token: string, key: KeyResolver, options: JwtCheckOptions): Promise<JwtCheck> {
  let verified: Awaited<ReturnType<typeof jwtVerify>>;
  try {
    verified = await jwtVerify(token, key, {
      algorithms: [...options.algorithms],
      issuer: options.issuer,
      audience: options.audience === undefined ? undefined : (options.audience as string | string[]),
      clockTolerance: options.leeway / 1000,
      currentDate: new Date(options.now),
      typ: options.typ,
    });
  } catch (error) {
    if (unavailable(error)) throw error;
    return { ok: false, message: error instanceof errors.JWTExpired ? TOKEN_EXPIRED : TOKEN_INVALID };
  }
  const { payload, protectedHeader } = verified;
  // jose checks `iat` only for its type; PyJWT also refuses one from the future.
  if (typeof payload.iat === 'number' && payload.iat * 1000 > options.now + options.leeway) return { ok: false, message: TOKEN_INVALID };
  // RFC 7519 makes `exp` optional; a bearer token without one would never die.
  if (typeof payload.exp !== 'number') return { ok: false, message: TOKEN_NO_EXP };
  return { ok: true, payload, header: protectedHeader };
}

/** Scopes from `scope` (RFC 8693/9068, space-separated) or `scp` (a list, or a string). */
export function scopesOf(payload: JWTPayload): string[] {
  const value = payload.scope ?? payload.scp;
  if (typeof value === 'string') return value.split(' ').filter((scope) => scope.length > 0);
  if (Array.isArray(value)) return value.filter((scope): scope is string => typeof scope === 'string');
  return [];
}
