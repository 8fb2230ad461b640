/**
 * simplejwt's JWTAuthentication (and its stateless JWTTokenUserAuthentication) as an
 * authenticator: `Authorization: Bearer <access token>`, answered with simplejwt's status
 * codes, `detail`, `code` and `messages`, and an RFC 6750 challenge (simplejwt sends the
 * bare `Bearer realm="api"`; the `error` attribute is added, which its clients ignore).
 */
import { type AuthUser, type Authenticator, fail, skip, success, type UserStore } from '@latchkey/core';
import type { JWTPayload } from 'jose';
import { assertRealm, bearerChallenge, readBearer } from './bearer.ts';
import type { JwtService } from './jwt-service.ts';
import { BAD_AUTHORIZATION_HEADER, NO_USER_ID, notValidForAnyType, USER_INACTIVE, USER_NOT_FOUND } from './simplejwt-errors.ts';

interface JwtAuthBase {
  /** Verifies the tokens. Required. */
  readonly jwt: JwtService;
  /** Realm in the challenge. Default `"api"` (simplejwt's). */
  readonly realm?: string;
  /** `Identity.scheme` when this authenticator succeeds. Default `"jwt"`. */
  readonly name?: string;
}

/** Options for `jwtAuth`: the user from the `UserStore` (one lookup per request), or from the claims alone. */
export type JwtAuthOptions<U extends AuthUser> = JwtAuthBase &
  (
    | {
        /** Finds the user the token names (simplejwt's JWTAuthentication). */
        readonly users: UserStore<U>;
        readonly userFromClaims?: never;
      }
    | {
        readonly users?: never;
        /**
         * Builds the user from the verified claims, with no store call (simplejwt's
         * JWTTokenUserAuthentication). `tokenUser` is simplejwt's TokenUser.
         */
        readonly userFromClaims: (claims: JWTPayload, userId: string) => U;
      }
  );

/** simplejwt's TokenUser: the id from the token, `username` and `is_staff` claims if present, always active. */
export function tokenUser(claims: JWTPayload, userId: string): AuthUser {
  return {
    id: userId,
    username: typeof claims.username === 'string' ? claims.username : '',
    isActive: true,
    isStaff: claims.is_staff === true,
  };
}

/**
 * JWT authentication; the identity's `auth` is a grant from the claims (`jti`, `scope`,
 * `exp`). Bad options throw here.
 *
 * @example
 * const auth = jwtAuth({ jwt, users });
 * const latchkey = createLatchkey({ authenticators: [auth] });
 */
export function jwtAuth<U extends AuthUser>(options: JwtAuthOptions<U>): Authenticator<U> {
  const { jwt, users, userFromClaims, realm = 'api', name = 'jwt' } = options;
  if (!jwt) throw new TypeError('jwtAuth: jwt is required');
  if ((users === undefined) === (userFromClaims === undefined)) throw new TypeError('jwtAuth: give exactly one of users and userFromClaims');
  assertRealm(realm, 'jwtAuth');
  const claim = jwt.userIdClaim;

  return {
    name,
    async authenticate(request) {
      const header = readBearer(request);
      if (header.kind === 'absent') return skip();
      if (header.kind === 'malformed') return fail(BAD_AUTHORIZATION_HEADER);
      const checked = await jwt.verifyAccess(header.token);
      if (!checked.ok) return fail(notValidForAnyType(checked.message));
      const userId = checked.claims[claim];
      if (typeof userId !== 'string' && typeof userId !== 'number') return fail(NO_USER_ID);
      if (userFromClaims) return success(userFromClaims(checked.claims, String(userId)), checked.grant);
      const user = await users!.findById(String(userId));
      if (!user) return fail(USER_NOT_FOUND);
      if (!user.isActive) return fail(USER_INACTIVE);
      return success(user, checked.grant);
    },
    challenge: bearerChallenge(realm),
  };
}
