/**
 * `@latchkey/jwt/testing`: the refresh-token store conformance suite for custom stores, and
 * the JWT cross-host case table every adapter runs. Runner-agnostic: lists of `{ name, run }`.
 */
export { refreshTokenStoreConformance } from './refresh-token-store-conformance.ts';
export { jwtHostCases } from './jwt-host-cases.ts';
export { createJwtHostFixture, JWT_FIXTURE_ISSUER, JWT_FIXTURE_NOW, type JwtFixtureTokens, type JwtHostFixture } from './jwt-host-fixture.ts';
