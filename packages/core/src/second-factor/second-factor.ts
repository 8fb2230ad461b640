/**
 * The second factor as the login paths see it. Core knows only this: whether a user must
 * pass one, and whether a code passes. What the factor is (TOTP in `@latchkey/two-factor`,
 * anything else an app writes) stays outside core, with its dependencies.
 *
 * Every way of proving a password or a mailbox (the token endpoint, the session login,
 * Basic authentication, emailed codes and magic links) asks `isRequired` before it issues a
 * token or admits a request. Nothing else in core lets a user with a second factor in.
 */
import type { Throttled } from '../errors.ts';

/** A second factor. Both methods MUST throw only when storage fails; the caller then answers 503. */
export interface SecondFactor {
  /** True when `userId` must pass the second factor before any login succeeds. */
  isRequired(userId: string): Promise<boolean>;
  /**
   * Checks `code` for `userId`. True at most once per code: a TOTP code once per time step,
   * a backup code once. A `Throttled` when the user's attempts are used up for now.
   */
  verify(userId: string, code: string): Promise<boolean | Throttled>;
}
