/**
 * `createAuthEndpoints`: the token and account endpoints as one fetch handler that any
 * host mounts in a line. It answers the paths below its prefix and returns null for every
 * other path, so the host's own routes carry on.
 *
 * | method | path                      | who              | answer                                   |
 * |--------|---------------------------|------------------|------------------------------------------|
 * | POST   | {prefix}/token            | anyone           | 200 `{token, expiry, user}` (throttled)  |
 * | POST   | {prefix}/logout           | authenticated    | 204, the request's token revoked         |
 * | POST   | {prefix}/logout-all       | authenticated    | 204, all the user's tokens revoked       |
 * | GET    | {prefix}/tokens           | authenticated    | 200 the user's tokens, without secrets   |
 * | DELETE | {prefix}/tokens/:id       | authenticated    | 204, or 404 unless it is the user's      |
 * | GET    | {prefix}/me               | authenticated    | 200 the user                             |
 * | POST   | {prefix}/register         | anyone (opt-in)  | 201 `{token, expiry, user}` (throttled)  |
 * | POST   | {prefix}/session          | anyone           | 200 `{user, expiry, csrf_token}` + cookies (throttled) |
 * | POST   | {prefix}/session/logout   | session          | 204, session revoked, cookies deleted    |
 * | …      | {prefix}/password/…, /activate…, /email/… | (opt-in) | the account flows, see `account/account.ts` |
 * | …      | {prefix}/code…, /magic-link… | anyone (opt-in) | passwordless login, see `passwordless/passwordless.ts` |
 * | POST   | {prefix}/2fa/verify       | anyone (opt-in)  | finishes a login held for its second factor, see `second-factor/` |
 * | …      | whatever `extensions` add | open or authenticated | e.g. TOTP enrolment from `@latchkey/two-factor` |
 *
 * "authenticated" routes run the pipeline with `authenticators` and `isAuthenticated`, as
 * DRF's views do: credentials first, then the method (405). The token and register routes
 * run the same authenticators with no permission, as DRF's `obtain_auth_token` does: a
 * wrong token or a session without its CSRF token is refused before any login. Every answer
 * of a route carries `Allow` (DRF's views send it on every answer), and `Vary: Cookie` once
 * session authentication was consulted. GET routes answer HEAD too. A trailing slash is
 * accepted (`/auth/token/`, DRF's habit). Each route can be moved with `paths`.
 */
import { type Authenticator, type HostContext, hostWithSignal } from '../schemes/authenticator.ts';
import { type LatchkeyError, StoreUnavailable } from '../errors.ts';
import { failClosed, logStoreFailure } from '../fail-closed.ts';
import { createLatchkey, type Latchkey } from '../latchkey.ts';
import { withoutUndefined } from '../options.ts';
import { createPasswordHasher, type PasswordHasher } from '../users/password.ts';
import { allowAny, isAuthenticated } from '../permissions.ts';
import { errorResponse, withVary } from '../response.ts';
import { assertTimeout, DEFAULT_TIMEOUT_MS, withTimeLimit } from '../time-limit.ts';
import { tokenAuth } from '../schemes/token-auth.ts';
import type { TokenService } from '../tokens/token-service.ts';
import { isTokenRecord } from '../tokens/token-store.ts';
import type { AuthUser, UserStore } from '../users/user-store.ts';
import type { Endpoint, EndpointCall, EndpointDeps, UserCall } from './endpoint.ts';
import type { AuthHooks } from './hooks.ts';
import { MethodNotAllowed } from './http-errors.ts';
import { createLogin } from './login.ts';
import {
  defaultLoginThrottle,
  type LoginThrottle,
  loginThrottle,
  type LoginThrottleOptions,
  NO_LOGIN_THROTTLE,
} from './login-throttle.ts';
import { logout, logoutAll } from './logout.ts';
import { me } from './me.ts';
import { listMyTokens, revokeMyToken } from './my-tokens.ts';
import { grantToken, obtainToken } from './obtain-token.ts';
import { type PasswordlessOptions, passwordlessRoutes } from './passwordless/passwordless.ts';
import { type GrantLogin, secondFactorLogin, type SecondFactorLoginOptions } from './second-factor/second-factor-login.ts';
import { type AccountOptions, accountRoutes } from './account/account.ts';
import { register, type RegisterOptions } from './register.ts';
import { refusalResponse } from './respond.ts';
import { createSessions, grantSession, type SessionEndpointOptions, sessionLogin } from './session.ts';

/** Options for `createAuthEndpoints`. */
export interface AuthEndpointsOptions<U extends AuthUser = AuthUser> {
  /** Issues, verifies and revokes tokens (sessions are tokens too). Required. */
  readonly tokens: TokenService;
  /** Finds users and their password hashes; registration creates users in it. Required. */
  readonly users: UserStore<U>;
  /** Verifies, upgrades and makes password hashes. Default `createPasswordHasher()`. */
  readonly passwords?: PasswordHasher;
  /** Where the routes live: `""` or `/segment[/segment…]`, no trailing slash. Default `"/auth"`. */
  readonly prefix?: string;
  /**
   * Routes moved to paths of their own, outside the prefix: `{ token: "/api-token-auth" }`
   * puts obtain-token where DRF's tutorial does. Each is `/segment[/segment…]`, no trailing
   * slash; `tokens` moves `tokens/:id` with it. Default `{}`: every route under `prefix`.
   */
  readonly paths?: Readonly<Partial<Record<RouteName, string>>>;
  /**
   * Who may call the logout, tokens and me routes, tried in order. Default token
   * authentication (`Authorization: Token …`), then session authentication when sessions
   * are on. Keep a token scheme first: header tokens then need no CSRF token.
   */
  readonly authenticators?: readonly Authenticator<U>[];
  /** The user as the endpoints show it, like DRF's user serializer. Default `{ id, username }`. */
  readonly serializeUser?: (user: U) => unknown;
  /** `true` or options to turn registration on. Default `false`: off. */
  readonly register?: boolean | RegisterOptions;
  /**
   * The login and registration throttle: options for a new one, a built `loginThrottle(…)`
   * (pass the same to `basicAuth` to share it), or `false`: none. Default
   * `defaultLoginThrottle(users)`, the one `basicAuth` over the same `users` uses too.
   */
  readonly throttle?: LoginThrottleOptions | LoginThrottle | false;
  /** Session login, cookies and CSRF; `false`: no session routes or authenticator. Default on. */
  readonly session?: SessionEndpointOptions | false;
  /**
   * The account flows (password change and reset, activation, email change), which mail
   * one-time links. Default off; the options name the mailer and the one-time token service.
   */
  readonly account?: AccountOptions;
  /** Emailed login codes and magic links. Default off. */
  readonly passwordless?: PasswordlessOptions;
  /**
   * A second factor every login must pass for the users who have one: the token endpoint,
   * the session login and passwordless verifies answer an interim token, and
   * `POST {prefix}/2fa/verify` finishes the login. Give the same factor to `basicAuth`.
   * Default none: logins are single calls.
   */
  readonly secondFactor?: SecondFactorLoginOptions;
  /** Route groups other packages add (TOTP enrolment: `totpRoutes` of `@latchkey/two-factor`). Default none. */
  readonly extensions?: readonly AuthExtension<U>[];
  /** Lifecycle hooks; see `AuthHooks` for what a throwing hook does. Default none. */
  readonly hooks?: AuthHooks<U>;
  /** Largest request body read, in bytes; larger ones get 413. Default `65_536`. */
  readonly maxBodyBytes?: number;
  /**
   * Told about store and hook failures (the request is then refused with 503). Receives
   * the error as thrown, never a credential; a store's message may quote its parameters (a
   * token digest), so scrub before logging. Default: `console.error` with a short prefix and
   * key-like runs (16+ characters with a digit) redacted (`logStoreFailure`).
   */
  readonly onError?: (error: unknown) => void;
  /**
   * Milliseconds one request's store and hook calls (and body reading and hashing) may take
   * together; past it the answer is 503 (`onError` gets a `TimeLimitExceeded`) and hooks see
   * `context.host.signal` abort. Null: no limit. Default `5_000`.
   */
  readonly timeout?: number | null;
}

/** The routes `paths` can move. */
export type RouteName = 'token' | 'logout' | 'logoutAll' | 'tokens' | 'me' | 'register' | 'session' | 'sessionLogout';

/** The mounted endpoints. */
export interface AuthEndpoints<U extends AuthUser = AuthUser> {
  /** The resolved prefix, for hosts that mount by path. */
  readonly prefix: string;
  /** Every route's path pattern (`/auth/tokens/:id`…), for hosts that mount route by route. */
  readonly paths: readonly string[];
  /**
   * The session authenticator the endpoints use (null with `session: false`). Put this one
   * in the app's own pipeline, after token auth, rather than a second `sessionAuth(...)`:
   * cookie names and CSRF options are then given once, in `session`, and always agree.
   */
  readonly sessionAuth: Authenticator<U> | null;
  /** Answers a request for one of `paths`; null for any other path. Never throws. */
  handle(request: Request, host?: HostContext): Promise<Response | null>;
}

type Methods<C> = Readonly<Record<string, Endpoint<C>>>;

/** Routes by path, then by method. */
export type RouteTable<C> = Readonly<Record<string, Methods<C>>>;

/** What an extension adds: routes anyone may call, and routes for an authenticated user. */
export interface AuthRoutes<U extends AuthUser> {
  readonly open?: RouteTable<EndpointCall>;
  readonly authenticated?: RouteTable<UserCall<U>>;
}

/** Builds a route group from the endpoints' shared options; called once, by `createAuthEndpoints`. */
export type AuthExtension<U extends AuthUser> = (deps: EndpointDeps<U>) => AuthRoutes<U>;

// `guard` null: no authentication at all; `user: false`: the guard's authenticators run, but
// the endpoint needs no user (obtain-token, register).
type Route<U extends AuthUser> =
  | { readonly path: string; readonly guard: Latchkey<U> | null; readonly user: false; readonly methods: Methods<EndpointCall> }
  | { readonly path: string; readonly guard: Latchkey<U>; readonly user: true; readonly methods: Methods<UserCall<U>> };

const PREFIX = /^(\/[A-Za-z0-9._~!$&'()*+,;=:@-]+)*$/;

/** The `Allow` value of a route: its methods, with HEAD beside GET. */
function allowed(methods: Readonly<Record<string, unknown>>): string[] {
  return Object.keys(methods).flatMap((known) => (known === 'GET' ? ['GET', 'HEAD'] : [known]));
}

/** Path parameters when `path` fits `pattern` (`/tokens/:id`), else null. */
function matchPath(pattern: string, path: string): Record<string, string> | null {
  const expected = pattern.split('/');
  const actual = path.split('/');
  if (expected.length !== actual.length) return null;
  const params: Record<string, string> = {};
  for (const [index, segment] of expected.entries()) {
    const value = actual[index]!;
    if (segment.startsWith(':') && value !== '') params[segment.slice(1)] = value;
    else if (segment !== value) return null;
  }
  return params;
}

function resolveThrottle(option: LoginThrottleOptions | LoginThrottle | false | undefined, users: object): LoginThrottle {
  if (option === false) return NO_LOGIN_THROTTLE;
  if (option === undefined) return defaultLoginThrottle(users);
  // A built throttle has its checks; options have none of them.
  return 'passwordAllowed' in option ? option : loginThrottle(option);
}

/** Builds the endpoints. Missing or contradictory options throw at once. */
export function createAuthEndpoints<U extends AuthUser = AuthUser>(options: AuthEndpointsOptions<U>): AuthEndpoints<U> {
  const { tokens, users, prefix, serializeUser, maxBodyBytes, onError, timeout } = {
    prefix: '/auth',
    serializeUser: ({ id, username }: U): unknown => ({ id, username }),
    maxBodyBytes: 65_536,
    onError: logStoreFailure,
    timeout: DEFAULT_TIMEOUT_MS as number | null,
    ...withoutUndefined(options),
  };
  assertTimeout(timeout);
  if (!tokens || !users) throw new TypeError('createAuthEndpoints: tokens and users are required');
  if (!PREFIX.test(prefix)) throw new RangeError('createAuthEndpoints: prefix must be "" or "/segment[/segment…]" without a trailing slash');
  if (!Number.isInteger(maxBodyBytes) || maxBodyBytes < 1) throw new RangeError('maxBodyBytes must be a positive integer');

  const deps: EndpointDeps<U> = {
    tokens,
    users,
    passwords: options.passwords ?? createPasswordHasher(),
    hooks: { ...options.hooks },
    serializeUser,
    maxBodyBytes,
  };
  const throttle = resolveThrottle(options.throttle, users);
  const sessions = options.session === false ? null : createSessions(deps, options.session ?? {});
  const authenticators = options.authenticators ?? [tokenAuth({ tokens, users }), ...(sessions ? [sessions.authenticator] : [])];
  // No limit of its own: the guard runs inside the route's (below), which its signal carries.
  const guard = createLatchkey<U>({ authenticators, permissions: [isAuthenticated], onError, timeout: null });
  // DRF's obtain_auth_token runs the default authenticators too, and refuses what they refuse.
  const anyone = guard.with({ permissions: [allowAny] });
  const login = createLogin(deps, throttle);
  const tokenAnswer = grantToken(deps);
  const sessionAnswer = sessions ? grantSession(deps, sessions) : null;
  const grant: GrantLogin<U> = (call, user, answer) => (answer === 'session' && sessionAnswer ? sessionAnswer : tokenAnswer)(call, user);
  const gate = secondFactorLogin(deps, throttle, options.secondFactor, grant);

  const moved = { ...options.paths };
  for (const [name, path] of Object.entries(moved)) {
    if (typeof path !== 'string' || path === '' || !PREFIX.test(path)) {
      throw new RangeError(`createAuthEndpoints: paths.${name} must be "/segment[/segment…]" without a trailing slash`);
    }
  }
  const at = (name: RouteName, path: string) => moved[name] ?? `${prefix}${path}`;
  const routes: Route<U>[] = [
    { path: at('token', '/token'), guard: anyone, user: false, methods: { POST: obtainToken(login, gate) } },
    { path: at('logout', '/logout'), guard, user: true, methods: { POST: logout(deps, sessions, 'logout') } },
    { path: at('logoutAll', '/logout-all'), guard, user: true, methods: { POST: logoutAll(deps, sessions) } },
    { path: at('tokens', '/tokens'), guard, user: true, methods: { GET: listMyTokens(deps) } },
    { path: `${at('tokens', '/tokens')}/:id`, guard, user: true, methods: { DELETE: revokeMyToken(deps) } },
    { path: at('me', '/me'), guard, user: true, methods: { GET: me(deps) } },
  ];
  const account = options.account ? accountRoutes(deps, prefix, options.account, onError, timeout) : null;
  if (account) {
    for (const [path, methods] of Object.entries(account.open)) routes.push({ path: `${prefix}${path}`, guard: null, user: false, methods });
    for (const [path, methods] of Object.entries(account.authenticated)) routes.push({ path: `${prefix}${path}`, guard, user: true, methods });
  }
  // The other groups stay under the prefix: mailed links and second steps are built from it.
  if (gate.verify) routes.push({ path: `${prefix}/2fa/verify`, guard: null, user: false, methods: { POST: gate.verify } });
  if (options.passwordless) {
    const open = passwordlessRoutes(deps, prefix, options.passwordless, throttle, gate, onError, timeout);
    for (const [path, methods] of Object.entries(open)) routes.push({ path: `${prefix}${path}`, guard: null, user: false, methods });
  }
  for (const extension of options.extensions ?? []) {
    const added = extension(deps);
    for (const [path, methods] of Object.entries(added.open ?? {})) routes.push({ path: `${prefix}${path}`, guard: null, user: false, methods });
    for (const [path, methods] of Object.entries(added.authenticated ?? {})) routes.push({ path: `${prefix}${path}`, guard, user: true, methods });
  }
  if (options.register) {
    const settings = options.register === true ? {} : options.register;
    const registration = register(deps, throttle, settings, account?.sendActivation ?? null);
    routes.push({ path: at('register', '/register'), guard: anyone, user: false, methods: { POST: registration } });
  }
  if (sessions) {
    const sessionGuard = guard.with({ authenticators: [sessions.authenticator] });
    routes.push(
      { path: at('session', '/session'), guard: null, user: false, methods: { POST: sessionLogin(login, sessions, gate) } },
      {
        path: at('sessionLogout', '/session/logout'),
        guard: sessionGuard,
        user: true,
        methods: { POST: logout(deps, sessions, 'session-logout') },
      },
    );
  }
  const patterns = routes.map((route) => route.path);
  if (new Set(patterns).size !== patterns.length) throw new RangeError('createAuthEndpoints: two routes have one path');

  const dispatch = async <C extends EndpointCall>(methods: Methods<C>, call: C): Promise<Response> => {
    const { method } = call.request;
    const name = method === 'HEAD' && Object.hasOwn(methods, 'GET') ? 'GET' : method;
    if (!Object.hasOwn(methods, name)) return refusalResponse(new MethodNotAllowed(method, allowed(methods)));
    const result: Response | LatchkeyError = await methods[name]!(call);
    const response = result instanceof Response ? result : refusalResponse(result);
    return method === 'HEAD' ? new Response(null, response) : response;
  };

  const respond = async (route: Route<U>, call: EndpointCall): Promise<Response> => {
    if (route.user === false) {
      if (route.guard === null) return dispatch(route.methods, call);
      const outcome = await route.guard.run(call.request, call.host);
      return outcome.ok ? withVary(await dispatch(route.methods, call), outcome.vary) : outcome.response;
    }
    const outcome = await route.guard.run(call.request, call.host);
    if (!outcome.ok) return outcome.response;
    const { user, auth, scheme } = outcome.identity;
    // isAuthenticated admits no anonymous caller; this only tells the compiler so.
    if (user === null || scheme === null) throw new TypeError('authenticated route reached without a user');
    // The endpoints act on stored tokens (logout revokes the one in use); other grants have none.
    const userCall = { ...call, user, auth: auth !== null && isTokenRecord(auth) ? auth : null, scheme };
    return withVary(await dispatch(route.methods, userCall), outcome.vary);
  };

  const answer = async (route: Route<U>, call: EndpointCall): Promise<Response> => {
    let response: Response;
    try {
      response = await withTimeLimit(timeout, call.host.signal, (signal) => respond(route, { ...call, host: hostWithSignal(call.host, signal) }));
    } catch (error) {
      // The host gave up on the request (the client left): no store failure to report.
      const { signal } = call.host;
      if (signal?.aborted && error === signal.reason) response = errorResponse(new StoreUnavailable(error), null);
      // Fail closed: a broken or silent store or hook never becomes a 500 or access.
      else response = errorResponse(failClosed(error, onError), null);
    }
    // DRF's views name their methods on every answer, refusals included.
    response.headers.set('Allow', allowed(route.methods).join(', '));
    return response;
  };

  return {
    prefix,
    paths: patterns,
    sessionAuth: sessions?.authenticator ?? null,
    async handle(request, host = {}) {
      let { pathname: path } = new URL(request.url);
      if (path.length > 1 && path.endsWith('/')) path = path.slice(0, -1);
      for (const route of routes) {
        const params = matchPath(route.path, path);
        if (params) return answer(route, { request, host, params });
      }
      return null;
    },
  };
}
