/**
 * simplejwt's views as one fetch handler, mounted like core's `createAuthEndpoints` (the
 * same `{ prefix, handle }` shape, so `@latchkey/hono`'s `authEndpoints` mounts it too):
 *
 * | method | path                | body          | answer                                         |
 * |--------|---------------------|---------------|------------------------------------------------|
 * | POST   | {prefix}/create     | username, password | 200 `{refresh, access}` (throttled)       |
 * | POST   | {prefix}/refresh    | refresh       | 200 `{access, refresh}`: the refresh token rotated |
 * | POST   | {prefix}/verify     | token         | 200 `{}`; 401 invalid; 400 blacklisted         |
 * | POST   | {prefix}/blacklist  | refresh       | 200 `{}`: the token's family revoked (logout)  |
 *
 * Refusals are simplejwt's: 400 field errors, 401 `{"detail", "code": "token_not_valid"}`
 * with `WWW-Authenticate: Bearer realm="api"` (its TokenViewBase's header), 401 "No active
 * account found with the given credentials". A trailing slash is accepted (`/create/`).
 * `jwksEndpoint` serves the public keys beside them.
 */
import {
  type AuthEndpoints,
  type HostContext,
  hostWithSignal,
  type AuthUser,
  AuthenticationFailed,
  checkCredentials,
  createPasswordHasher,
  DEFAULT_TIMEOUT_MS,
  defaultLoginThrottle,
  errorResponse,
  failClosed,
  jsonResponse,
  LatchkeyError,
  type LoginThrottle,
  loginThrottle,
  type LoginThrottleOptions,
  logStoreFailure,
  MethodNotAllowed,
  normalizeUsername,
  type PasswordHasher,
  readRequestData,
  refusalResponse,
  type SecondFactor,
  StoreUnavailable,
  type UserStore,
  validateCharFields,
  ValidationFailed,
  withTimeLimit,
} from '@latchkey/core';
import type { KeySet } from './keys.ts';
import type { JwtService } from './jwt-service.ts';
import { invalidToken } from './simplejwt-errors.ts';

/** Options for `createJwtEndpoints`. */
export interface JwtEndpointsOptions<U extends AuthUser = AuthUser> {
  /** Issues and checks the tokens. Required. */
  readonly jwt: JwtService;
  /** Finds users and their password hashes. Required. */
  readonly users: UserStore<U>;
  /** Verifies and upgrades password hashes. Default `createPasswordHasher()`. */
  readonly passwords?: PasswordHasher;
  /** Where the routes live: `/segment[/segment…]`, no trailing slash. Default `"/auth/jwt"`. */
  readonly prefix?: string;
  /** Scopes put in a new pair (`scope` claim), for `hasScopes`. Default none. */
  readonly scopesFor?: (user: U) => readonly string[] | Promise<readonly string[]>;
  /**
   * The login throttle, core's: options for a new one, a built `loginThrottle(…)`, or
   * `false`: none. Default `defaultLoginThrottle(users)`, the one core's login endpoints and
   * `basicAuth` over the same `users` count in too.
   */
  readonly throttle?: LoginThrottleOptions | LoginThrottle | false;
  /**
   * A second factor (TOTP from `@latchkey/two-factor`…): a user who has it on must send its
   * code as `code` with the password, or gets no pair. Default none. Without it, a user with
   * a second factor elsewhere could log in here with the password alone.
   */
  readonly secondFactor?: SecondFactor;
  /** Time limit on each request's store and hook calls; past it 503. Null: none. Default `5_000`. */
  readonly timeout?: number | null;
  /** Realm of the `WWW-Authenticate` header on 401s. Default `"api"` (simplejwt's). */
  readonly realm?: string;
  /** Largest request body read, in bytes; larger ones get 413. Default `65_536`. */
  readonly maxBodyBytes?: number;
  /** Told about store and hook failures (the request is then refused with 503). Default `console.error`. */
  readonly onError?: (error: unknown) => void;
}

type Handler = (request: Request, host: HostContext) => Promise<Response>;

const PREFIX = /^(\/[A-Za-z0-9._~!$&'()*+,;=:@-]+)+$/;
const NO_ACCOUNT = new AuthenticationFailed('No active account found with the given credentials');
const NO_ACCOUNT_FOR_TOKEN = new AuthenticationFailed('No active account found for the given token.');
const CREDENTIALS = [{ name: 'username' }, { name: 'password', trim: false }] as const;
const CODE_REQUIRED = 'Two-factor authentication is on for this account: send its code as "code".';

/** Builds the endpoints. Missing or contradictory options throw here. */
export function createJwtEndpoints<U extends AuthUser = AuthUser>(options: JwtEndpointsOptions<U>): AuthEndpoints {
  const { jwt, users, prefix = '/auth/jwt', scopesFor, realm = 'api', maxBodyBytes = 65_536, onError = logStoreFailure, timeout = DEFAULT_TIMEOUT_MS } = options;
  if (!jwt || !users) throw new TypeError('createJwtEndpoints: jwt and users are required');
  if (!PREFIX.test(prefix)) throw new RangeError('createJwtEndpoints: prefix must be "/segment[/segment…]" without a trailing slash');
  if (!Number.isInteger(maxBodyBytes) || maxBodyBytes < 1) throw new RangeError('createJwtEndpoints: maxBodyBytes must be a positive integer');
  if (realm.includes('"') || realm.includes('\\')) throw new RangeError('createJwtEndpoints: realm must not contain quotes');
  if (timeout !== null && !(typeof timeout === 'number' && timeout > 0 && timeout <= 2_147_483_647)) {
    throw new RangeError('createJwtEndpoints: timeout must be a positive number of milliseconds or null');
  }
  const passwords = options.passwords ?? createPasswordHasher();
  const option = options.throttle;
  // A built throttle has its checks; options have none of them.
  const throttle = option === false ? null : option === undefined ? defaultLoginThrottle(users) : 'passwordAllowed' in option ? option : loginThrottle(option);
  const challenge = `Bearer realm="${realm}"`;

  // 401s carry simplejwt's header; everything else is core's refusal answer.
  const refuse = (error: LatchkeyError) => (error instanceof AuthenticationFailed ? errorResponse(error, challenge) : refusalResponse(error));

  /** The named string fields of the body, or the refusal. */
  const fields = async (request: Request, names: readonly { name: string; trim?: boolean }[]) => {
    const data = await readRequestData(request, maxBodyBytes);
    if (data instanceof LatchkeyError) return data;
    return validateCharFields(data, names);
  };

  const create: Handler = async (request, host) => {
    const crowded = await throttle?.loginByAddress(request, host);
    if (crowded) return refuse(crowded);
    const data = await readRequestData(request, maxBodyBytes);
    if (data instanceof LatchkeyError) return refuse(data);
    const body = validateCharFields(data, CREDENTIALS);
    if (body instanceof LatchkeyError) return refuse(body);
    const { password = '' } = body;
    // Normalised before the throttle, as core's login does, so look-alikes share one limit.
    const username = normalizeUsername(body.username ?? '');
    const guessed = await throttle?.loginByUsername(username);
    if (guessed) return refuse(guessed);
    const checked = await checkCredentials(users, passwords, username, password);
    if (!checked.ok) return refuse(NO_ACCOUNT);
    // Asked only once the password is right, as core's login does.
    if (options.secondFactor && (await options.secondFactor.isRequired(checked.user.id))) {
      if (!data.has('code')) return refuse(new ValidationFailed({ code: [CODE_REQUIRED] }));
      const second = validateCharFields(data, [{ name: 'code' }]);
      if (second instanceof LatchkeyError) return refuse(second);
      const passed = await options.secondFactor.verify(checked.user.id, second.code!);
      if (passed !== true) return refuse(passed === false ? NO_ACCOUNT : passed);
    }
    const scopes = (await scopesFor?.(checked.user)) ?? [];
    const { access, refresh } = await jwt.issuePair(checked.user, { scopes });
    return jsonResponse({ refresh, access });
  };

  const refresh: Handler = async (request) => {
    const body = await fields(request, [{ name: 'refresh' }]);
    if (body instanceof LatchkeyError) return refuse(body);
    const result = await jwt.refresh(body.refresh!, async (id) => users.findById(id));
    if (result.ok) return jsonResponse({ access: result.pair.access, refresh: result.pair.refresh });
    return refuse('inactive' in result ? NO_ACCOUNT_FOR_TOKEN : invalidToken(result.message));
  };

  const verify: Handler = async (request) => {
    const body = await fields(request, [{ name: 'token' }]);
    if (body instanceof LatchkeyError) return refuse(body);
    const result = await jwt.verify(body.token!);
    if (result.ok) return jsonResponse({});
    // simplejwt raises "Token is blacklisted" as a serializer error: 400, not 401.
    return refuse(result.blacklisted ? new ValidationFailed({ non_field_errors: [result.message] }) : invalidToken(result.message));
  };

  const blacklist: Handler = async (request) => {
    const body = await fields(request, [{ name: 'refresh' }]);
    if (body instanceof LatchkeyError) return refuse(body);
    const result = await jwt.blacklist(body.refresh!);
    return result.ok ? jsonResponse({}) : refuse(invalidToken(result.message));
  };

  const routes = new Map<string, Handler>([
    ['/create', create],
    ['/refresh', refresh],
    ['/verify', verify],
    ['/blacklist', blacklist],
  ]);

  return {
    prefix,
    paths: [...routes.keys()].map((route) => `${prefix}${route}`),
    // Bearer tokens only: these endpoints read no cookie.
    sessionAuth: null,
    async handle(request, host = {}) {
      const { pathname } = new URL(request.url);
      if (!pathname.startsWith(`${prefix}/`)) return null;
      let path = pathname.slice(prefix.length);
      if (path.length > 1 && path.endsWith('/')) path = path.slice(0, -1);
      const route = routes.get(path);
      if (!route) return null;
      if (request.method !== 'POST') {
        const response = refusalResponse(new MethodNotAllowed(request.method, ['POST']));
        return request.method === 'HEAD' ? new Response(null, response) : response;
      }
      try {
        return await withTimeLimit(timeout, host.signal, (signal) => route(request, hostWithSignal(host, signal)));
      } catch (error) {
        // The host gave up on the request (the client left): no store failure to report.
        if (host.signal?.aborted && error === host.signal.reason) return errorResponse(new StoreUnavailable(error), null);
        // Fail closed: a broken or silent store or hook never becomes a 500 or a token.
        return errorResponse(failClosed(error, onError), null);
      }
    },
  };
}

/**
 * `GET /.well-known/jwks.json` (or `path`): the key set's public keys, cacheable for
 * `maxAge` seconds (default 300) so verifiers do not fetch on every token. HS256 secrets
 * are never published. Same `{ prefix, handle }` shape as the other endpoint groups.
 */
export function jwksEndpoint(keys: KeySet, options: { readonly path?: string; readonly maxAge?: number; readonly onError?: (error: unknown) => void } = {}): AuthEndpoints {
  const { path = '/.well-known/jwks.json', maxAge = 300, onError = logStoreFailure } = options;
  if (!path.startsWith('/')) throw new RangeError('jwksEndpoint: path must start with "/"');
  if (!Number.isInteger(maxAge) || maxAge < 0) throw new RangeError('jwksEndpoint: maxAge must be a whole number of seconds');
  return {
    prefix: path,
    paths: [path],
    sessionAuth: null,
    async handle(request) {
      if (new URL(request.url).pathname !== path) return null;
      if (request.method !== 'GET' && request.method !== 'HEAD') return refusalResponse(new MethodNotAllowed(request.method, ['GET', 'HEAD']));
      try {
        const response = jsonResponse(await keys.jwks(), 200, { 'Cache-Control': `public, max-age=${maxAge}` });
        return request.method === 'HEAD' ? new Response(null, response) : response;
      } catch (error) {
        return errorResponse(failClosed(error, onError), null);
      }
    },
  };
}
