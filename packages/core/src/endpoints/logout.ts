/**
 * knox's LogoutView and LogoutAllView: revoke the token that authenticated the request,
 * or every token of its user (sessions included). 204 either way; a session-authenticated
 * logout also deletes the session cookies.
 */
import type { AuthUser } from '../users/user-store.ts';
import type { Endpoint, EndpointDeps, UserCall } from './endpoint.ts';
import { noContent } from './respond.ts';
import type { Sessions } from './session.ts';

function clearedCookies<U extends AuthUser>(sessions: Sessions<U> | null, call: UserCall<U>): Headers | undefined {
  return sessions !== null && call.scheme === sessions.authenticator.name ? sessions.clear() : undefined;
}

/**
 * `POST {prefix}/logout` (and `POST {prefix}/session/logout`). A request authenticated
 * without a token (Basic) has nothing to revoke and still gets 204.
 */
export function logout<U extends AuthUser>(
  deps: EndpointDeps<U>,
  sessions: Sessions<U> | null,
  via: 'logout' | 'session-logout',
): Endpoint<UserCall<U>> {
  return async (call) => {
    const { user, auth } = call;
    if (auth !== null && (await deps.tokens.revoke(auth.id))) {
      await deps.hooks.onTokenRevoked?.({ user, records: [auth], via }, call);
    }
    return noContent(clearedCookies(sessions, call));
  };
}

/** `POST {prefix}/logout-all`: every token of the user, and no one else's. */
export function logoutAll<U extends AuthUser>(deps: EndpointDeps<U>, sessions: Sessions<U> | null): Endpoint<UserCall<U>> {
  return async (call) => {
    const { user } = call;
    // Listed first, and only for the hook; revokeAll then also takes any token issued in between.
    const records = deps.hooks.onTokenRevoked ? await deps.tokens.list(user.id) : [];
    await deps.tokens.revokeAll(user.id);
    if (records.length > 0) await deps.hooks.onTokenRevoked?.({ user, records, via: 'logout-all' }, call);
    return noContent(clearedCookies(sessions, call));
  };
}
