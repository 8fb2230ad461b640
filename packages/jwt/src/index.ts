/**
 * `@latchkey/jwt`: simplejwt's access and refresh tokens on jose (refresh tokens stored as
 * digests, rotated, reuse revoking the family; access tokens revocable within a bounded
 * interval), published keys (JWKS), and resource-server mode for external OAuth 2.0 / OIDC
 * providers (remote JWKS, RFC 7662 introspection).
 */
export { type BearerParse, readBearer } from './bearer.ts';
export {
  type IntrospectionAuthOptions,
  introspectedUser,
  introspectionAuth,
} from './introspection.ts';
export { type JwtAuthOptions, jwtAuth, tokenUser } from './jwt-auth.ts';
export { createJwtEndpoints, type JwtEndpointsOptions, jwksEndpoint } from './jwt-endpoints.ts';
export {
  type AccessCheck,
  createJwtService,
  digestRefreshToken,
  type IssueOptions,
  type JwtService,
  type JwtServiceOptions,
  type RefreshResult,
  type RefreshReuseEvent,
  type TokenPair,
  type VerifyResult,
} from './jwt-service.ts';
export {
  type AsymmetricAlgorithm,
  createKeySet,
  generateSigningKey,
  type KeyInput,
  type KeySet,
  type KeySetOptions,
  type SigningAlgorithm,
} from './keys.ts';
export { MemoryRefreshTokenStore } from './memory-refresh-token-store.ts';
export type { ConsumeResult, RefreshTokenRecord, RefreshTokenState, RefreshTokenStore } from './refresh-token-store.ts';
export { type JwksCacheStore, remoteJwtAuth, type RemoteJwtAuthOptions, subjectUser } from './resource-server.ts';
export { createRevocationWatch, type RevocationWatch, type RevocationWatchOptions } from './revocation-watch.ts';
