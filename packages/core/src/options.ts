/**
 * Drops keys whose value is `undefined`, so that `{ ...defaults, ...withoutUndefined(user) }`
 * resolves options into a new object without an explicit `undefined` erasing a default.
 * The caller's object is never written to.
 */
export function withoutUndefined<T extends object>(options: T): T {
  return Object.fromEntries(Object.entries(options).filter(([, value]) => value !== undefined)) as T;
}
