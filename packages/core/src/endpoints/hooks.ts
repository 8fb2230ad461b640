/**
 * Lifecycle hooks: DRF's signals (post_save on the user, knox's user_logged_in/out) as
 * plain functions. Every hook may be async and is awaited before the response is sent.
 *
 * What a throwing hook does (the answer is always 503, the error goes to `onError`):
 * - `onUserCreated`: registration is undone — any token it issued is revoked and the user
 *   is deleted when the user store has a `deleteUser(id)` method (MemoryUserStore does).
 * - `onTokenCreated`: the token is revoked before anyone saw it.
 * - `onTokenRevoked`: the revocation stands. Undoing it would hand back access the caller
 *   asked to end; the 503 tells the caller that the follow-up did not run.
 * - `onLoginFailed`: nothing to undo; the login stays refused.
 *
 * Hooks never receive a plaintext token or a password.
 */
import type { HostContext } from '../schemes/authenticator.ts';
import type { CredentialRejection } from '../users/credentials.ts';
import type { TokenRecord } from '../tokens/token-store.ts';
import type { AuthUser } from '../users/user-store.ts';

/** The request a hook runs for. Its body has been read already. */
export interface HookContext {
  readonly request: Request;
  readonly host: HostContext;
}

/** A user registered through the endpoints. */
export interface UserCreatedEvent<U extends AuthUser> {
  readonly user: U;
}

/** A token was issued: by `POST /token`, a session login, or registration. */
export interface TokenCreatedEvent<U extends AuthUser> {
  readonly user: U;
  readonly record: TokenRecord;
  readonly via: 'token' | 'session' | 'register';
}

/** Tokens were revoked; `records` are the ones that were live at the time. */
export interface TokenRevokedEvent<U extends AuthUser> {
  readonly user: U;
  readonly records: readonly TokenRecord[];
  readonly via: 'logout' | 'logout-all' | 'revoke' | 'session-logout' | 'password-change' | 'password-reset';
}

/**
 * A login was refused for its credentials (not for malformed input or a throttle).
 * `reason` is for the server's eyes only: the client always reads DRF's one message.
 */
export interface LoginFailedEvent {
  readonly username: string;
  readonly reason: CredentialRejection;
  readonly via: 'token' | 'session';
}

/** The hooks `createAuthEndpoints` calls. All optional; each may return a promise. */
export interface AuthHooks<U extends AuthUser = AuthUser> {
  /** After a user is registered, before a token is issued for them. */
  readonly onUserCreated?: (event: UserCreatedEvent<U>, context: HookContext) => void | Promise<void>;
  /** After a token is stored, before it is sent. */
  readonly onTokenCreated?: (event: TokenCreatedEvent<U>, context: HookContext) => void | Promise<void>;
  /** After tokens are revoked. */
  readonly onTokenRevoked?: (event: TokenRevokedEvent<U>, context: HookContext) => void | Promise<void>;
  /** After credentials are refused, before the 400 is sent. */
  readonly onLoginFailed?: (event: LoginFailedEvent, context: HookContext) => void | Promise<void>;
}

/**
 * Runs `undo` steps after `error` and rethrows it, so a failed step leaves nothing half
 * done. A failing undo is not swallowed: both errors travel on in an `AggregateError`.
 */
export async function rollBack(error: unknown, ...undo: (() => Promise<unknown>)[]): Promise<never> {
  const failures: unknown[] = [];
  for (const step of undo) {
    try {
      await step();
    } catch (undoError) {
      failures.push(undoError);
    }
  }
  if (failures.length > 0) throw new AggregateError([error, ...failures], 'rolling back after a failure failed too');
  throw error;
}
