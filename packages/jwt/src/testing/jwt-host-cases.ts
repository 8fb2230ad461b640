/** The JWT rows of the cross-host table: simplejwt's answers, the same on every host. */
import type { HostCase } from '@latchkey/core/testing';
import type { JwtFixtureTokens } from './jwt-host-fixture.ts';

const CHALLENGE = 'Bearer realm="api"';
const INVALID_TOKEN = 'Bearer realm="api", error="invalid_token"';
const ok = (user: string, scheme: string, scopes: string[] | null) => ({ user, scheme, scopes });
// simplejwt's JWTAuthentication when the token fails its one token class (AccessToken).
const notValid = (message: string) => ({
  detail: 'Given token not valid for any token type',
  code: 'token_not_valid',
  messages: [{ token_class: 'AccessToken', token_type: 'access', message }],
});
const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });

/** The cases, given the fixture's tokens. */
export function jwtHostCases(tokens: JwtFixtureTokens): HostCase[] {
  const rows: Array<[string, 'GET' | 'POST', string, Record<string, string>, number, unknown, string | null]> = [
    ['no credentials: 401 with the Bearer challenge', 'GET', '/jwt', {}, 401, { detail: 'Authentication credentials were not provided.' }, CHALLENGE],
    ['no credentials on a public route: anonymous', 'GET', '/jwt-public', {}, 200, { user: null, scheme: null, scopes: null }, null],
    ['EdDSA access token: the user, with the grant\'s scopes', 'GET', '/jwt', bearer(tokens.alice), 200, ok('alice', 'jwt', ['read']), null],
    ['HS256 access token verified by the second key', 'POST', '/jwt', bearer(tokens.aliceWriter), 200, ok('alice', 'jwt', ['read', 'write']), null],
    ['keyword matched case-insensitively', 'GET', '/jwt', { Authorization: `bearer ${tokens.alice}` }, 200, ok('alice', 'jwt', ['read']), null],
    ['another keyword is not attempted', 'GET', '/jwt', { Authorization: `Token ${tokens.alice}` }, 401, { detail: 'Authentication credentials were not provided.' }, CHALLENGE],
    ['Bearer without a value: bad_authorization_header', 'GET', '/jwt', { Authorization: 'Bearer' }, 401,
      { detail: 'Authorization header must contain two space-delimited values', code: 'bad_authorization_header' }, 'Bearer realm="api", error="invalid_request"'],
    ['Bearer with two values: bad_authorization_header', 'GET', '/jwt', { Authorization: 'Bearer a b' }, 401,
      { detail: 'Authorization header must contain two space-delimited values', code: 'bad_authorization_header' }, 'Bearer realm="api", error="invalid_request"'],
    ['garbage token: Token is invalid', 'GET', '/jwt', bearer('not-a-jwt'), 401, notValid('Token is invalid'), INVALID_TOKEN],
    ['invalid token on a public route is still 401', 'GET', '/jwt-public', bearer('not-a-jwt'), 401, notValid('Token is invalid'), INVALID_TOKEN],
    ['expired token: Token is expired', 'GET', '/jwt', bearer(tokens.expired), 401, notValid('Token is expired'), INVALID_TOKEN],
    ['refresh token used as access: Token has wrong type', 'GET', '/jwt', bearer(tokens.refresh), 401, notValid('Token has wrong type'), INVALID_TOKEN],
    ['access token of a blacklisted refresh token: Token is blacklisted', 'GET', '/jwt', bearer(tokens.loggedOut), 401, notValid('Token is blacklisted'), INVALID_TOKEN],
    ['changed signature', 'GET', '/jwt', bearer(tokens.tampered), 401, notValid('Token is invalid'), INVALID_TOKEN],
    ['signed by an unknown key under a known kid', 'GET', '/jwt', bearer(tokens.stranger), 401, notValid('Token is invalid'), INVALID_TOKEN],
    ['alg none refused', 'GET', '/jwt', bearer(tokens.none), 401, notValid('Token is invalid'), INVALID_TOKEN],
    ['HS256 with the EdDSA public key as secret refused (algorithm confusion)', 'GET', '/jwt', bearer(tokens.confused), 401, notValid('Token is invalid'), INVALID_TOKEN],
    ['another issuer refused', 'GET', '/jwt', bearer(tokens.otherIssuer), 401, notValid('Token is invalid'), INVALID_TOKEN],
    ['not valid yet (nbf) refused', 'GET', '/jwt', bearer(tokens.notYet), 401, notValid('Token is invalid'), INVALID_TOKEN],
    ['no user claim', 'GET', '/jwt', bearer(tokens.noUser), 401,
      { detail: 'Token contained no recognizable user identification', code: 'token_not_valid' }, INVALID_TOKEN],
    ['unknown user: user_not_found', 'GET', '/jwt', bearer(tokens.ghost), 401, { detail: 'User not found', code: 'user_not_found' }, INVALID_TOKEN],
    ['inactive user: user_inactive', 'GET', '/jwt', bearer(tokens.carol), 401, { detail: 'User is inactive', code: 'user_inactive' }, INVALID_TOKEN],
    ['token without the scope: 403 with error="insufficient_scope"', 'GET', '/jwt-scoped', bearer(tokens.alice), 403,
      { detail: 'You do not have permission to perform this action.' }, 'Bearer realm="api", error="insufficient_scope", scope="write"'],
    ['token with the scope', 'GET', '/jwt-scoped', bearer(tokens.aliceWriter), 200, ok('alice', 'jwt', ['read', 'write']), null],
    ['stateless mode: the user from the claims, no store', 'GET', '/jwt-stateless', bearer(tokens.bob), 200, ok('bob', 'jwt-stateless', []), null],
    ['stateless mode: an unknown user id is still that id\'s user', 'GET', '/jwt-stateless', bearer(tokens.ghost), 200, ok('', 'jwt-stateless', []), null],
  ];
  return rows.map(([name, method, path, headers, status, body, wwwAuthenticate]) => ({
    name, method, path, headers, status, body, wwwAuthenticate, vary: null,
  }));
}
