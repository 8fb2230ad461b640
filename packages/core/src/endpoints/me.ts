/** `GET {prefix}/me`: the authenticated user, as `serializeUser` shows it (djoser's users/me). */
import { jsonResponse } from '../response.ts';
import type { AuthUser } from '../users/user-store.ts';
import type { Endpoint, EndpointDeps, UserCall } from './endpoint.ts';

/** The current-user endpoint. */
export function me<U extends AuthUser>(deps: EndpointDeps<U>): Endpoint<UserCall<U>> {
  return async ({ user }) => jsonResponse(deps.serializeUser(user));
}
