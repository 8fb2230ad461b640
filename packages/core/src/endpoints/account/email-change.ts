/**
 * Email change, confirmed from the new address before it takes effect (djoser's
 * `users/set_email/` changes it at once). The request needs the current password and answers
 * 202 whether or not the new address is free: a taken address gets no mail, so the answer
 * does not tell whose it is. The link is bound to the address it replaces; confirming sets
 * the new one as verified and, unless `notifyEmailChange: false`, tells the old one.
 */
import { LatchkeyError } from '../../errors.ts';
import type { AuthUser } from '../../users/user-store.ts';
import type { Endpoint, EndpointCall, UserCall } from '../endpoint.ts';
import { noContent } from '../respond.ts';
import { type AccountDeps, PURPOSE } from './account.ts';
import { accepted, emailTaken, invalidPassword, invalidToken, password, TOKEN_FIELD } from './account-fields.ts';
import { accountInput } from './account-input.ts';
import { emailField } from './email-field.ts';

const REQUEST_FIELDS = [password('current_password'), emailField('new_email')];

/** `POST {prefix}/email/change` `{"current_password", "new_email"}`: 202; the new address gets a link. */
export function requestEmailChange<U extends AuthUser>(deps: AccountDeps<U>): Endpoint<UserCall<U>> {
  const { users, passwords, throttle } = deps;
  return async (call) => {
    const { user } = call;
    const fields = await accountInput(deps, call, () => throttle.byUser(user.id), REQUEST_FIELDS);
    if (fields instanceof LatchkeyError) return fields;
    const { current_password: current = '', new_email: email = '' } = fields;
    if (!(await passwords.verify(current, await users.getPasswordHash(user.id)))) return invalidPassword();
    const flooded = await throttle.byEmail(email);
    if (flooded) return flooded;
    deps.later(call, async () => {
      if (!(await users.findByEmail(email))) await deps.mail('email-change', user, email, email);
    });
    return accepted('A message has been sent to the new address, unless it belongs to another account.');
  };
}

/** `POST {prefix}/email/change/confirm` `{"token"}`: 204, the new address is the user's, verified. */
export function confirmEmailChange<U extends AuthUser>(deps: AccountDeps<U>): Endpoint<EndpointCall> {
  const { users, oneTime, throttle, now, notifyEmailChange } = deps;
  return async (call) => {
    const fields = await accountInput(deps, call, () => throttle.byAddress(call.request, call.host), [TOKEN_FIELD]);
    if (fields instanceof LatchkeyError) return fields;
    const redeemed = await oneTime.redeem(fields.token ?? '', PURPOSE.emailChange, deps.bound(PURPOSE.emailChange));
    const user = redeemed.ok ? await users.findById(redeemed.record.userId) : null;
    const email = redeemed.ok ? redeemed.record.data : null;
    if (!user || email === null) return invalidToken();
    // Someone may have taken the address since the link was mailed; the store decides atomically.
    if (!(await users.updateUser(user.id, { email, emailVerifiedAt: now() }))) return emailTaken('new_email');
    const old = user.email;
    if (notifyEmailChange && old) deps.later(call, () => deps.mail('email-changed', user, old, email));
    return noContent();
  };
}
