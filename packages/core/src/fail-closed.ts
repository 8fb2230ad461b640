/**
 * Failing closed, in one place: an exception from a store or a hook becomes a 503 refusal,
 * never access and never a 500. Whoever is told gets the error, never a credential (stores
 * only ever see digests).
 */
import { StoreUnavailable } from './errors.ts';

/** The default `onError`: one line on the console, with the error for its stack. */
export const logStoreFailure = (error: unknown): void =>
  console.error('[latchkey] store or hook failed; refusing with 503:', error);

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
