/**
 * DRF's TokenAuthentication over hashed tokens: `Authorization: Token <token>`, or any
 * keyword (`Bearer` for RFC 6750 clients).
 */
import { type Authenticator, fail, skip, success } from './authenticator.ts';
import { parseAuthorization } from './authorization-header.ts';
import { headerValueToUtf8 } from '../encoding.ts';
import type { BearerError } from '../errors.ts';
import { withoutUndefined } from '../options.ts';
import { isDrfKey } from '../tokens/drf-key.ts';
import type { TokenService } from '../tokens/token-service.ts';
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

  return {
    name,
    async authenticate(request) {
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
      const verified = legacyKeys && isDrfKey(token) ? await tokens.verifyDrfKey(token) : await tokens.verify(token);
      if (!verified.ok) return fail('Invalid token.');
      const user = await users.findById(verified.record.userId);
      if (!user || !user.isActive) return fail('User inactive or deleted.');
      return success(user, verified.record);
    },
    challenge: (error) => tokenChallenge(keyword, realm, error),
  };
}
