/** How every account endpoint starts: its throttle, then the body, then its fields. */
import { LatchkeyError, type Throttled } from '../../errors.ts';
import type { AuthUser } from '../../users/user-store.ts';
import type { Endpoint, EndpointCall } from '../endpoint.ts';
import { type CharField, validateCharFields } from '../fields.ts';
import { readRequestData } from '../request-body.ts';
import type { AccountDeps } from './account.ts';
import type { AccountMailKind } from './account-mail.ts';
import { accepted } from './account-fields.ts';
import { emailField } from './email-field.ts';

/**
 * Runs `throttle` before anything is read, then reads the body and its `fields`: their cleaned
 * values, or the refusal to answer with.
 */
export async function accountInput<U extends AuthUser>(
  deps: AccountDeps<U>,
  call: EndpointCall,
  throttle: () => Promise<Throttled | null>,
  fields: readonly CharField[],
): Promise<Readonly<Record<string, string>> | LatchkeyError> {
  const crowded = await throttle();
  if (crowded) return crowded;
  const data = await readRequestData(call.request, deps.maxBodyBytes);
  if (data instanceof LatchkeyError) return data;
  return validateCharFields(data, fields);
}

const EMAIL = [emailField('email')];

/**
 * A request `{"email"}` that mails a `kind` link to the user with that address when `wanted`
 * says so: 202 with the same body whoever has the address, looked up after the answer. The
 * link goes to the address as stored, never as typed: they match only up to case.
 */
export function mailToAddress<U extends AuthUser>(
  deps: AccountDeps<U>,
  kind: AccountMailKind,
  wanted: (user: U) => boolean,
): Endpoint<EndpointCall> {
  const { users, throttle } = deps;
  return async (call) => {
    const fields = await accountInput(deps, call, () => throttle.byAddress(call.request, call.host), EMAIL);
    if (fields instanceof LatchkeyError) return fields;
    const email = fields.email ?? '';
    const flooded = await throttle.byEmail(email);
    if (flooded) return flooded;
    deps.later(call, async () => {
      const user = await users.findByEmail(email);
      if (user?.email && wanted(user)) await deps.mail(kind, user, user.email);
    });
    return accepted();
  };
}
