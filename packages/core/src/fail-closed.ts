/**
 * Failing closed, in one place: an exception from a store or a hook becomes a 503 refusal,
 * never access and never a 500. Whoever is told gets the error, never a credential (stores
 * only ever see digests).
 *
 * Why the default logger scrubs: a store's error may quote what it was given. Drizzle's own
 * query errors print the statement's parameters, a token digest among them; a custom store
 * may do the same. A digest is no plaintext token, but it is the lookup key of a live one and
 * has no place in a log, so the default prints long runs of key-like characters as
 * `[redacted]`. A custom `onError` receives the error untouched and takes that care itself.
 */
import { StoreUnavailable } from './errors.ts';

// Digests, salts, hashes and keys: 16 or more hex or base64 characters in a row, a digit
// among them. Words and error codes (SQLITE_CONSTRAINT_PRIMARYKEY, ECONNREFUSED) have none.
const KEY_LIKE = /(?=[A-Za-z0-9+/=_-]*[0-9])[A-Za-z0-9+/=_-]{16,}/g;
const FRAME = /^\s+at /;

/** `text` with every key-like run replaced by `[redacted]`. */
export function scrubSecrets(text: string): string {
  return text.replace(KEY_LIKE, '[redacted]');
}

/** The error's name, scrubbed message and stack frames, then its causes the same way. */
function describeError(error: unknown, depth = 0): string {
  if (!(error instanceof Error)) return scrubSecrets(String(error));
  const frames = (error.stack ?? '').split('\n').filter((line) => FRAME.test(line));
  let text = [`${error.name}: ${scrubSecrets(error.message)}`, ...frames].join('\n');
  if (depth >= 8) return text;
  if (error instanceof AggregateError) {
    for (const inner of error.errors) text += `\n  [error] ${describeError(inner, depth + 1)}`;
  }
  if (error.cause !== undefined) text += `\n  [cause] ${describeError(error.cause, depth + 1)}`;
  return text;
}

/**
 * The default `onError`: one entry on the console with the error's name, message, stack and
 * causes, long key-like runs redacted (see above).
 */
export const logStoreFailure = (error: unknown): void =>
  console.error(`[latchkey] store or hook failed; refusing with 503: ${describeError(error)}`);

/** Tells `onError` about `error` and returns the refusal to answer with. */
export function failClosed(error: unknown, onError: (error: unknown) => void): StoreUnavailable {
  try {
    onError(error);
  } catch (loggingError) {
    // A failing logger must not turn the 503 into a crash; keep both for whoever inspects it.
    return new StoreUnavailable(new AggregateError([error, loggingError], 'onError threw while reporting a failure'));
  }
  return new StoreUnavailable(error);
}
