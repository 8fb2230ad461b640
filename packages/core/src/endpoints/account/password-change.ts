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
import { ValidationFailed } from '../http-errors.ts';
import { noContent } from '../respond.ts';
import type { AccountDeps } from './account.ts';
import { invalidPassword, password } from './account-fields.ts';
import { accountInput } from './account-input.ts';

const FIELDS = [password('current_password'), password('new_password')];

/** `POST {prefix}/password/change` `{"current_password", "new_password"}`: 204. */
export function changePassword<U extends AuthUser>(deps: AccountDeps<U>): Endpoint<UserCall<U>> {
  const { users, passwords, tokens, oneTime, rules, throttle, hooks, revokeOtherTokens } = deps;
  return async (call) => {
    const { user } = call;
    // A stolen token must not become a fast oracle for the password.
    const fields = await accountInput(deps, call, () => throttle.byUser(user.id), FIELDS);
    if (fields instanceof LatchkeyError) return fields;
    const { current_password: current = '', new_password: next = '' } = fields;
    if (!(await passwords.verify(current, await users.getPasswordHash(user.id)))) return invalidPassword();
    const problems = rules(next, user.username);
    if (problems.length > 0) return new ValidationFailed({ new_password: problems });

    await users.setPasswordHash(user.id, await passwords.hash(next));
    await oneTime.revokeForUser(user.id);
    if (revokeOtherTokens) {
      const keep = call.auth?.id;
      const revoked = [];
      for (const record of await tokens.list(user.id)) {
        if (record.id !== keep && (await tokens.revoke(record.id))) revoked.push(record);
      }
      if (revoked.length > 0) await hooks.onTokenRevoked?.({ user, records: revoked, via: 'password-change' }, call);
    }
    return noContent();
  };
}
