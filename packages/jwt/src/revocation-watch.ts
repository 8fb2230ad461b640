/**
 * How an instance learns that access tokens were revoked, without a store query per
 * request. Access tokens are stateless, so a revoked family's access tokens would live
 * until `exp`; instead each instance keeps the set of revoked families and refreshes it
 * from a small query at most once per `interval`, one query at a time (single flight).
 *
 * The promise, which tests hold it to:
 * - revoked through this instance: refused at once (`add` needs no query);
 * - revoked on another instance: refused within `interval` of the revocation;
 * - the query failing: the check throws, and the request is refused with 503, never
 *   admitted on stale knowledge older than `interval`.
 */

/** Options for `createRevocationWatch`. */
export interface RevocationWatchOptions {
  /** The small query: ids revoked and still mattering at `now` (`RefreshTokenStore.revokedFamilies`). Required. */
  readonly revoked: (now: number) => Promise<readonly string[]>;
  /** Milliseconds between queries, and so the bound on learning a remote revocation. Default `10_000`. */
  readonly interval?: number;
  /** Clock, milliseconds since the epoch. Default `Date.now`. */
  readonly now?: () => number;
}

/** The per-instance view of revocations. */
export interface RevocationWatch {
  /** True when `id` is revoked as far as this instance knows (querying first if the view is stale). */
  isRevoked(id: string): Promise<boolean>;
  /** Records revocations made by this instance, effective at once; `until` is when they stop mattering. */
  add(ids: readonly string[], until: number): void;
}

/** Builds a watch; an invalid interval throws a `RangeError` here. */
export function createRevocationWatch(options: RevocationWatchOptions): RevocationWatch {
  const { revoked, interval = 10_000, now = Date.now } = options;
  if (typeof revoked !== 'function') throw new TypeError('createRevocationWatch: revoked is required');
  if (!Number.isFinite(interval) || interval < 0) throw new RangeError('createRevocationWatch: interval must be a non-negative number of milliseconds');

  let known: ReadonlySet<string> = new Set();
  let fetchedAt = -Infinity;
  let inflight: Promise<void> | null = null;
  const local = new Map<string, number>();

  const refresh = () => {
    inflight ??= (async () => {
      const startedAt = now();
      try {
        known = new Set(await revoked(startedAt));
        fetchedAt = startedAt;
      } finally {
        inflight = null;
      }
    })();
    return inflight;
  };

  return {
    async isRevoked(id) {
      const at = now();
      const until = local.get(id);
      if (until !== undefined) {
        if (until > at) return true;
        local.delete(id);
      }
      if (at - fetchedAt >= interval) await refresh();
      return known.has(id);
    },
    add(ids, until) {
      for (const id of ids) local.set(id, Math.max(local.get(id) ?? 0, until));
    },
  };
}
