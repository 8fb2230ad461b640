/** DRF's BasicAuthentication (RFC 7617): `Authorization: Basic base64(username:password)`. */
import { type Authenticator, fail, skip, success } from './authenticator.ts';
import { parseAuthorization } from './authorization-header.ts';
import { defaultLoginThrottle, type LoginThrottle, NO_LOGIN_THROTTLE } from '../endpoints/login-throttle.ts';
import type { SecondFactor } from '../second-factor/second-factor.ts';
import { checkCredentials } from '../users/credentials.ts';
import { base64ToBytesAsPython, latin1ToString, utf8ToString } from '../encoding.ts';
import { withoutUndefined } from '../options.ts';
import { createPasswordHasher, type PasswordHasher } from '../users/password.ts';
import type { AuthUser, UserStore } from '../users/user-store.ts';
import { normalizeUsername } from '../users/username.ts';

/** Options for `basicAuth`. */
export interface BasicAuthOptions<U extends AuthUser> {
  /** Finds users and their password hashes. Required. */
  readonly users: UserStore<U>;
  /** Verifies and upgrades password hashes. Default `createPasswordHasher()`. */
  readonly passwords?: PasswordHasher;
  /** Realm in the `Basic realm="…"` challenge. Default `"api"`. */
  readonly realm?: string;
  /** `Identity.scheme` when this authenticator succeeds. Default `"basic"`. */
  readonly name?: string;
  /**
   * Counts wrong passwords against the login endpoints' limits (per username and per client
   * address), checked before any hash is computed; over a limit the answer is 429. Default
   * `defaultLoginThrottle(users)`, the one `createAuthEndpoints` over the same `users` uses
   * too. To share a custom one, pass the same `loginThrottle(…)` to both; `false`: none.
   */
  readonly throttle?: LoginThrottle | false;
  /**
   * The second factor the login endpoints use (`createAuthEndpoints({ secondFactor })`).
   * Basic has no second call to carry a code, so a user who has one is refused with a
   * message that says where to log in instead. Default none: the password alone admits.
   */
  readonly secondFactor?: SecondFactor;
}

const INVALID = 'Invalid username/password.';
const NEEDS_SECOND_FACTOR = 'Two-factor authentication is on for this account; Basic authentication cannot carry the second code. Log in at the token endpoint.';

/**
 * Decodes Basic credentials: base64 by Python's rules (DRF's `b64decode`: stray characters
 * dropped, padding required), UTF-8 first, latin-1 when the bytes are not UTF-8 (what
 * older clients send), then split at the first colon. Null when not base64.
 */
export function decodeBasicCredentials(encoded: string): { username: string; password: string } | null {
  const bytes = base64ToBytesAsPython(encoded);
  if (!bytes) return null;
  const text = utf8ToString(bytes) ?? latin1ToString(bytes);
  const colon = text.indexOf(':');
  // No colon: DRF's partition() gives an empty password, which then fails to verify.
  return colon === -1 ? { username: text, password: '' } : { username: text.slice(0, colon), password: text.slice(colon + 1) };
}

/**
 * Basic authentication. Every failure after decoding (unknown user, wrong password,
 * inactive user, no colon) answers the same "Invalid username/password." and costs the
 * same password hash, so neither the message nor the timing tells which usernames exist.
 * Refusals count against the login throttle, so guessing through Basic meets the same 429
 * as guessing through the login endpoint. Hashes made with older parameters are upgraded on
 * a successful login.
 */
export function basicAuth<U extends AuthUser>(options: BasicAuthOptions<U>): Authenticator<U> {
  const { users, passwords, realm, name } = {
    realm: 'api',
    name: 'basic',
    ...withoutUndefined(options),
    passwords: options.passwords ?? createPasswordHasher(),
  };
  if (!users) throw new TypeError('basicAuth: users is required');
  if (realm.includes('"') || realm.includes('\\')) throw new RangeError('basicAuth: realm must not contain quotes');
  const throttle = options.throttle === false ? NO_LOGIN_THROTTLE : (options.throttle ?? defaultLoginThrottle(users));

  return {
    name,
    async authenticate(request, host) {
      const header = parseAuthorization(request, 'Basic');
      switch (header.kind) {
        case 'absent':
          return skip();
        case 'no-credentials':
          return fail('Invalid basic header. No credentials provided.');
        case 'spaces':
          return fail('Invalid basic header. Credentials string should not contain spaces.');
      }
      const credentials = decodeBasicCredentials(header.credentials);
      if (!credentials) return fail('Invalid basic header. Credentials not correctly base64 encoded.');
      // Every request carries the password, so only refusals count, but the limit is checked
      // before the hash: a guesser over it costs a counter read, not a PBKDF2.
      const username = normalizeUsername(credentials.username);
      const throttled = await throttle.passwordAllowed(request, host, username);
      if (throttled) {
        await throttle.passwordRefused(request, host, username);
        return fail(throttled);
      }
      const checked = await checkCredentials(users, passwords, username, credentials.password);
      if (checked.ok) {
        // Asked only once the password is right, so the refusal tells nothing a guesser lacks.
        if (options.secondFactor && (await options.secondFactor.isRequired(checked.user.id))) return fail(NEEDS_SECOND_FACTOR);
        return success(checked.user);
      }
      await throttle.passwordRefused(request, host, username);
      return fail(INVALID);
    },
    challenge: () => `Basic realm="${realm}"`,
  };
}
