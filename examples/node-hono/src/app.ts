/**
 * The demo app, apart from the code that opens the database and listens, so tests can
 * build it over any stores and call it without a socket.
 */
import {
  allowAny,
  type AuthUser,
  basicAuth,
  createLatchkey,
  createPasswordHasher,
  createTokenService,
  isAdminUser,
  loginThrottle,
  MemoryThrottleStore,
  type PasswordHasher,
  type ThrottleStore,
  type TokenStore,
  tokenAuth,
  type UserStore,
} from '@latchkey/core';
import { authEndpoints, latchkey } from '@latchkey/hono';
import type { ReplayStore, SigningKeyStore } from '@latchkey/signatures';
import {
  createJwtEndpoints,
  createJwtService,
  createKeySet,
  jwksEndpoint,
  jwtAuth,
  MemoryRefreshTokenStore,
  type RefreshTokenStore,
} from '@latchkey/jwt';
import { type Context, Hono } from 'hono';
import type { JWK } from 'jose';
import { signedRoutes } from './signed.ts';
import { type DemoAccountOptions, demoAccountEndpoints } from './account.ts';
import { type DemoSignInOptions, demoSignIn } from './sign-in.ts';

/** What the app is built from. */
export interface AppOptions<U extends AuthUser> {
  /** Where tokens live. Required. */
  readonly tokens: TokenStore;
  /** Where users live. Required. */
  readonly users: UserStore<U>;
  /** Hashes and checks passwords. Default `createPasswordHasher()` (PBKDF2, 100,000 iterations). */
  readonly passwords?: PasswordHasher;
  /**
   * Where the login throttle counts (5 attempts a minute per username, 30 per address).
   * Default a `MemoryThrottleStore`, for this process alone; the server passes the
   * database's, so every process on one database counts together.
   */
  readonly throttles?: ThrottleStore;
  /** The client's address, for the throttles. Default: the Hono adapter's `hostAddress` (the socket's peer on Node). */
  readonly clientAddress?: (c: Context) => string | null | undefined;
  /** Signing keys for `GET`/`POST /api/signed` (Hawk, RFC 9421). Default none: no such routes. */
  readonly signingKeys?: SigningKeyStore;
  /** Where signed requests' nonces are kept. Default memory (one process). */
  readonly nonces?: ReplayStore;
  /** Registration with activation, password change and reset, email change. Default off. */
  readonly account?: DemoAccountOptions;
  /** Emailed login codes, magic links and TOTP two-factor. Default off. */
  readonly signIn?: DemoSignInOptions;
  /** The private JWK (EdDSA, ES256 or RS256) that signs JWTs; its public half is published. Default none: no JWT routes. */
  readonly jwtSigningKey?: JWK & { readonly alg: 'EdDSA' | 'ES256' | 'RS256' };
  /** Where JWT refresh tokens (digests) live. Default a `MemoryRefreshTokenStore` (the server uses the libSQL one). */
  readonly refreshTokens?: RefreshTokenStore;
}

/** Lifetime of a token obtained from the demo: ten hours, knox's default. */
export const TOKEN_TTL_MS = 10 * 60 * 60 * 1000;

/**
 * Builds the demo's Hono app: `/` public, `/api/me` and `/api/admin` protected, `/auth/*` the
 * token endpoints, `/auth/jwt/*` the JWT endpoints, `/.well-known/jwks.json` the public key.
 */
export function createApp<U extends AuthUser>(options: AppOptions<U>) {
  const { users, clientAddress, jwtSigningKey } = options;
  // One login throttle for every password check (the login endpoints and Basic alike).
  const throttle = loginThrottle({ store: options.throttles ?? new MemoryThrottleStore() });
  const passwords = options.passwords ?? createPasswordHasher();
  // The verified-token cache: a repeat request costs one hash, and revocations by another
  // process sharing the database are seen within a second (packages/core/README.md).
  const tokens = createTokenService({ store: options.tokens, ttl: TOKEN_TTL_MS, cache: true });
  const signIn = options.signIn ? demoSignIn<U>(options.signIn) : null;
  // Token first: its challenge is what a 401 answers with. Basic is there for curl -u, and
  // refuses users with TOTP on: it has no second call to carry the code.
  const basic = basicAuth({ users, passwords, throttle, ...(signIn && { secondFactor: signIn.totp }) });
  const keys = jwtSigningKey && createKeySet({ keys: [{ kid: jwtSigningKey.kid ?? 'demo-1', alg: jwtSigningKey.alg, privateJwk: jwtSigningKey }] });
  const jwt = keys && createJwtService({ keys, refreshTokens: options.refreshTokens ?? new MemoryRefreshTokenStore() });
  // JWTs come as `Bearer`, after the Token scheme whose challenge answers 401s.
  const base = createLatchkey<U>({ authenticators: [tokenAuth({ tokens, users }), ...(jwt ? [jwtAuth({ jwt, users })] : []), basic] });
  // POST /auth/jwt/create, /refresh, /verify, /blacklist (simplejwt's views) and the JWKS. With
  // TOTP on, a pair needs the code too, as every other login does.
  const jwtRoutes = jwt && keys && [
    createJwtEndpoints({ jwt, users, passwords, throttle, ...(signIn && { secondFactor: signIn.totp }) }),
    jwksEndpoint(keys),
  ];
  const hostOptions = clientAddress ? { clientAddress } : {};

  const app = new Hono()
    // POST /auth/token, /auth/logout, GET /auth/me…; every other path goes on to the routes below.
    .use(
      authEndpoints(
        { tokens, users, passwords, throttle, ...(options.account && demoAccountEndpoints(options.account)), ...signIn?.endpoints },
        hostOptions,
      ),
    )
    .use((_c, next) => next(), ...(jwtRoutes ?? []).map((endpoints) => authEndpoints(endpoints, hostOptions)))
    .get('/', latchkey(base.with({ permissions: [allowAny] }), hostOptions), (c) =>
      c.json({
        hello: c.var.user?.username ?? 'anonymous',
        routes: {
          'POST /auth/token': 'obtain a token: {"username", "password"}',
          'POST /auth/jwt/create': 'obtain a JWT pair: {"username", "password"}',
          'GET /api/me': 'who you are (needs a token)',
          'GET /api/admin': 'staff only',
          'GET|POST /api/signed': 'a signed request: Hawk or RFC 9421 (keys from latchkey createkey)',
        },
      }),
    )
    .get('/api/me', latchkey(base, hostOptions), (c) =>
      c.json({
        id: c.var.user?.id,
        username: c.var.user?.username,
        isStaff: c.var.user?.isStaff,
        scheme: c.var.scheme,
        token: c.var.auth && { id: c.var.auth.id, scopes: c.var.auth.scopes, expiresAt: c.var.auth.expiresAt },
      }),
    )
    .get('/api/admin', latchkey(base.with({ permissions: [isAdminUser] }), hostOptions), (c) =>
      c.json({ message: `Welcome, staff member ${c.var.user?.username}.` }),
    );
  return options.signingKeys ? app.route('/', signedRoutes({ keys: options.signingKeys, users, ...(options.nonces && { replay: options.nonces }) }, hostOptions)) : app;
}
