/** Issuing a token for a user who just proved who they are, with knox's per-user limit. */
import { PermissionDenied } from '../errors.ts';
import type { CreateTokenInput } from '../tokens/token-service.ts';
import type { TokenRecord } from '../tokens/token-store.ts';
import type { AuthUser } from '../users/user-store.ts';
import type { EndpointCall, EndpointDeps } from './endpoint.ts';
import { rollBack, type TokenCreatedEvent } from './hooks.ts';

/** A token to hand to the client: `token` is the only copy of the plaintext. */
export interface IssuedToken {
  readonly token: string;
  readonly record: TokenRecord;
}

/**
 * Issues a token and tells `onTokenCreated`. If the hook throws, the token is revoked
 * before its plaintext leaves the server, so a failed login leaves no live token behind.
 * At the per-user limit: 403 with knox's wording.
 */
export async function issueToken<U extends AuthUser>(
  deps: EndpointDeps<U>,
  call: EndpointCall,
  user: U,
  input: CreateTokenInput,
  via: TokenCreatedEvent<U>['via'],
): Promise<IssuedToken | PermissionDenied> {
  const created = await deps.tokens.create(user.id, input);
  if (!created.ok) return new PermissionDenied('Maximum amount of tokens allowed per user exceeded.');
  const { token, record } = created;
  try {
    await deps.hooks.onTokenCreated?.({ user, record, via }, call);
  } catch (error) {
    await rollBack(error, () => deps.tokens.revoke(record.id));
  }
  return { token, record };
}
