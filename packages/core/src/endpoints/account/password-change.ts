/**
 * Password change (djoser's `users/set_password/`): the current password and a new one that
 * passes the password rules. The user's pending one-time tokens (reset, email change) die
 * with the old password, and so, unless `revokeOtherTokens: false`, do their other tokens
 * and sessions: whoever else held one loses it, the caller keeps the one in use (djoser's
 * LOGOUT_ON_PASSWORD_CHANGE logs the caller out instead).
 */
import { LatchkeyError } from '../../errors.ts';
import type { AuthUser } from '../../users/user-store.ts';
import type { Endpoint, UserCall } from '../endpoint.ts';
import { validateCharFields } from '../fields.ts';
import { ValidationFailed } from '../http-errors.ts';
import { readRequestData } from '../request-body.ts';
import { noContent } from '../respond.ts';
import type { AccountDeps } from './account.ts';
import { invalidPassword, password } from './account-fields.ts';

const FIELDS = [password('current_password'), password('new_password')];

/** `POST {prefix}/password/change` `{"current_password", "new_password"}`: 204. */
export function changePassword<U extends AuthUser>(deps: AccountDeps<U>): Endpoint<UserCall<U>> {
  const { users, passwords, tokens, oneTime, rules, throttle, maxBodyBytes, revokeOtherTokens } = deps;
  return async (call) => {
    const { user } = call;
    // A stolen token must not become a fast oracle for the password.
    const crowded = await throttle.byUser(user.id);
    if (crowded) return crowded;
    const data = await readRequestData(call.request, maxBodyBytes);
    if (data instanceof LatchkeyError) return data;
    const fields = validateCharFields(data, FIELDS);
    if (fields instanceof ValidationFailed) return fields;
    const { current_password: current = '', new_password: next = '' } = fields;
    if (!(await passwords.verify(current, await users.getPasswordHash(user.id)))) return invalidPassword();
    const problems = rules(next, user.username);
    if (problems.length > 0) return new ValidationFailed({ new_password: problems });

    await users.setPasswordHash(user.id, await passwords.hash(next));
    await oneTime.revokeForUser(user.id);
    if (revokeOtherTokens) {
      const keep = call.auth?.id;
      for (const record of await tokens.list(user.id)) if (record.id !== keep) await tokens.revoke(record.id);
    }
    return noContent();
  };
}
