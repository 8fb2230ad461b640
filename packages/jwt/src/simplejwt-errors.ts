/**
 * simplejwt's refusals, word for word, as core's `AuthenticationFailed` with simplejwt's
 * extra body fields: `{"detail", "code"}`, plus `messages` when a token failed every token
 * class (its JWTAuthentication tries AccessToken only, by default).
 */
import { AuthenticationFailed } from '@latchkey/core';

/** `{"detail": "Given token not valid for any token type", "code": "token_not_valid", "messages": [...]}`. */
export function notValidForAnyType(message: string): AuthenticationFailed {
  return new AuthenticationFailed('Given token not valid for any token type', { error: 'invalid_token' }, {}, {
    fields: { code: 'token_not_valid', messages: [{ token_class: 'AccessToken', token_type: 'access', message }] },
  });
}

/** simplejwt's InvalidToken with one message, as its views raise it: `{"detail", "code": "token_not_valid"}`. */
export function invalidToken(message: string): AuthenticationFailed {
  return new AuthenticationFailed(message, { error: 'invalid_token' }, {}, { fields: { code: 'token_not_valid' } });
}

/** `Bearer` followed by nothing, or by more than one value. */
export const BAD_AUTHORIZATION_HEADER = new AuthenticationFailed(
  'Authorization header must contain two space-delimited values',
  { error: 'invalid_request' },
  {},
  { fields: { code: 'bad_authorization_header' } },
);

/** The token names no user. */
export const NO_USER_ID = invalidToken('Token contained no recognizable user identification');

/** The token's user does not exist. */
export const USER_NOT_FOUND = new AuthenticationFailed('User not found', { error: 'invalid_token' }, {}, { fields: { code: 'user_not_found' } });

/** The token's user is inactive. */
export const USER_INACTIVE = new AuthenticationFailed('User is inactive', { error: 'invalid_token' }, {}, { fields: { code: 'user_inactive' } });
