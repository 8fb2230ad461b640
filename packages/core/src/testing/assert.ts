// Tiny asserts, so the conformance suites run under any test runner (Vitest, bun test,
// deno test, node:test) without depending on one.

export function check(condition: unknown, message: string): asserts condition {
  if (!condition) throw new Error(`conformance: ${message}`);
}

/**
 * Structural equality: arrays item by item, objects key by key in any order (a
 * property holding `undefined` counts as absent), everything else by `Object.is`. A store
 * that returns its fields in another order than the suite wrote them is still correct.
 */
export function structurallyEqual(actual: unknown, expected: unknown): boolean {
  if (Object.is(actual, expected)) return true;
  if (typeof actual !== 'object' || typeof expected !== 'object' || actual === null || expected === null) return false;
  if (Array.isArray(actual) !== Array.isArray(expected)) return false;
  if (Array.isArray(actual) && Array.isArray(expected)) {
    return actual.length === expected.length && actual.every((item, index) => structurallyEqual(item, expected[index]));
  }
  const defined = (value: object) => Object.entries(value).filter(([, field]) => field !== undefined);
  const a = defined(actual);
  const e = new Map(defined(expected));
  return a.length === e.size && a.every(([key, field]) => e.has(key) && structurallyEqual(field, e.get(key)));
}

export function checkEqual(actual: unknown, expected: unknown, message: string): void {
  if (!structurallyEqual(actual, expected)) {
    throw new Error(`conformance: ${message}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`);
  }
}
