/**
 * DRF's RemoteUserAuthentication: trusts a username that a fronting proxy put in a header
 * (Cloudflare Access's `Cf-Access-Authenticated-User-Email`, an SSO gateway…).
 *
 * WARNING: anyone who can reach the app without passing through that proxy can send the
 * header themselves and log in as anyone. Use it only when the app is unreachable except
 * through a proxy that always overwrites (or strips) the header.
 */
import { type Authenticator, skip, success } from './authenticator.ts';
import { withoutUndefined } from '../options.ts';
import type { AuthUser, UserStore } from '../users/user-store.ts';

/** Options for `remoteUserAuth`. */
export interface RemoteUserAuthOptions<U extends AuthUser> {
  /** Finds the named user. Required. */
  readonly users: UserStore<U>;
  /** The header the proxy sets, e.g. `"Cf-Access-Authenticated-User-Email"`. Required: off unless named. */
  readonly header: string;
  /** `Identity.scheme` when this authenticator succeeds. Default `"remote-user"`. */
  readonly name?: string;
}

/**
 * Remote-user authentication. As in DRF, a missing header, an unknown user and an
 * inactive user all skip (the next authenticator is tried); it has no challenge.
 */
export function remoteUserAuth<U extends AuthUser>(options: RemoteUserAuthOptions<U>): Authenticator<U> {
  const { users, header, name } = { name: 'remote-user', ...withoutUndefined(options) };
  if (!users) throw new TypeError('remoteUserAuth: users is required');
  if (!header) throw new TypeError('remoteUserAuth: header is required');

  return {
    name,
    async authenticate(request) {
      const username = request.headers.get(header)?.trim();
      if (!username) return skip();
      const user = await users.findByUsername(username);
      return user && user.isActive ? success(user) : skip();
    },
  };
}
