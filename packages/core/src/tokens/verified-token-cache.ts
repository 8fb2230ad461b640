/**
 * The verified-token cache: tokens this instance verified recently, with their users, so
 * that a hit costs one SHA-256 and a map lookup instead of one or two store round trips.
 *
 * Its promise (the README states it; the tests prove it):
 * - keyed by the token's digest, never its plaintext, so a heap dump reveals no token;
 * - revoked, logged out or expired through this process: refused at once (revocations
 *   through the token service evict before they resolve, and a lookup that raced one is
 *   never cached);
 * - revoked through another process or instance sharing the store: refused within
 *   `revocationInterval`. The cache reads the store's revocation feed (`revokedSince`) at
 *   most once per interval, one small query shared by every request (single-flight), and
 *   serves no hit while the feed is older than the interval;
 * - a user deactivated, demoted or deleted: seen within `maxAge`, after which the entry is
 *   read from the store again;
 * - bounded: at most `maxEntries`, least recently used evicted first.
 *
 * It holds only successful verifications: unknown, revoked and expired tokens always go to
 * the store, so garbage cannot fill it.
 */
import type { AuthUser, UserStore } from '../users/user-store.ts';
import type { TokenRecord, TokenStore } from './token-store.ts';

/** Options for the verified-token cache (`createTokenService({ cache })`). Durations are milliseconds. */
export interface TokenCacheOptions {
  /** Most tokens held; the least recently used goes first. Default `10_000`. */
  readonly maxEntries?: number;
  /** Longest an entry is served before the store is read again: how late a user change is seen. Default `10_000`. */
  readonly maxAge?: number;
  /** Longest a revocation by another instance goes unseen: how often the feed is read. Default `1_000`. */
  readonly revocationInterval?: number;
  /**
   * How far instances' clocks may disagree, plus the longest a revocation takes to commit:
   * every feed read reaches back this far behind the previous one. Default `5_000`.
   */
  readonly clockSkew?: number;
  /** Most revocations read per feed query; a full page empties the cache instead. Default `1_000`. */
  readonly feedLimit?: number;
}

/** The defaults of `TokenCacheOptions`, declared once. */
export const TOKEN_CACHE_DEFAULTS: Required<TokenCacheOptions> = Object.freeze({
  maxEntries: 10_000,
  maxAge: 10_000,
  revocationInterval: 1_000,
  clockSkew: 5_000,
  feedLimit: 1_000,
});

/** One verified token. `record.digest` is the map's key (the same string, not a copy). */
export interface CacheEntry {
  record: TokenRecord;
  readonly user: AuthUser;
  /** The store the user came from: an entry serves only authenticators over that store. */
  readonly users: UserStore;
  /** When the lookup that filled it started. */
  readonly cachedAt: number;
}

/** What a cache holds, as `TokenService.cache` shows it. */
export interface TokenCacheView {
  /** Entries held now. */
  readonly size: number;
  /** The keys: token digests, never tokens. */
  digests(): IterableIterator<string>;
}

/** The cache as the token service uses it; not exported from the package. */
export interface VerifiedTokenCache extends TokenCacheView {
  /**
   * The entry for `digest` if it may be served at `at`; undefined means "ask the store".
   * Waits for the revocation feed when it is older than the interval.
   */
  get(digest: string, users: UserStore, at: number): CacheEntry | undefined | Promise<CacheEntry | undefined>;
  /** A ticket to take before a store lookup; `put` refuses entries whose ticket is stale. */
  ticket(): number;
  /** Caches a verified token unless a revocation or a feed read happened since `ticket`. */
  put(ticket: number, entry: CacheEntry): void;
  /** Called before and after every revocation through this process. */
  invalidate(): void;
  /** Evicts every entry that `matches`, after a revocation through this process. */
  evict(matches: (record: TokenRecord) => boolean): void;
}

function assertPositive(name: string, value: number, integer: boolean): void {
  if (typeof value !== 'number' || !(value > 0) || !Number.isFinite(value) || (integer && !Number.isInteger(value))) {
    throw new RangeError(`cache.${name} must be a positive ${integer ? 'integer' : 'number of milliseconds'}`);
  }
}

/** Resolves cache options; contradictory ones throw at once. */
export function resolveCacheOptions(options: TokenCacheOptions): Required<TokenCacheOptions> {
  const resolved = { ...TOKEN_CACHE_DEFAULTS };
  for (const [key, value] of Object.entries(options) as [keyof TokenCacheOptions, number | undefined][]) {
    if (value !== undefined) resolved[key] = value;
  }
  assertPositive('maxEntries', resolved.maxEntries, true);
  assertPositive('maxAge', resolved.maxAge, false);
  assertPositive('revocationInterval', resolved.revocationInterval, false);
  assertPositive('feedLimit', resolved.feedLimit, true);
  if (!(resolved.clockSkew >= 0 && Number.isFinite(resolved.clockSkew))) {
    throw new RangeError('cache.clockSkew must be a non-negative number of milliseconds');
  }
  return resolved;
}

/**
 * Creates the cache over `store`, which must have `revokedSince`. `onError` hears about a
 * failed feed read that no request was waiting for.
 */
export function createVerifiedTokenCache(
  store: TokenStore,
  options: Required<TokenCacheOptions>,
  now: () => number,
  onError: (error: unknown) => void,
): VerifiedTokenCache {
  const { maxEntries, maxAge, revocationInterval, clockSkew, feedLimit } = options;
  const revokedSince = store.revokedSince?.bind(store);
  if (!revokedSince) throw new TypeError('the token cache needs a store with revokedSince (the revocation feed)');

  // Map iteration follows insertion order: re-inserting on a hit keeps the least recently
  // used entry first, which is all an LRU needs.
  const entries = new Map<string, CacheEntry>();
  // Bumped by every feed read and every local revocation: a lookup that spans one of them
  // may have read a record that is revoked by now, so its result is not cached.
  let generation = 0;
  const createdAt = now();
  // The feed was last read from here (entries exist only after the cache does, so creation
  // counts as a read), and the next read starts this far back.
  let fresh = createdAt;
  let since = createdAt - clockSkew;
  let reading: Promise<boolean> | null = null;

  const readFeed = (): Promise<boolean> => {
    reading ??= (async () => {
      const startedAt = now();
      try {
        const revocations = await revokedSince(since, feedLimit);
        // A full page may hide more: forgetting everything is always safe.
        if (revocations.length >= feedLimit) entries.clear();
        else for (const revocation of revocations) entries.delete(revocation.digest);
        generation++;
        since = startedAt - clockSkew;
        fresh = startedAt;
        return true;
      } catch (error) {
        // No hit is served until a read succeeds: every request goes to the store, which
        // answers (then it is fresh) or fails (then the request is refused with 503).
        onError(error);
        return false;
      } finally {
        reading = null;
      }
    })();
    return reading;
  };

  const lookup = (digest: string, users: UserStore, at: number): CacheEntry | undefined => {
    const entry = entries.get(digest);
    if (entry === undefined) return undefined;
    const { record } = entry;
    // Expired here may be refreshed in the store (sliding expiry): ask it.
    if (entry.users !== users || at - entry.cachedAt >= maxAge || (record.expiresAt !== null && record.expiresAt <= at)) {
      entries.delete(digest);
      return undefined;
    }
    // Re-keyed by the record's own digest string: the one just computed is garbage soon.
    entries.delete(digest);
    entries.set(record.digest, entry);
    return entry;
  };

  return {
    get(digest, users, at) {
      const age = at - fresh;
      if (age < revocationInterval) {
        // Half way through the interval the next read starts in the background, so that
        // under steady traffic no request waits for it.
        if (age >= revocationInterval / 2 && reading === null) void readFeed();
        return lookup(digest, users, at);
      }
      if (entries.size === 0 && reading === null) {
        // Nothing to evict, and whatever is cached from now on is read from the store after
        // this moment: the feed is as good as read, without a query.
        generation++;
        since = at - clockSkew;
        fresh = at;
        return undefined;
      }
      return readFeed().then((ok) => (ok ? lookup(digest, users, now()) : undefined));
    },
    ticket: () => generation,
    put(ticket, entry) {
      if (ticket !== generation) return;
      entries.delete(entry.record.digest);
      entries.set(entry.record.digest, entry);
      if (entries.size > maxEntries) entries.delete(entries.keys().next().value!);
    },
    invalidate() {
      generation++;
    },
    evict(matches) {
      for (const [digest, entry] of entries) if (matches(entry.record)) entries.delete(digest);
    },
    get size() {
      return entries.size;
    },
    digests: () => entries.keys(),
  };
}
