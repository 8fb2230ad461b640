/**
 * `@latchkey/core/testing`: what users need to test their own code against Latchkey's
 * contracts. Runner-agnostic: each suite is a list of `{ name, run }` to register with
 * Vitest, `bun test`, `deno test` or `node:test`.
 */
export { check, checkEqual } from './assert.ts';
export type { ConformanceCase } from './conformance-case.ts';
export { oneTimeStoreConformance } from './one-time-store-conformance.ts';
export { throttleStoreConformance } from './throttle-store-conformance.ts';
export { tokenStoreConformance } from './token-store-conformance.ts';
export { userStoreConformance } from './user-store-conformance.ts';
export {
  createHostFixture,
  HOST_FIXTURE_PASSWORD,
  type HostFixture,
  type HostFixtureTokens,
  type HostRoute,
  seededRandomBytes,
} from './host-fixture.ts';
export { checkHostCase, type HostCase, hostCases } from './host-cases.ts';
