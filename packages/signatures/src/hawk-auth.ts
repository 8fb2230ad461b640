/**
 * Hawk (HawkREST/Mohawk in DRF's guide) as an authenticator: each request carries an
 * HMAC-SHA256 over its method, path, host, port, timestamp, nonce and (optionally) a hash of
 * its body, under a secret shared with the server. The secret never crosses the wire.
 *
 * The checks follow the reference server's order where it matters: the MAC is verified before
 * the clock, so the server's time (`ts`, with its MAC `tsm`) is only told to a client that
 * holds the key; the nonce is remembered last, after everything else passed, so a forged or
 * stale request never uses up a nonce.
 */
import {
  AuthenticationFailed,
  type Authenticator,
  type AuthUser,
  constantTimeEqual,
  fail,
  type Grant,
  skip,
  success,
  type UserStore,
} from '@latchkey/core';
import { readBodyCopy } from './content-digest.ts';
import { HAWK_VALUE, type HawkArtifacts, hawkMac, hawkPayloadHash, hawkTimestampMac, readHawkHeader, requestArtifacts } from './hawk.ts';
import type { SigningKeyStore } from './key-store.ts';
import { MemoryReplayStore, type ReplayStore } from './replay-store.ts';
import { activeUser, keyGrant, keyResolver } from './signer-keys.ts';

/** Options for `hawkAuth`. */
export interface HawkAuthOptions<U extends AuthUser> {
  /** Credentials by Hawk `id`; only `hmac-sha256` keys are used. Required. */
  readonly keys: SigningKeyStore;
  /** The keys' users. Required. */
  readonly users: UserStore<U>;
  /** Remembers nonces for the skew window. Default a `MemoryReplayStore` (one process). */
  readonly replay?: ReplayStore;
  /** Allowed clock difference, in seconds, either way. Default `60` (the reference's). */
  readonly timestampSkew?: number;
  /** Whether a request with a body must carry `hash`. Default `true`: else the body is unsigned. */
  readonly requirePayloadHash?: boolean;
  /** Largest body read to check `hash`, in bytes. Default `1_048_576`. */
  readonly maxBodyBytes?: number;
  /** `Identity.scheme` on success. Default `"hawk"`. */
  readonly name?: string;
  /** Milliseconds since the epoch. Default `Date.now`. */
  readonly now?: () => number;
}

/** Options for `HawkAuthenticator.serverAuthorization`. */
export interface ServerAuthorizationOptions {
  /** Application data for the `ext` attribute. Default none. */
  readonly ext?: string;
  /** Whether to hash the response body into `hash`. Default `true`. */
  readonly payload?: boolean;
}

/** `hawkAuth`'s authenticator, which can also sign responses. */
export interface HawkAuthenticator<U extends AuthUser> extends Authenticator<U> {
  /**
   * The response with a `Server-Authorization` header that proves to the client it came from
   * a holder of the same key (Hawk's response authentication). `auth` is the grant of a
   * request this authenticator admitted; any other grant returns the response unchanged.
   */
  serverAuthorization(auth: Grant | null, response: Response, options?: ServerAuthorizationOptions): Promise<Response>;
}

/**
 * Authenticates `Authorization: Hawk …` requests; skips others. Answers a stale timestamp
 * with `WWW-Authenticate: Hawk ts="…", tsm="…", error="Stale timestamp"` so the client can
 * correct its clock.
 *
 * @throws {TypeError} without `keys` or `users`; {RangeError} for a negative number option.
 * @example
 * ```ts
 * const hawk = hawkAuth({ keys, users });
 * const handler = protect(async (request, { auth }) => hawk.serverAuthorization(auth, Response.json({ ok: true })), { authenticators: [hawk] });
 * ```
 */
export function hawkAuth<U extends AuthUser>(options: HawkAuthOptions<U>): HawkAuthenticator<U> {
  const resolved = {
    replay: options.replay ?? new MemoryReplayStore(),
    timestampSkew: options.timestampSkew ?? 60,
    requirePayloadHash: options.requirePayloadHash ?? true,
    maxBodyBytes: options.maxBodyBytes ?? 1_048_576,
    name: options.name ?? 'hawk',
    now: options.now ?? (() => Date.now()),
  };
  const { keys, users } = options;
  if (!keys || !users) throw new TypeError('hawkAuth: keys and users are required');
  for (const key of ['timestampSkew', 'maxBodyBytes'] as const) {
    if (!Number.isFinite(resolved[key]) || resolved[key] < 0) throw new RangeError(`hawkAuth: ${key} must be a non-negative number`);
  }
  const { replay, timestampSkew, requirePayloadHash, maxBodyBytes, now } = resolved;
  const findKey = keyResolver(keys);
  // What `serverAuthorization` needs of an admitted request; the grant is the handle, so
  // nothing secret is reachable from `Identity.auth` itself.
  const admitted = new WeakMap<Grant, { key: CryptoKey; artifacts: HawkArtifacts }>();

  return {
    name: resolved.name,
    async authenticate(request) {
      const header = readHawkHeader(request);
      if (header.kind === 'absent') return skip();
      if (header.kind === 'malformed') return fail(header.detail);
      const { id, ts, nonce, mac } = header.attributes;
      if (!id || !ts || !nonce || !mac) return fail('Missing attributes');
      if (!/^\d{1,15}$/.test(ts)) return fail('Invalid timestamp');

      const nowMs = now();
      const key = await findKey(id, nowMs);
      if (key === 'unknown' || key === 'invalid' || key.record.algorithm !== 'hmac-sha256') return fail('Unknown credentials');

      const artifacts = requestArtifacts(request, header.attributes);
      if (!constantTimeEqual(await hawkMac(key.cryptoKey, 'header', artifacts), mac)) return fail('Bad mac');

      const hasBody = request.body !== null && request.headers.get('Content-Length') !== '0';
      if (artifacts.hash !== undefined || (hasBody && requirePayloadHash)) {
        if (artifacts.hash === undefined) return fail('Missing required payload hash');
        const body = await readBodyCopy(request, maxBodyBytes);
        if (body === null) return fail('Payload too large to check its hash');
        if (!constantTimeEqual(await hawkPayloadHash(body, request.headers.get('Content-Type')), artifacts.hash)) return fail('Bad payload hash');
      }

      const tsMs = Number(ts) * 1000;
      if (Math.abs(tsMs - nowMs) > timestampSkew * 1000) {
        const serverTs = Math.floor(nowMs / 1000);
        const tsm = await hawkTimestampMac(key.cryptoKey, serverTs);
        return fail(new AuthenticationFailed('Stale timestamp', undefined, {
          challenge: `Hawk ts="${serverTs}", tsm="${tsm}", error="Stale timestamp"`,
        }));
      }
      // Past ts + skew the clock refuses the request anyway, so the nonce need not outlive that.
      if (!(await replay.remember(`hawk:${key.record.id}:${nonce}`, tsMs + timestampSkew * 1000 + 1, nowMs))) return fail('Invalid nonce');

      const user = await activeUser(users, key.record);
      if (!user) return fail('User inactive or deleted.');
      const grant = keyGrant(key.record);
      admitted.set(grant, { key: key.cryptoKey, artifacts });
      return success(user, grant);
    },
    challenge: () => 'Hawk',
    async serverAuthorization(auth, response, responseOptions = {}) {
      const request = auth ? admitted.get(auth) : undefined;
      if (!request) return response;
      const hash = responseOptions.payload === false
        ? undefined
        : await hawkPayloadHash(new Uint8Array(await response.clone().arrayBuffer()), response.headers.get('Content-Type'));
      const ext = responseOptions.ext;
      if (ext !== undefined && !HAWK_VALUE.test(ext)) throw new RangeError('serverAuthorization: ext has characters Hawk cannot carry');
      const mac = await hawkMac(request.key, 'response', { ...request.artifacts, hash, ext });
      const headers = new Headers(response.headers);
      headers.set('Server-Authorization', `Hawk mac="${mac}"${hash ? `, hash="${hash}"` : ''}${ext ? `, ext="${ext}"` : ''}`);
      return new Response(response.body, { status: response.status, statusText: response.statusText, headers });
    },
  };
}
