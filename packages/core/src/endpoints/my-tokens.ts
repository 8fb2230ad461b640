/**
 * The caller's own tokens: `GET {prefix}/tokens` lists them (never a secret or a digest),
 * `DELETE {prefix}/tokens/:id` revokes one. Another user's id is 404, exactly like an
 * unknown one, so ids of other users' tokens cannot be probed.
 */
import { jsonResponse } from '../response.ts';
import type { TokenRecord } from '../tokens/token-store.ts';
import type { AuthUser } from '../users/user-store.ts';
import type { Endpoint, EndpointDeps, UserCall } from './endpoint.ts';
import { NotFound } from './http-errors.ts';
import { isoTime, noContent } from './respond.ts';

/** A token as its owner sees it: `current` marks the one making this request. */
function describe(record: TokenRecord, currentId: string | undefined) {
  return {
    id: record.id,
    name: record.name,
    scopes: record.scopes,
    created: isoTime(record.createdAt),
    expiry: isoTime(record.expiresAt),
    last_used: isoTime(record.lastUsedAt),
    current: record.id === currentId,
  };
}

/** `GET {prefix}/tokens`: the caller's live API tokens, oldest first; sessions are not listed. */
export function listMyTokens<U extends AuthUser>(deps: EndpointDeps<U>): Endpoint<UserCall<U>> {
  return async ({ user, auth }) =>
    jsonResponse((await deps.tokens.list(user.id, 'api')).map((record) => describe(record, auth?.id)));
}

/** `DELETE {prefix}/tokens/:id`: 204, or 404 when the caller owns no live API token with that id. */
export function revokeMyToken<U extends AuthUser>(deps: EndpointDeps<U>): Endpoint<UserCall<U>> {
  return async (call) => {
    const { user, params } = call;
    const record = (await deps.tokens.list(user.id, 'api')).find((candidate) => candidate.id === params.id);
    if (!record || !(await deps.tokens.revoke(record.id))) return new NotFound();
    await deps.hooks.onTokenRevoked?.({ user, records: [record], via: 'revoke' }, call);
    return noContent();
  };
}
