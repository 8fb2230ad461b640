/**
 * DRF's TokenAuthentication over hashed tokens: `Authorization: Token <token>`, or any
 * keyword (`Bearer` for RFC 6750 clients).
 */
import { type AuthenticationResult, type Authenticator, fail, type HostContext, skip, success } from './authenticator.ts';
import { parseAuthorization } from './authorization-header.ts';
import { type Awaitable, isPromiseLike } from '../awaitable.ts';
import { headerValueToUtf8 } from '../encoding.ts';
import type { BearerError } from '../errors.ts';
import { withoutUndefined } from '../options.ts';
import { isDrfKey } from '../tokens/drf-key.ts';
import type { AuthenticateTokenResult, TokenService } from '../tokens/token-service.ts';
import type { AuthUser, UserStore } from '../users/user-store.ts';

/** Options for `tokenAuth`. */
export interface TokenAuthOptions<U extends AuthUser> {
  /** Verifies tokens. Required. */
  readonly tokens: TokenService;
  /** Finds the token's user. Required. */
  readonly users: UserStore<U>;
  /** The Authorization keyword, matched case-insensitively. Default `"Token"` (DRF's). */
  readonly keyword?: string;
  /** Realm in Bearer challenges; other keywords send the bare keyword, as DRF does. Default `"api"`. */
  readonly realm?: string;
  /** `Identity.scheme` when this authenticator succeeds. Default `"token"`. */
  readonly name?: string;
  /**
   * Also accept Django REST framework keys (40 hex characters, no prefix, no checksum)
   * imported by `latchkey import-django`, looked up by digest like any token, so clients of
   * the old API keep working. Such keys skip the checksum, so any 40-hex string costs a
   * store lookup. Turn it off once the imported keys are retired. Default `false`.
   */
  readonly legacyKeys?: boolean;
}

/** Builds a `WWW-Authenticate` value; RFC 6750 attributes only for the Bearer keyword. */
export function tokenChallenge(keyword: string, realm: string, error?: BearerError): string {
  if (keyword.toLowerCase() !== 'bearer') return keyword;
  let challenge = `Bearer realm="${realm}"`;
  if (error) challenge += `, error="${error.error}"`;
  if (error?.scope) challenge += `, scope="${error.scope}"`;
  return challenge;
}

/**
 * The credentials of `header` when it is exactly `<keyword> <visible ASCII>`, the form
 * every client sends, read without splitting or allocating beyond the slice; null for
 * anything else, which `parseAuthorization` then reads the general way (and words its
 * refusal). The keyword matches ASCII letters case-insensitively.
 */
function plainCredentials(header: string | null, lowerKeyword: string): string | null {
  const start = lowerKeyword.length + 1;
  if (header === null || header.length <= start || header.charCodeAt(start - 1) !== 0x20) return null;
  for (let i = 0; i < lowerKeyword.length; i++) {
    const code = header.charCodeAt(i);
    // Upper-case ASCII letters fold to lower case; nothing else is folded.
    if ((code >= 0x41 && code <= 0x5a ? code | 0x20 : code) !== lowerKeyword.charCodeAt(i)) return null;
  }
  for (let i = start; i < header.length; i++) {
    const code = header.charCodeAt(i);
    if (code < 0x21 || code > 0x7e) return null;
  }
  return header.slice(start);
}

/** Token authentication; the identity's `auth` is the token record. */
export function tokenAuth<U extends AuthUser>(options: TokenAuthOptions<U>): Authenticator<U> {
  const { tokens, users, keyword, realm, name, legacyKeys } = {
    keyword: 'Token',
    realm: 'api',
    name: 'token',
    legacyKeys: false,
    ...withoutUndefined(options),
  };
  if (!tokens || !users) throw new TypeError('tokenAuth: tokens and users are required');
  if (!/^[A-Za-z][A-Za-z0-9_-]*$/.test(keyword)) throw new RangeError('tokenAuth: keyword must be one word');
  if (realm.includes('"') || realm.includes('\\')) throw new RangeError('tokenAuth: realm must not contain quotes');

  const lowerKeyword = keyword.toLowerCase();
  // Made once: a flood of wrong tokens then costs no error object (and its stack) apiece.
  const INVALID = fail('Invalid token.');
  const INACTIVE = fail('User inactive or deleted.');
  // An imported DRF key: looked up past the cache, its user read as a token's would be.
  const verifyDrfKey = async (key: string): Promise<AuthenticationResult<U>> => {
    const verified = await tokens.verifyDrfKey(key);
    if (!verified.ok) return INVALID;
    const user = await users.findById(verified.record.userId);
    if (!user || !user.isActive) return INACTIVE;
    return success(user, verified.record);
  };
  const answer = (verified: AuthenticateTokenResult<U>): AuthenticationResult<U> =>
    verified.ok ? success(verified.user, verified.record) : verified.reason === 'inactive' ? INACTIVE : INVALID;
  // Answers at once when the token service did (a cache hit, a memory store).
  const verify = (credentials: string, host: HostContext): Awaitable<AuthenticationResult<U>> => {
    if (legacyKeys && isDrfKey(credentials)) return verifyDrfKey(credentials);
    // An API token only: a session's value in a header is as unknown as a random string.
    const verified = tokens.authenticate(credentials, 'api', users, host);
    return isPromiseLike(verified) ? Promise.resolve(verified).then(answer) : answer(verified);
  };

  return {
    name,
    // Not async: a token's check answers at once when verify did, else with verify's promise.
    authenticate(request, host) {
      // The header is read once; only an unusual one is parsed again, the general way.
      const raw = request.headers.get('Authorization');
      const plain = plainCredentials(raw, lowerKeyword);
      if (plain !== null) return verify(plain, host);
      if (!raw) return skip();
      const header = parseAuthorization(request, keyword);
      switch (header.kind) {
        case 'absent':
          return skip();
        case 'no-credentials':
          return fail('Invalid token header. No credentials provided.');
        case 'spaces':
          return fail('Invalid token header. Token string should not contain spaces.');
      }
      // DRF's rule: only bytes that are not UTF-8 are "invalid characters"; any text is looked up.
      const token = headerValueToUtf8(header.credentials);
      if (token === null) return fail('Invalid token header. Token string should not contain invalid characters.');
      return verify(token, host);
    },
    challenge: (error) => tokenChallenge(keyword, realm, error),
  };
}
