/**
 * DRF's TokenAuthentication over hashed tokens: `Authorization: Token <token>`, or any
 * keyword (`Bearer` for RFC 6750 clients).
 */
import { type Authenticator, fail, skip, success } from './authenticator.ts';
import { isVisibleAscii, parseAuthorization } from './authorization-header.ts';
import type { BearerError } from '../errors.ts';
import { withoutUndefined } from '../options.ts';
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
  const { tokens, users, keyword, realm, name } = { keyword: 'Token', realm: 'api', name: 'token', ...withoutUndefined(options) };
  if (!tokens || !users) throw new TypeError('tokenAuth: tokens and users are required');
  if (!/^[A-Za-z][A-Za-z0-9_-]*$/.test(keyword)) throw new RangeError('tokenAuth: keyword must be one word');
  if (realm.includes('"') || realm.includes('\\')) throw new RangeError('tokenAuth: realm must not contain quotes');

  return {
    name,
    async authenticate(request, host) {
      const header = parseAuthorization(request, keyword);
      switch (header.kind) {
        case 'absent':
          return skip();
        case 'no-credentials':
          return fail('Invalid token header. No credentials provided.');
        case 'spaces':
          return fail('Invalid token header. Token string should not contain spaces.');
      }
      if (!isVisibleAscii(header.credentials)) {
        return fail('Invalid token header. Token string should not contain invalid characters.');
      }
      // An API token only: a session's value in a header is as unknown as a random string.
      const verified = await tokens.authenticate(header.credentials, 'api', users, host);
      if (!verified.ok) return fail(verified.reason === 'inactive' ? 'User inactive or deleted.' : 'Invalid token.');
      return success(verified.user, verified.record);
    },
    challenge: (error) => tokenChallenge(keyword, realm, error),
  };
}
