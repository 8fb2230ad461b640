/** What every endpoint is handed: the call, and the options it shares with the others. */
import type { HostContext } from '../schemes/authenticator.ts';
import type { LatchkeyError } from '../errors.ts';
import type { PasswordHasher } from '../users/password.ts';
import type { TokenService } from '../tokens/token-service.ts';
import type { TokenRecord } from '../tokens/token-store.ts';
import type { AuthUser, UserStore } from '../users/user-store.ts';
import type { AuthHooks, HookContext } from './hooks.ts';

/** One request to an open route. */
export interface EndpointCall extends HookContext {
  /** Path parameters, e.g. `id` of `/tokens/:id`. */
  readonly params: Readonly<Record<string, string>>;
}

/** One request to a route that needs a user: the pipeline has authenticated it. */
export interface UserCall<U extends AuthUser> extends EndpointCall {
  readonly user: U;
  /** The token that authenticated the request; null for schemes without one (Basic). */
  readonly auth: TokenRecord | null;
  /** The `name` of the authenticator that succeeded. */
  readonly scheme: string;
}

/** An endpoint answers with a response or a refusal; a throw means a store or hook failed. */
export type Endpoint<C> = (call: C) => Promise<Response | LatchkeyError>;

/** The resolved options every endpoint reads. */
export interface EndpointDeps<U extends AuthUser> {
  readonly tokens: TokenService;
  readonly users: UserStore<U>;
  readonly passwords: PasswordHasher;
  readonly hooks: AuthHooks<U>;
  readonly serializeUser: (user: U) => unknown;
  readonly maxBodyBytes: number;
}
