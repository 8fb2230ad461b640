/**
 * Activation (djoser's `users/activation/` and `users/resend_activation/`): registration with
 * activation on creates an inactive user and mails a link; the link's page POSTs its token
 * here; resending answers 202 whatever the address.
 */
import { LatchkeyError } from '../../errors.ts';
import type { AuthUser } from '../../users/user-store.ts';
import type { Endpoint, EndpointCall } from '../endpoint.ts';
import { noContent } from '../respond.ts';
import { type AccountDeps, PURPOSE } from './account.ts';
import { invalidToken, staleToken, TOKEN_FIELD } from './account-fields.ts';
import { accountInput, mailToAddress } from './account-input.ts';

/** `POST {prefix}/activate` `{"token"}`: 204, the user is active and the address verified. */
export function activate<U extends AuthUser>(deps: AccountDeps<U>): Endpoint<EndpointCall> {
  const { users, oneTime, throttle, now } = deps;
  return async (call) => {
    const fields = await accountInput(deps, call, () => throttle.byAddress(call.request, call.host), [TOKEN_FIELD]);
    if (fields instanceof LatchkeyError) return fields;
    const redeemed = await oneTime.redeem(fields.token ?? '', PURPOSE.activation, deps.bound(PURPOSE.activation));
    if (!redeemed.ok) return invalidToken();
    const user = await users.findById(redeemed.record.userId);
    if (!user) return invalidToken();
    if (user.isActive) return staleToken();
    if (!(await users.updateUser(user.id, { isActive: true, emailVerifiedAt: now() }))) return invalidToken();
    return noContent();
  };
}

/** `POST {prefix}/activate/resend` `{"email"}`: 202; an inactive user with that address gets a new link. */
export function resendActivation<U extends AuthUser>(deps: AccountDeps<U>): Endpoint<EndpointCall> {
  return mailToAddress(deps, 'activation', (user) => !user.isActive);
}
