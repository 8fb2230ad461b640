import type { TokenStore } from '@latchkey/core';

/** A token store that counts every call made to it, and how many. */
export interface CountingTokenStore {
  readonly store: TokenStore;
  /** Calls to any method so far. */
  calls(): number;
}

/**
 * Wraps `store` so that a run can prove which requests reached it: the garbage-token path
 * must show zero calls, because the checksum refuses garbage before any lookup. The
 * wrapper adds no promise of its own, so it costs a counter increment per call.
 */
export function countingTokenStore(store: TokenStore): CountingTokenStore {
  let calls = 0;
  return {
    calls: () => calls,
    store: {
      insert: (record, limit) => (calls++, store.insert(record, limit)),
      findByDigest: (digest) => (calls++, store.findByDigest(digest)),
      touch: (id, changes) => (calls++, store.touch(id, changes)),
      revoke: (id, at) => (calls++, store.revoke(id, at)),
      revokeForUser: (userId, at) => (calls++, store.revokeForUser(userId, at)),
      listForUser: (userId) => (calls++, store.listForUser(userId)),
      purgeExpired: (now, revokedBefore) => (calls++, store.purgeExpired(now, revokedBefore)),
      ...(store.revokedSince && {
        revokedSince: (since: number, limit: number) => (calls++, store.revokedSince!(since, limit)),
      }),
      ...(store.findWithUser &&
        store.joinedUsers && {
          findWithUser: (digest: string) => (calls++, store.findWithUser!(digest)),
          joinedUsers: store.joinedUsers,
        }),
    },
  };
}
