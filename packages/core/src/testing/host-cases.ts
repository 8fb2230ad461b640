/** The table of requests and answers every adapter must reproduce exactly. */
import { HOST_FIXTURE_PASSWORD, type HostFixtureTokens } from './host-fixture.ts';

/** One request to an adapter and the answer it must give. */
export interface HostCase {
  readonly name: string;
  readonly method: 'GET' | 'POST';
  readonly path: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly status: number;
  readonly body: unknown;
  /** The exact `WWW-Authenticate` value, or null when there must be none. */
  readonly wwwAuthenticate: string | null;
  /** The exact `Vary` value, or null when there must be none. */
  readonly vary: string | null;
}

const basic = (username: string, password: string) => `Basic ${btoa(`${username}:${password}`)}`;
const ok = (user: string | null, scheme: string | null) => ({ user, scheme });
const detail = (text: string) => ({ detail: text });
const NOT_PROVIDED = detail('Authentication credentials were not provided.');
const FORBIDDEN = detail('You do not have permission to perform this action.');
const UNKNOWN_TOKEN = `lk_${'A'.repeat(43)}AAAAAA`;

/** The cases, given the fixture's tokens. */
export function hostCases(tokens: HostFixtureTokens): HostCase[] {
  const rows: Array<[string, 'GET' | 'POST', string, Record<string, string>, number, unknown, string | null, (string | null)?]> = [
    ['public route, no credentials: anonymous', 'GET', '/public', {}, 200, ok(null, null), null],
    ['private route, no credentials: 401 with the first scheme\'s challenge', 'GET', '/private', {}, 401, NOT_PROVIDED, 'Token'],
    ['private route, valid token', 'GET', '/private', { Authorization: `Token ${tokens.alice}` }, 200, ok('alice', 'token'), null],
    ['keyword matched case-insensitively, any whitespace between', 'POST', '/private', { Authorization: `tOkEn \t ${tokens.alice}` }, 200, ok('alice', 'token'), null],
    ['unknown token', 'GET', '/private', { Authorization: `Token ${UNKNOWN_TOKEN}` }, 401, detail('Invalid token.'), 'Token'],
    ['garbage token, rejected by its checksum', 'GET', '/private', { Authorization: 'Token not-a-token' }, 401, detail('Invalid token.'), 'Token'],
    ['invalid token on a public route is still 401', 'GET', '/public', { Authorization: 'Token not-a-token' }, 401, detail('Invalid token.'), 'Token'],
    ['keyword without credentials', 'GET', '/private', { Authorization: 'Token' }, 401, detail('Invalid token header. No credentials provided.'), 'Token'],
    ['token with spaces', 'GET', '/private', { Authorization: 'Token abc def' }, 401, detail('Invalid token header. Token string should not contain spaces.'), 'Token'],
    ['inactive user\'s token', 'GET', '/private', { Authorization: `Token ${tokens.carol}` }, 401, detail('User inactive or deleted.'), 'Token'],
    ['another keyword is not attempted', 'GET', '/private', { Authorization: `Bearer ${tokens.alice}` }, 401, NOT_PROVIDED, 'Token'],
    ['Basic credentials', 'GET', '/private', { Authorization: basic('alice', HOST_FIXTURE_PASSWORD) }, 200, ok('alice', 'basic'), null],
    ['Basic wrong password: the first scheme\'s challenge', 'GET', '/private', { Authorization: basic('alice', 'wrong') }, 401, detail('Invalid username/password.'), 'Token'],
    ['Basic unknown user', 'GET', '/private', { Authorization: basic('mallory', HOST_FIXTURE_PASSWORD) }, 401, detail('Invalid username/password.'), 'Token'],
    ['Basic inactive user', 'GET', '/private', { Authorization: basic('carol', HOST_FIXTURE_PASSWORD) }, 401, detail('Invalid username/password.'), 'Token'],
    ['Basic not base64 (wrong padding, as Python decodes it)', 'GET', '/private', { Authorization: 'Basic abc' }, 401, detail('Invalid basic header. Credentials not correctly base64 encoded.'), 'Token'],
    ['authenticated but not staff: 403', 'GET', '/admin', { Authorization: `Token ${tokens.alice}` }, 403, FORBIDDEN, null],
    ['staff user', 'GET', '/admin', { Authorization: `Token ${tokens.bob}` }, 200, ok('bob', 'token'), null],
    ['token without the scope: 403', 'GET', '/scoped', { Authorization: `Token ${tokens.alice}` }, 403, FORBIDDEN, null],
    ['token with the scope', 'GET', '/scoped', { Authorization: `Token ${tokens.aliceWriter}` }, 200, ok('alice', 'token'), null],
    ['Bearer, no credentials: RFC 6750 challenge without error', 'GET', '/bearer', {}, 401, NOT_PROVIDED, 'Bearer realm="api"'],
    ['Bearer, invalid token: error="invalid_token"', 'GET', '/bearer', { Authorization: 'Bearer nope' }, 401, detail('Invalid token.'), 'Bearer realm="api", error="invalid_token"'],
    ['Bearer, missing scope: 403 with error="insufficient_scope"', 'GET', '/bearer', { Authorization: `Bearer ${tokens.alice}` }, 403, FORBIDDEN, 'Bearer realm="api", error="insufficient_scope", scope="write"'],
    ['Bearer with the scope', 'GET', '/bearer', { Authorization: `Bearer ${tokens.aliceWriter}` }, 200, ok('alice', 'bearer'), null],
    ['first scheme has no challenge: 403 instead of 401', 'GET', '/proxy-only', {}, 403, NOT_PROVIDED, null],
    ['remote user set by the proxy', 'GET', '/proxy-only', { 'X-Remote-User': 'alice' }, 200, ok('alice', 'remote-user'), null],
    ['session auth consulted: Vary: Cookie on a refusal', 'GET', '/with-session-private', {}, 401, NOT_PROVIDED, 'Token', 'Cookie'],
    ['session auth consulted: Vary: Cookie on the handler\'s answer', 'GET', '/with-session', { Cookie: 'latchkey_session=stale' }, 200, ok(null, null), null, 'Cookie'],
    ['a header token answered first: no Vary', 'GET', '/with-session', { Authorization: `Token ${tokens.alice}` }, 200, ok('alice', 'token'), null, null],
  ];
  return rows.map(([name, method, path, headers, status, body, wwwAuthenticate, vary = null]) => ({
    name, method, path, headers, status, body, wwwAuthenticate, vary,
  }));
}

/** Checks one response against its case; throws with a readable message on mismatch. */
export async function checkHostCase(testCase: HostCase, response: Response): Promise<void> {
  const body = await response.json().catch(() => '<not JSON>');
  const actual = {
    status: response.status,
    contentType: response.headers.get('Content-Type')?.split(';')[0] ?? null,
    wwwAuthenticate: response.headers.get('WWW-Authenticate'),
    vary: response.headers.get('Vary'),
    body,
  };
  const expected = {
    status: testCase.status,
    contentType: 'application/json',
    wwwAuthenticate: testCase.wwwAuthenticate,
    vary: testCase.vary,
    body: testCase.body,
  };
  if (JSON.stringify(actual) !== JSON.stringify(expected)) {
    throw new Error(`${testCase.name}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`);
  }
}
