/**
 * `POST {prefix}/token`: DRF's obtain_auth_token with knox's answer. Each login issues a
 * new token, since hashed tokens cannot be shown twice: 200
 * `{"token", "expiry", "user"}`, or 403 at the per-user limit. A user with a second factor
 * gets the interim answer instead (see `second-factor/second-factor-login.ts`).
 */
import { LatchkeyError } from '../errors.ts';
import { jsonResponse } from '../response.ts';
import type { AuthUser } from '../users/user-store.ts';
import type { Endpoint, EndpointCall, EndpointDeps } from './endpoint.ts';
import { issueToken } from './issue-token.ts';
import type { Login } from './login.ts';
import { isoTime } from './respond.ts';
import type { SecondFactorLogin } from './second-factor/second-factor-login.ts';

/** The obtain-token endpoint: the credentials, then the second-factor gate. */
export function obtainToken<U extends AuthUser>(login: Login<U>, gate: SecondFactorLogin<U>): Endpoint<EndpointCall> {
  return async (call) => {
    const user = await login(call, 'token');
    if (user instanceof LatchkeyError) return user;
    return gate.admit(call, user, 'token');
  };
}

/** The token endpoint's answer for a user who has proved who they are. */
export function grantToken<U extends AuthUser>(deps: EndpointDeps<U>): (call: EndpointCall, user: U) => Promise<Response | LatchkeyError> {
  return async (call, user) => {
    // Serialised before the token exists, so a throwing serializer cannot strand one.
    const body = deps.serializeUser(user);
    const issued = await issueToken(deps, call, user, {}, 'token');
    if (issued instanceof LatchkeyError) return issued;
    return jsonResponse({ token: issued.token, expiry: isoTime(issued.record.expiresAt), user: body });
  };
}
