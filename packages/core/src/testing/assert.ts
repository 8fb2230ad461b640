// Tiny asserts, so the conformance suites run under any test runner (Vitest, bun test,
// deno test, node:test) without depending on one.

export function check(condition: unknown, message: string): asserts condition {
  if (!condition) throw new Error(`conformance: ${message}`);
}

export function checkEqual(actual: unknown, expected: unknown, message: string): void {
  const a = JSON.stringify(actual);
  const e = JSON.stringify(expected);
  if (a !== e) throw new Error(`conformance: ${message}: expected ${e}, got ${a}`);
}
