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
 * - bounded: at most `maxEntries`; the entry evicted is the oldest not used since it was last
 *   passed over (second chance, an approximation of least recently used).
 *
 * It holds only successful verifications: unknown, revoked and expired tokens always go to
 * the store, so garbage cannot fill it.
 */
import type { AuthUser, UserStore } from '../users/user-store.ts';
import type { TokenRecord, TokenStore } from './token-store.ts';

/** Options for the verified-token cache (`createTokenService({ cache })`). Durations are milliseconds. */
export interface TokenCacheOptions {
  /** Most tokens held; the oldest not used lately goes first. Default `10_000`. */
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

/**
 * One verified token: the record itself, so that an entry is one object, with its user
 * and time kept in private fields (invisible to spreads, JSON and equality
 * checks; a handler that reads `auth` sees a token record and nothing else).
 * `digest` is the map's key (the same string, not a copy).
 */
export class CachedRecord implements TokenRecord {
  readonly id: string;
  readonly userId: string;
  readonly digest: string;
  readonly purpose: TokenRecord['purpose'];
  readonly name: string | null;
  readonly scopes: readonly string[];
  readonly createdAt: number;
  readonly expiresAt: number | null;
  readonly lastUsedAt: number | null;
  readonly revokedAt: number | null;
  readonly #user: AuthUser;
  // Milliseconds since the cache was created: a small integer, stored unboxed.
  readonly #cachedAt: number;
  // Served since eviction last passed it over (see `evictOne`); private, since the entry
  // itself is the record handed to the request.
  #used = false;

  constructor(record: TokenRecord, fields: Pick<TokenRecord, 'userId' | 'purpose' | 'name' | 'scopes'>, user: AuthUser, cachedAt: number) {
    this.id = record.id;
    this.userId = fields.userId;
    this.digest = record.digest;
    this.purpose = fields.purpose;
    this.name = fields.name;
    this.scopes = fields.scopes;
    this.createdAt = record.createdAt;
    this.expiresAt = record.expiresAt;
    this.lastUsedAt = record.lastUsedAt;
    this.revokedAt = record.revokedAt;
    this.#user = user;
    this.#cachedAt = cachedAt;
  }

  /** Marks the entry served. */
  static markUsed(entry: CachedRecord): void {
    entry.#used = true;
  }

  /** Whether the entry was served since last asked, clearing the mark. */
  static takeUsed(entry: CachedRecord): boolean {
    const used = entry.#used;
    entry.#used = false;
    return used;
  }

  /** The user this token was verified for. */
  static userOf(entry: CachedRecord): AuthUser {
    return entry.#user;
  }

  /** The same entry with newer expiry and last use, after a write. */
  static refreshed(entry: CachedRecord, record: TokenRecord): CachedRecord {
    return new CachedRecord(record, entry, entry.#user, entry.#cachedAt);
  }

  /** Whether this entry may be served `age` milliseconds into the cache's life, given `maxAge`. */
  static servable(entry: CachedRecord, age: number, maxAge: number): boolean {
    return age - entry.#cachedAt < maxAge;
  }
}

// Values that repeat across tokens (purposes, client names, scope sets) are kept once, up
// to this many distinct ones: a database driver hands out a fresh copy in every row.
const MAX_INTERNED = 4_096;

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
  get(
    digest: string,
    users: UserStore,
    at: number,
    waitUntil?: (promise: Promise<unknown>) => void,
  ): CachedRecord | undefined | Promise<CachedRecord | undefined>;
  /** A ticket to take before a store lookup; `put` refuses entries whose ticket is stale. */
  ticket(): number;
  /**
   * Caches a verified token unless a revocation or a feed read happened since `ticket`;
   * `startedAt` is when the lookup began.
   */
  put(ticket: number, record: TokenRecord, user: AuthUser, users: UserStore, startedAt: number): void;
  /** Called before and after every revocation through this process. */
  invalidate(): void;
  /** Replaces `entry` by the same token with newer expiry and last use. */
  refresh(entry: CachedRecord, record: TokenRecord): CachedRecord;
  /** Evicts every entry that `matches`, after a revocation through this process. */
  evict(matches: (record: TokenRecord) => boolean): void;
}

/** Whether two users carry the same own fields with the same values (`===`, so nested objects must be the same ones). */
function sameFields(a: AuthUser, b: AuthUser): boolean {
  const keys = Object.keys(a);
  if (keys.length !== Object.keys(b).length) return false;
  for (const key of keys) if ((a as unknown as Record<string, unknown>)[key] !== (b as unknown as Record<string, unknown>)[key]) return false;
  return true;
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

  // Map iteration follows insertion order, oldest first. A hit only marks its entry used
  // (re-inserting it, as an exact LRU does, was two more map operations per request); an
  // eviction passes marked entries over once, moving them last (second chance).
  const entries = new Map<string, CachedRecord>();
  // The user store whose users the entries hold: the first one to fill the cache. A token
  // service serves one user store in practice; another one's lookups go to the stores.
  let cachedFor: UserStore | null = null;
  // Bumped by every feed read and every local revocation: a lookup that spans one of them
  // may have read a record that is revoked by now, so its result is not cached.
  let generation = 0;
  const createdAt = now();
  // The feed was last read from here (entries exist only after the cache does, so creation
  // counts as a read), and the next read starts this far back.
  let fresh = createdAt;
  let since = createdAt - clockSkew;
  let reading: Promise<boolean> | null = null;

  // A read is shared by every request that needs it. On Workers the request that starts it
  // keeps it alive with waitUntil: otherwise its end could cancel the query that other
  // requests are waiting for.
  const readFeed = (waitUntil: ((promise: Promise<unknown>) => void) | undefined): Promise<boolean> => {
    if (reading !== null) return reading;
    reading = (async () => {
      const startedAt = now();
      try {
        const revocations = await revokedSince(since, feedLimit);
        // A full page may hide more: forgetting everything is always safe.
        if (revocations.length >= feedLimit) entries.clear();
        else for (const revocation of revocations) entries.delete(revocation.digest);
        // A lookup in flight may have read one of these records before it was revoked; with
        // nothing revoked, there is nothing it can have missed.
        if (revocations.length > 0) generation++;
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
    waitUntil?.(reading);
    return reading;
  };

  const strings = new Map<string, string>();
  const scopeSets = new Map<string, readonly string[]>();
  const intern = (text: string): string => {
    const known = strings.get(text);
    if (known !== undefined) return known;
    if (strings.size < MAX_INTERNED) strings.set(text, text);
    return text;
  };
  const internScopes = (scopes: readonly string[]): readonly string[] => {
    const key = scopes.join(' ');
    const known = scopeSets.get(key);
    if (known !== undefined) return known;
    const kept = Object.freeze(scopes.map(intern));
    if (scopeSets.size < MAX_INTERNED) scopeSets.set(key, kept);
    return kept;
  };
  // A user with several tokens is kept once while the store answers the same fields for
  // it; a changed user (deactivated, renamed) replaces it for the entries filled from then.
  const usersById = new Map<string, AuthUser>();
  const shareUser = (user: AuthUser): AuthUser => {
    const known = usersById.get(user.id);
    if (known !== undefined && sameFields(known, user)) return known;
    if (usersById.size >= maxEntries) usersById.clear();
    usersById.set(user.id, user);
    return user;
  };

  // Shared values: the owner's id is the user's, repeated values are kept once.
  const fieldsOf = (record: TokenRecord, user: AuthUser) => ({
    userId: user.id === record.userId ? user.id : record.userId,
    purpose: intern(record.purpose) as TokenRecord['purpose'],
    name: record.name === null ? null : intern(record.name),
    scopes: internScopes(record.scopes),
  });

  // Every entry passed over loses its mark, so one full pass at most: amortised O(1).
  const evictOne = () => {
    for (const [digest, oldest] of entries) {
      entries.delete(digest);
      if (!CachedRecord.takeUsed(oldest)) return;
      entries.set(digest, oldest);
    }
  };

  const lookup = (digest: string, users: UserStore, at: number): CachedRecord | undefined => {
    const entry = entries.get(digest);
    if (entry === undefined) return undefined;
    // Expired here may be refreshed in the store (sliding expiry): ask it.
    if (users !== cachedFor || !CachedRecord.servable(entry, at - createdAt, maxAge) || (entry.expiresAt !== null && entry.expiresAt <= at)) {
      entries.delete(digest);
      return undefined;
    }
    CachedRecord.markUsed(entry);
    return entry;
  };

  return {
    get(digest, users, at, waitUntil) {
      const age = at - fresh;
      if (age < revocationInterval) {
        // Half way through the interval the next read starts in the background, so that
        // under steady traffic no request waits for it.
        if (age >= revocationInterval / 2 && reading === null) void readFeed(waitUntil);
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
      return readFeed(waitUntil).then((ok) => (ok ? lookup(digest, users, now()) : undefined));
    },
    ticket: () => generation,
    put(ticket, record, user, users, startedAt) {
      cachedFor ??= users;
      // Users of another store are never served from here, so they are not kept either.
      if (ticket !== generation || users !== cachedFor) return;
      const shared = shareUser(user);
      const entry = new CachedRecord(record, fieldsOf(record, shared), shared, startedAt - createdAt);
      entries.delete(entry.digest);
      entries.set(entry.digest, entry);
      if (entries.size > maxEntries) evictOne();
    },
    refresh(entry, record) {
      const refreshed = CachedRecord.refreshed(entry, record);
      // Only if it is still there: a revocation may have evicted it meanwhile.
      if (entries.get(entry.digest) === entry) entries.set(entry.digest, refreshed);
      return refreshed;
    },
    invalidate() {
      generation++;
    },
    evict(matches) {
      for (const [digest, entry] of entries) if (matches(entry)) entries.delete(digest);
    },
    get size() {
      return entries.size;
    },
    digests: () => entries.keys(),
  };
}
