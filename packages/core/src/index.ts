/**
 * `@latchkey/core`: Django REST framework's pluggable authentication on Web `Request` and
 * `Response`. Runtime-agnostic: Web standards and `@noble/hashes` only.
 */
export {
  type Authenticator,
  type AuthenticationResult,
  fail,
  type HostContext,
  type Identity,
  skip,
  success,
} from './authenticator.ts';
export { type AuthorizationParse, parseAuthorization } from './authorization-header.ts';
export { type BasicAuthOptions, basicAuth, decodeBasicCredentials } from './basic-auth.ts';
export { addressFromForwardedFor, addressFromHeader, type ClientAddressSource, peerAddress } from './client-address.ts';
export { constantTimeEqual } from './constant-time.ts';
export { type CredentialCheck, checkCredentials, type CredentialRejection } from './credentials.ts';
export {
  AuthenticationFailed,
  type BearerError,
  LatchkeyError,
  NotAuthenticated,
  PermissionDenied,
  StoreUnavailable,
  Throttled,
} from './errors.ts';
export { failClosed, logStoreFailure } from './fail-closed.ts';
export {
  type AuthContext,
  createLatchkey,
  type FetchHandler,
  type Latchkey,
  type LatchkeyOptions,
  type PipelineOutcome,
  protect,
  type ProtectedHandler,
  toLatchkey,
} from './latchkey.ts';
export { MemoryThrottleStore, type MemoryThrottleStoreOptions } from './memory-throttle-store.ts';
export { MemoryTokenStore } from './memory-token-store.ts';
export { type MemoryUser, MemoryUserStore, type MemoryUserStoreOptions } from './memory-user-store.ts';
export { createPasswordHasher, type PasswordHasher, type PasswordHasherOptions } from './password.ts';
export {
  allOf,
  allowAny,
  anyOf,
  hasScopes,
  isAdminUser,
  isAuthenticated,
  isAuthenticatedOrReadOnly,
  isSafeMethod,
  not,
  type Permission,
  type PermissionVerdict,
} from './permissions.ts';
export type { RandomBytes } from './random.ts';
export { type RemoteUserAuthOptions, remoteUserAuth } from './remote-user-auth.ts';
export { errorResponse, jsonResponse } from './response.ts';
export {
  type AddressThrottleOptions,
  anonRateThrottle,
  parseRate,
  type Rate,
  type RateCounter,
  rateCounter,
  rateThrottle,
  type RateThrottleOptions,
  type Throttle,
  type ThrottleOptions,
  userRateThrottle,
} from './throttle.ts';
export type { ThrottleStore } from './throttle-store.ts';
export { DEFAULT_TOKEN_PREFIX, TOKEN_SECRET_BYTES } from './token.ts';
export { type TokenAuthOptions, tokenAuth, tokenChallenge } from './token-auth.ts';
export {
  type CreateTokenInput,
  type CreateTokenResult,
  createTokenService,
  type TokenRejection,
  type TokenService,
  type TokenServiceOptions,
  type VerifyTokenResult,
} from './token-service.ts';
export type { TokenLimit, TokenRecord, TokenStore, TokenTouch } from './token-store.ts';
export type { AuthUser, NewUser, UserStore } from './user-store.ts';
export { CSRF_HEADER, type CsrfOptions, type CsrfProtection, csrfProtection } from './csrf.ts';
export type {
  AuthHooks,
  HookContext,
  LoginFailedEvent,
  TokenCreatedEvent,
  TokenRevokedEvent,
  UserCreatedEvent,
} from './endpoints/hooks.ts';
export {
  MethodNotAllowed,
  NotFound,
  ParseError,
  PayloadTooLarge,
  UnsupportedMediaType,
  ValidationFailed,
} from './endpoints/http-errors.ts';
export type { LoginThrottleOptions } from './endpoints/login-throttle.ts';
export { type PasswordRules, passwordRules, type PasswordRulesOptions } from './endpoints/password-rules.ts';
export type { RegisterOptions } from './endpoints/register.ts';
export { type AuthEndpoints, type AuthEndpointsOptions, createAuthEndpoints } from './endpoints/router.ts';
export { CSRF_COOKIE, type SessionEndpointOptions } from './endpoints/session.ts';
export { readCookie, SESSION_COOKIE, sessionAuth, type SessionAuthOptions } from './session-auth.ts';
