/**
 * Activation (djoser's `users/activation/` and `users/resend_activation/`): registration with
 * activation on creates an inactive user and mails a link; the link's page POSTs its token
 * here; resending answers 202 whatever the address.
 */
import { LatchkeyError } from '../../errors.ts';
import type { AuthUser } from '../../users/user-store.ts';
import type { Endpoint, EndpointCall } from '../endpoint.ts';
import { validateCharFields } from '../fields.ts';
import { ValidationFailed } from '../http-errors.ts';
import { readRequestData } from '../request-body.ts';
import { noContent } from '../respond.ts';
import { type AccountDeps, PURPOSE } from './account.ts';
import { accepted, invalidToken, staleToken, TOKEN_FIELD } from './account-fields.ts';
import { emailField } from './email-field.ts';

/** `POST {prefix}/activate` `{"token"}`: 204, the user is active and the address verified. */
export function activate<U extends AuthUser>(deps: AccountDeps<U>): Endpoint<EndpointCall> {
  const { users, oneTime, throttle, maxBodyBytes, now } = deps;
  return async (call) => {
    const crowded = await throttle.byAddress(call.request, call.host);
    if (crowded) return crowded;
    const data = await readRequestData(call.request, maxBodyBytes);
    if (data instanceof LatchkeyError) return data;
    const fields = validateCharFields(data, [TOKEN_FIELD]);
    if (fields instanceof ValidationFailed) return fields;
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
  const { users, throttle, maxBodyBytes } = deps;
  return async (call) => {
    const crowded = await throttle.byAddress(call.request, call.host);
    if (crowded) return crowded;
    const data = await readRequestData(call.request, maxBodyBytes);
    if (data instanceof LatchkeyError) return data;
    const fields = validateCharFields(data, [emailField('email')]);
    if (fields instanceof ValidationFailed) return fields;
    const email = fields.email ?? '';
    const flooded = await throttle.byEmail(email);
    if (flooded) return flooded;
    deps.later(call, async () => {
      const user = await users.findByEmail(email);
      // To the stored address, never the typed one: they match only up to case.
      if (user && !user.isActive && user.email) await deps.mail('activation', user, user.email);
    });
    return accepted();
  };
}
