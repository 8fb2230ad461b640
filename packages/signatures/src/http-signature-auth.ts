/**
 * RFC 9421 HTTP Message Signatures as an authenticator. The server, not the client, decides
 * what must be signed: drf-httpsig let the client choose the covered headers (so a signature
 * over nothing but `date` passed), compared signatures with `!=` and checked no time or
 * nonce. Here every request must cover the required components (and its body through
 * `Content-Digest`), be fresh, carry a nonce never seen before, and be signed with its key's
 * own algorithm; the comparison is Web Crypto's verify, or constant time for HMAC.
 *
 * The order of the checks is the argument: everything that needs no key is checked before the
 * key is looked up, the signature before anything is remembered, and the nonce last of all,
 * so a forged request can neither burn a real client's nonce nor fill the replay store.
 */
import {
  AuthenticationFailed,
  type Authenticator,
  type AuthUser,
  fail,
  skip,
  success,
  type UserStore,
} from '@latchkey/core';
import { serializeDictionary, type Parameters } from 'structured-headers';
import { verifyBytes } from './algorithms.ts';
import { checkContentDigest, readBodyCopy } from './content-digest.ts';
import type { SigningKeyStore } from './key-store.ts';
import { coveredComponents, readMessageSignature, signatureBase } from './message-signature.ts';
import { MemoryReplayStore, type ReplayStore } from './replay-store.ts';
import { activeUser, keyGrant, keyResolver } from './signer-keys.ts';

/** Covered by default: who may do what, where (`@target-uri` covers the last three). */
export const DEFAULT_REQUIRED_COMPONENTS = ['@method', '@authority', '@path', '@query'] as const;

/** Options for `httpSignatureAuth`. */
export interface HttpSignatureAuthOptions<U extends AuthUser> {
  /** Keys by `keyid`. Required. */
  readonly keys: SigningKeyStore;
  /** The keys' users. Required. */
  readonly users: UserStore<U>;
  /** Remembers nonces. Default a `MemoryReplayStore` (one process; share one across instances). */
  readonly replay?: ReplayStore;
  /**
   * Components every signature must cover. Default `DEFAULT_REQUIRED_COMPONENTS`; a request
   * with a body must also cover `content-digest`, whatever this says.
   */
  readonly requiredComponents?: readonly string[];
  /** Oldest accepted `created`, in seconds before now. Default `300`. */
  readonly maxAge?: number;
  /** Seconds of clock difference allowed for `created` in the future and `expires`. Default `60`. */
  readonly clockSkew?: number;
  /** Whether a `nonce` is required. Default `true`: without one a signature replays within `maxAge`. */
  readonly requireNonce?: boolean;
  /** Verify only the signature with this label. Default null: the first label in both fields. */
  readonly label?: string | null;
  /** Largest body read to check `Content-Digest`, in bytes. Default `1_048_576`. */
  readonly maxBodyBytes?: number;
  /** `Identity.scheme` on success. Default `"http-signature"`. */
  readonly name?: string;
  /** Realm in the `Signature realm="…"` challenge. Default `"api"`. */
  readonly realm?: string;
  /** Milliseconds since the epoch. Default `Date.now`. */
  readonly now?: () => number;
}

/**
 * Authenticates requests carrying `Signature-Input` and `Signature` (RFC 9421). Skips
 * requests with neither. A refusal is 401 with `Accept-Signature` naming what to sign
 * (RFC 9421 §5.1). RFC 9421 defines no `WWW-Authenticate` scheme; the challenge
 * `Signature realm="api"` keeps the answer a 401 (DRF answers 403 without one).
 *
 * @throws {TypeError} without `keys` or `users`; {RangeError} for a negative time option.
 * @example
 * ```ts
 * const signed = httpSignatureAuth({ keys, users, replay: throttleReplayStore(sharedStore) });
 * const handler = protect(app, { authenticators: [signed] });
 * ```
 */
export function httpSignatureAuth<U extends AuthUser>(options: HttpSignatureAuthOptions<U>): Authenticator<U> {
  const resolved = {
    replay: options.replay ?? new MemoryReplayStore(),
    requiredComponents: options.requiredComponents ?? DEFAULT_REQUIRED_COMPONENTS,
    maxAge: options.maxAge ?? 300,
    clockSkew: options.clockSkew ?? 60,
    requireNonce: options.requireNonce ?? true,
    label: options.label ?? null,
    maxBodyBytes: options.maxBodyBytes ?? 1_048_576,
    name: options.name ?? 'http-signature',
    realm: options.realm ?? 'api',
    now: options.now ?? (() => Date.now()),
  };
  const { keys, users } = options;
  if (!keys || !users) throw new TypeError('httpSignatureAuth: keys and users are required');
  for (const key of ['maxAge', 'clockSkew', 'maxBodyBytes'] as const) {
    if (!Number.isFinite(resolved[key]) || resolved[key] < 0) throw new RangeError(`httpSignatureAuth: ${key} must be a non-negative number`);
  }
  if (/["\\]/.test(resolved.realm)) throw new RangeError('httpSignatureAuth: realm must not contain quotes');
  const required = [...new Set(resolved.requiredComponents.map((name) => name.toLowerCase()))];
  const { replay, maxAge, clockSkew, requireNonce, label, maxBodyBytes, now } = resolved;
  const findKey = keyResolver(keys);

  // RFC 9421 §5.1: what a client should sign, with `;created;nonce` asking for those parameters.
  const acceptSignature = (withBody: boolean) => {
    const parameters: Parameters = new Map([['created', true], ...(requireNonce ? [['nonce', true] as [string, boolean]] : [])]);
    const components = [...required, ...(withBody && !required.includes('content-digest') ? ['content-digest'] : [])];
    return serializeDictionary(new Map([[label ?? 'sig1', [components.map((name) => [name, new Map()] as [string, Parameters]), parameters]]]));
  };
  const refuse = (detail: string, withBody: boolean) =>
    fail(new AuthenticationFailed(detail, undefined, { headers: { 'Accept-Signature': acceptSignature(withBody) } }));

  return {
    name: resolved.name,
    async authenticate(request) {
      if (!request.headers.has('Signature-Input') && !request.headers.has('Signature')) return skip();
      const hasBody = request.body !== null && request.headers.get('Content-Length') !== '0';
      const signature = readMessageSignature(request, label);
      if (signature === 'malformed') return refuse('Invalid signature header.', hasBody);
      if (signature === 'no-signature') return refuse('No signature with the expected label.', hasBody);

      const covered = coveredComponents(signature);
      const missing = [...required, ...(hasBody ? ['content-digest'] : [])].filter((name) => !covered.has(name));
      if (missing.length > 0) return refuse(`Signature does not cover ${missing.join(', ')}.`, hasBody);
      if (signature.keyid === null) return refuse('Signature has no keyid.', hasBody);

      const nowMs = now();
      const seconds = Math.floor(nowMs / 1000);
      if (signature.created === null) return refuse('Signature has no created time.', hasBody);
      if (signature.created > seconds + clockSkew) return refuse('Signature created in the future.', hasBody);
      if (signature.created < seconds - maxAge) return refuse('Signature expired.', hasBody);
      if (signature.expires !== null && signature.expires < seconds - clockSkew) return refuse('Signature expired.', hasBody);
      if (requireNonce && signature.nonce === null) return refuse('Signature has no nonce.', hasBody);

      const base = signatureBase(request, signature);
      if (typeof base !== 'string') {
        const why = { unsupported: 'Unsupported covered component', missing: 'Covered component missing from the request', duplicate: 'Covered component listed twice' };
        return refuse(`${why[base.kind]}: ${base.component}.`, hasBody);
      }

      const key = await findKey(signature.keyid, nowMs);
      if (key === 'unknown') return refuse('Unknown key.', hasBody);
      if (key === 'invalid') return refuse('Invalid signature.', hasBody);
      // The key decides the algorithm; `alg`, when sent, must agree with it (RFC 9421 §3.2 step 6).
      if (signature.alg !== null && signature.alg !== key.record.algorithm) return refuse('Algorithm does not match the key.', hasBody);
      if (!(await verifyBytes(key.record.algorithm, key.cryptoKey, new TextEncoder().encode(base), signature.signature))) {
        return refuse('Invalid signature.', hasBody);
      }

      if (covered.has('content-digest')) {
        const body = await readBodyCopy(request, maxBodyBytes);
        if (body === null) return refuse('Request body too large to check its digest.', hasBody);
        const problem = await checkContentDigest(request.headers.get('Content-Digest'), body);
        if (problem !== null) return refuse(problem === 'mismatch' ? 'Content-Digest does not match the body.' : 'Invalid Content-Digest header.', hasBody);
      }

      if (signature.nonce !== null) {
        // Kept until the signature could no longer pass the time checks above.
        const lastValid = Math.min(signature.created + maxAge, signature.expires === null ? Infinity : signature.expires + clockSkew);
        const fresh = await replay.remember(`rfc9421:${key.record.id}:${signature.nonce}`, (lastValid + 1) * 1000, nowMs);
        if (!fresh) return refuse('Replayed request.', hasBody);
      }

      const user = await activeUser(users, key.record);
      if (!user) return fail('User inactive or deleted.');
      return success(user, keyGrant(key.record));
    },
    challenge: () => `Signature realm="${resolved.realm}"`,
  };
}
