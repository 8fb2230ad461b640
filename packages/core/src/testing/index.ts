/**
 * `@latchkey/core/testing`: what users need to test their own code against Latchkey's
 * contracts. Runner-agnostic: each suite is a list of `{ name, run }` to register with
 * Vitest, `bun test`, `deno test` or `node:test`.
 */
export type { ConformanceCase } from './conformance-case.ts';
export { tokenStoreConformance } from './token-store-conformance.ts';
export { userStoreConformance } from './user-store-conformance.ts';
