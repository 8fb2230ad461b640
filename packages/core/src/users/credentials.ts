/**
 * Checking a username and password against a `UserStore`: the one routine behind Basic
 * authentication and the login endpoints, so both refuse alike and cost alike.
 */
import type { PasswordHasher } from './password.ts';
import type { AuthUser, UserStore } from './user-store.ts';
import { normalizeUsername } from './username.ts';

/** Why a username and password were refused; for logs and hooks, never for the client. */
export type CredentialRejection = 'unknown-user' | 'wrong-password' | 'inactive';

/** The user the credentials prove, or why they prove nothing. */
export type CredentialCheck<U extends AuthUser> =
  | { readonly ok: true; readonly user: U }
  | { readonly ok: false; readonly reason: CredentialRejection };

/**
 * Checks `password` for `username`. The username is looked up in its normalised form (NFKC,
 * as it was stored at registration). An unknown user still costs one password hash, and an
 * inactive one is refused only after the hash, so timing tells nobody which usernames exist
 * or are disabled. A password with a NUL character is refused at the same cost: HMAC pads a
 * short key with zero bytes, so to PBKDF2 `"secret\0"` is the very same key as `"secret"`.
 * A hash made with other parameters than today's is upgraded on success. Store failures
 * throw (the caller answers 503).
 */
export async function checkCredentials<U extends AuthUser>(
  users: UserStore<U>,
  passwords: PasswordHasher,
  username: string,
  password: string,
): Promise<CredentialCheck<U>> {
  const user = await users.findByUsername(normalizeUsername(username));
  const hash = user ? await users.getPasswordHash(user.id) : null;
  // Against no hash, verify spends the same derivation and says false.
  const valid = await passwords.verify(password, password.includes('\0') ? null : hash);
  if (!user) return { ok: false, reason: 'unknown-user' };
  if (!valid) return { ok: false, reason: 'wrong-password' };
  if (!user.isActive) return { ok: false, reason: 'inactive' };
  if (hash && passwords.needsRehash(hash)) await users.setPasswordHash(user.id, await passwords.hash(password));
  return { ok: true, user };
}
