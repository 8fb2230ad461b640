/**
 * Checking a username and password, shared by `POST /token` and the session login: DRF's
 * AuthTokenSerializer (its field errors and its one refusal) behind the login throttle.
 */
import { checkCredentials } from '../users/credentials.ts';
import { LatchkeyError } from '../errors.ts';
import type { AuthUser } from '../users/user-store.ts';
import { normalizeUsername } from '../users/username.ts';
import type { EndpointCall, EndpointDeps } from './endpoint.ts';
import { validateCharFields } from './fields.ts';
import type { LoginFailedEvent } from './hooks.ts';
import { ValidationFailed } from './http-errors.ts';
import type { LoginThrottle } from './login-throttle.ts';
import { readRequestData } from './request-body.ts';

/** Checks the credentials in the request's body: the user, or why not. */
export type Login<U extends AuthUser> = (call: EndpointCall, via: LoginFailedEvent['via']) => Promise<U | LatchkeyError>;

const CREDENTIALS = [{ name: 'username' }, { name: 'password', trim: false }] as const;

/** Builds the credential check: field errors, throttles, then core's `checkCredentials`. */
export function createLogin<U extends AuthUser>(deps: EndpointDeps<U>, throttle: LoginThrottle): Login<U> {
  const { users, passwords, hooks, maxBodyBytes } = deps;
  return async (call, via) => {
    const { request, host } = call;
    const crowded = await throttle.loginByAddress(request, host);
    if (crowded) return crowded;
    const data = await readRequestData(request, maxBodyBytes);
    if (data instanceof LatchkeyError) return data;
    const fields = validateCharFields(data, CREDENTIALS);
    if (fields instanceof ValidationFailed) return fields;
    const { password = '' } = fields;
    // Normalised before the throttle too, so `ａｌｉｃｅ` counts against alice's limit.
    const username = normalizeUsername(fields.username ?? '');
    const guessed = await throttle.loginByUsername(username);
    if (guessed) return guessed;

    const checked = await checkCredentials(users, passwords, username, password);
    if (!checked.ok) {
      await hooks.onLoginFailed?.({ username, reason: checked.reason, via }, call);
      return new ValidationFailed({ non_field_errors: ['Unable to log in with provided credentials.'] });
    }
    return checked.user;
  };
}
