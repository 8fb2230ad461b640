/**
 * `@latchkey/core`: Django REST framework's pluggable authentication on Web `Request` and
 * `Response`. Runtime-agnostic: Web standards and `@noble/hashes` only.
 */
export {
  type Authenticator,
  type AuthenticationResult,
  fail,
  type Grant,
  type HostContext,
  hostWithSignal,
  type Identity,
  skip,
  success,
} from './schemes/authenticator.ts';
export { type AuthorizationParse, parseAuthorization } from './schemes/authorization-header.ts';
export { type BasicAuthOptions, basicAuth, decodeBasicCredentials } from './schemes/basic-auth.ts';
export { addressFromForwardedFor, addressFromHeader, type ClientAddressSource, peerAddress } from './throttling/client-address.ts';
export { type Awaitable, isPromiseLike } from './awaitable.ts';
export { constantTimeEqual } from './constant-time.ts';
export { createSecretBox, type SecretBox, type SecretBoxOptions } from './secret-box.ts';
export type { SecondFactor } from './second-factor/second-factor.ts';
export { type CodeResult, createLoginCodes, LOGIN_CODE_PURPOSE, type LoginCodes, type LoginCodesOptions } from './passwordless/login-codes.ts';
export { MAGIC_LINK_PURPOSE, type PasswordlessOptions } from './endpoints/passwordless/passwordless.ts';
export { SECOND_FACTOR_PURPOSE, type SecondFactorLoginOptions } from './endpoints/second-factor/second-factor-login.ts';
export type { Endpoint, EndpointCall, EndpointDeps, UserCall } from './endpoints/endpoint.ts';
export { type CharField, validateCharFields } from './endpoints/fields.ts';
export { readCapped, readRequestData, type RequestData } from './endpoints/request-body.ts';
export { base64ToBytes, bytesToBase64, bytesToBase64Url, latin1ToString } from './encoding.ts';
export { type CredentialCheck, checkCredentials, type CredentialRejection } from './users/credentials.ts';
export {
  AuthenticationFailed,
  type AuthenticationHint,
  type BearerError,
  LatchkeyError,
  type LatchkeyErrorOptions,
  NotAuthenticated,
  PermissionDenied,
  StoreUnavailable,
  Throttled,
} from './errors.ts';
export { failClosed, logStoreFailure, scrubSecrets } from './fail-closed.ts';
export { DEFAULT_TIMEOUT_MS, TimeLimitExceeded, withTimeLimit } from './time-limit.ts';
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
export { type ConsoleMailerOptions, consoleMailer, type EmailMessage, type SendEmail } from './mail/mailer.ts';
export { MemoryOneTimeStore } from './one-time/memory-one-time-store.ts';
export type { OneTimeRecord, OneTimeStore } from './one-time/one-time-store.ts';
export {
  createOneTimeTokens,
  type CurrentBinding,
  type IssueOneTimeInput,
  ONE_TIME_TOKEN_PREFIX,
  type OneTimeRejection,
  type OneTimeTokens,
  type OneTimeTokensOptions,
  type RedeemResult,
} from './one-time/one-time-tokens.ts';
export { MemoryThrottleStore, type MemoryThrottleStoreOptions } from './throttling/memory-throttle-store.ts';
export { MemoryTokenStore, type MemoryTokenStoreOptions } from './tokens/memory-token-store.ts';
export { type MemoryUser, MemoryUserStore, type MemoryUserStoreOptions } from './users/memory-user-store.ts';
export { createPasswordHasher, type PasswordHasher, type PasswordHasherOptions } from './users/password.ts';
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
export { type RemoteUserAuthOptions, remoteUserAuth } from './schemes/remote-user-auth.ts';
export { errorResponse, jsonResponse, withVary } from './response.ts';
export {
  type AddressThrottleOptions,
  anonRateThrottle,
  parseRate,
  type Rate,
  type RateCounter,
  rateCounter,
  ratePeek,
  rateThrottle,
  type RateThrottleOptions,
  type Throttle,
  type ThrottleOptions,
  userRateThrottle,
} from './throttling/throttle.ts';
export type { ThrottleStore } from './throttling/throttle-store.ts';
export { DEFAULT_TOKEN_PREFIX, TOKEN_SECRET_BYTES } from './tokens/token.ts';
export { type TokenAuthOptions, tokenAuth, tokenChallenge } from './schemes/token-auth.ts';
export {
  type CreateTokenInput,
  type CreateTokenResult,
  assertScopes,
  createTokenService,
  type ImportKeyInput,
  type ImportKeyResult,
  type AuthenticateTokenResult,
  type TokenRejection,
  type TokenService,
  type TokenServiceOptions,
  type VerifyTokenResult,
} from './tokens/token-service.ts';
export { isDrfKey } from './tokens/drf-key.ts';
export { TOKEN_CACHE_DEFAULTS, type TokenCacheOptions, type TokenCacheView } from './tokens/verified-token-cache.ts';
export {
  isTokenRecord,
  type Revocation,
  TOKEN_PURPOSES,
  type TokenLimit,
  type TokenPurpose,
  type TokenRecord,
  type TokenStore,
  type TokenTouch,
  type TokenWithUser,
} from './tokens/token-store.ts';
export { type AuthUser, emailKey, type NewUser, type UserChanges, type UserStore } from './users/user-store.ts';
export { MAX_USERNAME_LENGTH, normalizeUsername, usernameProblems } from './users/username.ts';
export { CSRF_HEADER, type CsrfOptions, type CsrfProtection, csrfProtection } from './schemes/csrf.ts';
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
export { defaultLoginThrottle, type LoginThrottle, loginThrottle, type LoginThrottleOptions } from './endpoints/login-throttle.ts';
// Refusals as endpoint groups in other packages (@latchkey/jwt) answer them, as core's do.
export { refusalResponse } from './endpoints/respond.ts';
export type { AccountOptions, AccountUserStore } from './endpoints/account/account.ts';
export { type AccountMailInput, type AccountMailKind, composeAccountEmail, type ComposeEmail } from './endpoints/account/account-mail.ts';
export type { AccountThrottleOptions } from './endpoints/account/account-throttle.ts';
export { type PasswordRules, passwordRules, type PasswordRulesOptions } from './endpoints/password-rules.ts';
export type { RegisterOptions } from './endpoints/register.ts';
export {
  type AuthEndpoints,
  type AuthEndpointsOptions,
  type AuthExtension,
  type AuthRoutes,
  createAuthEndpoints,
  type RouteName,
  type RouteTable,
} from './endpoints/router.ts';
export type { SessionEndpointOptions } from './endpoints/session.ts';
export { CSRF_COOKIE, readCookie, SESSION_COOKIE, sessionAuth, type SessionAuthOptions } from './schemes/session-auth.ts';
