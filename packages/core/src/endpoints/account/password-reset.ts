/**
 * Password reset (djoser's `users/reset_password/` and `users/reset_password_confirm/`).
 *
 * The request answers 202 with the same body whatever the address, and looks the address up
 * only after the answer is ready, so neither the answer nor its timing tells who has an
 * account (djoser's issues #656 and #658). The link goes to the address as stored, never as
 * typed. Confirming sets the new password under the password rules, then revokes every token
 * of the user: API tokens, sessions and the other one-time tokens. The reset token is bound
 * to the password hash, so any password change, by any path, kills it.
 */
import { LatchkeyError } from '../../errors.ts';
import type { AuthUser } from '../../users/user-store.ts';
import type { Endpoint, EndpointCall } from '../endpoint.ts';
import { ValidationFailed } from '../http-errors.ts';
import { noContent } from '../respond.ts';
import { type AccountDeps, PURPOSE } from './account.ts';
import { invalidToken, password, TOKEN_FIELD } from './account-fields.ts';
import { accountInput, mailToAddress } from './account-input.ts';

/** `POST {prefix}/password/reset` `{"email"}`: 202; an active user with that address gets a link. */
export function requestPasswordReset<U extends AuthUser>(deps: AccountDeps<U>): Endpoint<EndpointCall> {
  return mailToAddress(deps, 'password-reset', (user) => user.isActive);
}

const CONFIRM_FIELDS = [TOKEN_FIELD, password('new_password')];

/** `POST {prefix}/password/reset/confirm` `{"token", "new_password"}`: 204, password set, all tokens revoked. */
export function confirmPasswordReset<U extends AuthUser>(deps: AccountDeps<U>): Endpoint<EndpointCall> {
  const { users, oneTime, tokens, passwords, rules, throttle, hooks, now } = deps;
  const bound = deps.bound(PURPOSE.reset);
  return async (call) => {
    const fields = await accountInput(deps, call, () => throttle.byAddress(call.request, call.host), CONFIRM_FIELDS);
    if (fields instanceof LatchkeyError) return fields;
    const { token = '', new_password: newPassword = '' } = fields;
    // Checked before it is used up, so a password the rules refuse leaves the link working.
    const checked = await oneTime.check(token, PURPOSE.reset, bound);
    const user = checked.ok ? await users.findById(checked.record.userId) : null;
    if (!user) return invalidToken();
    const problems = rules(newPassword, user.username);
    if (problems.length > 0) return new ValidationFailed({ new_password: problems });
    // Of two concurrent confirms only one gets past this line.
    if (!(await oneTime.redeem(token, PURPOSE.reset, bound)).ok) return invalidToken();
    await users.setPasswordHash(user.id, await passwords.hash(newPassword));
    // Listed first, and only for the hook; revokeAll then also takes any token issued in between.
    const records = hooks.onTokenRevoked ? await tokens.list(user.id) : [];
    await tokens.revokeAll(user.id);
    if (records.length > 0) await hooks.onTokenRevoked?.({ user, records, via: 'password-reset' }, call);
    await oneTime.revokeForUser(user.id);
    // The link reached the mailbox: the address is proved.
    if (user.emailVerifiedAt == null) await users.updateUser(user.id, { emailVerifiedAt: now() });
    return noContent();
  };
}
