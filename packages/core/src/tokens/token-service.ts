/**
 * Issuing, verifying and revoking tokens on top of any `TokenStore`. All policy lives
 * here (format, digest, purpose, expiry, sliding refresh, per-user limit, the verified-token
 * cache), so stores stay dumb.
 */
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils.js';
import { type Awaitable, isPromiseLike } from '../awaitable.ts';
import { constantTimeEqual } from '../constant-time.ts';
import { logStoreFailure } from '../fail-closed.ts';
import { withoutUndefined } from '../options.ts';
import { type RandomBytes, webCryptoRandomBytes } from '../random.ts';
import type { HostContext } from '../schemes/authenticator.ts';
import type { AuthUser, UserStore } from '../users/user-store.ts';
import { isDrfKey } from './drf-key.ts';
import { assertTokenPrefix, DEFAULT_TOKEN_PREFIX, digestToken, generateToken, isWellFormedToken } from './token.ts';
import { TOKEN_PURPOSES, type TokenPurpose, type TokenRecord, type TokenStore } from './token-store.ts';
import {
  CachedRecord,
  createVerifiedTokenCache,
  resolveCacheOptions,
  type TokenCacheOptions,
  type TokenCacheView,
} from './verified-token-cache.ts';

/** Options for `createTokenService`. Durations are milliseconds. */
export interface TokenServiceOptions {
  /** Where records live. Required. */
  readonly store: TokenStore;
  /**
   * Server secret for keyed digests (HMAC-SHA256): at least 32 bytes (UTF-8 for a string),
   * else a `RangeError` at construction; `openssl rand -base64 32` makes one. Changing it
   * invalidates every token. Default: none, digests are plain SHA-256.
   */
  readonly secret?: string | Uint8Array | null;
  /** Readable prefix of every token, 0–16 of `[A-Za-z0-9_]`. Default `"lk_"`. */
  readonly prefix?: string;
  /** Lifetime of new tokens (knox's TOKEN_TTL); null: tokens never expire. Default `null`. */
  readonly ttl?: number | null;
  /** Extend expiry to now + `ttl` when a token is used (knox's AUTO_REFRESH). Default `false`. */
  readonly autoRefresh?: boolean;
  /** Least change of expiry worth a write (knox's MIN_REFRESH_INTERVAL). Default `60_000`. */
  readonly minRefreshInterval?: number;
  /** Least age of `lastUsedAt` worth a write; null: never record use. Default `60_000`. */
  readonly lastUsedInterval?: number | null;
  /** Most live tokens per user (knox's TOKEN_LIMIT_PER_USER); null: no limit. Default `null`. */
  readonly maxTokensPerUser?: number | null;
  /**
   * How long `purgeExpired` keeps revoked records, as an audit trail (who logged out when).
   * Default thirty days.
   */
  readonly revokedRetention?: number;
  /** Clock, milliseconds since the epoch. Default `Date.now`. */
  readonly now?: () => number;
  /** Random source for secrets and ids. Default Web Crypto's `getRandomValues`. */
  readonly randomBytes?: RandomBytes;
  /**
   * The verified-token cache (`verified-token-cache.ts` states its promise): `true` for the
   * defaults, or its options. It needs a store with `revokedSince`. Default `false`: every
   * request reads the store, so revocations and user changes anywhere are seen at once.
   */
  readonly cache?: boolean | TokenCacheOptions;
  /**
   * Told about failures no request waits for (a last-used write after the response, a
   * background read of the revocation feed). Default: `console.error` with a short prefix.
   */
  readonly onError?: (error: unknown) => void;
}

/** What `TokenService.create` accepts. */
export interface CreateTokenInput {
  /** Client or device name. Default `null`. */
  readonly name?: string | null;
  /** Scopes granted. Default `[]`. */
  readonly scopes?: readonly string[];
  /** Lifetime of this token, overriding the service's `ttl`; null: never expires. */
  readonly ttl?: number | null;
  /** Where the token may be used. Default `"api"` (an Authorization header). */
  readonly purpose?: TokenPurpose;
}

/** A newly issued token: `token` is the only copy of the plaintext, show it once. */
export type CreateTokenResult =
  | { readonly ok: true; readonly token: string; readonly record: TokenRecord }
  | { readonly ok: false; readonly reason: 'limit' };

/** What `TokenService.importKey` accepts. */
export interface ImportKeyInput {
  /** When the key was first issued, milliseconds since the epoch. Default: now. */
  readonly createdAt?: number;
  /** Client or device name, e.g. `"drf"` to find imported keys again. Default `null`. */
  readonly name?: string | null;
  /** Lifetime from now, so imported keys retire themselves; null: never expires. Default `null`. */
  readonly ttl?: number | null;
}

/** An imported key: its record, or `exists` when its digest was already stored (imports repeat safely). */
export type ImportKeyResult = { readonly ok: true; readonly record: TokenRecord } | { readonly ok: false; readonly reason: 'exists' };

/**
 * Why a token was refused; every reason answers "Invalid token." on the wire. A token of
 * another purpose is `"unknown"` here: it does not exist as far as this use is concerned.
 */
export type TokenRejection = 'malformed' | 'unknown' | 'expired' | 'revoked';

/** The outcome of `TokenService.verify`. */
export type VerifyTokenResult =
  | { readonly ok: true; readonly record: TokenRecord }
  | { readonly ok: false; readonly reason: TokenRejection };

/** The outcome of `TokenService.authenticate`: `"inactive"` when the user is inactive or gone. */
export type AuthenticateTokenResult<U extends AuthUser> =
  | { readonly ok: true; readonly record: TokenRecord; readonly user: U }
  | { readonly ok: false; readonly reason: TokenRejection | 'inactive' };

// Refusals carry nothing per request: one frozen object each.
const MALFORMED = Object.freeze({ ok: false, reason: 'malformed' } as const);
const UNKNOWN = Object.freeze({ ok: false, reason: 'unknown' } as const);
const REVOKED = Object.freeze({ ok: false, reason: 'revoked' } as const);
const EXPIRED = Object.freeze({ ok: false, reason: 'expired' } as const);
const INACTIVE = Object.freeze({ ok: false, reason: 'inactive' } as const);

// How many finished revocations a lookup in flight can still be checked against.
const RECENT_REVOCATIONS = 256;

/** The token operations every scheme, endpoint and command uses. */
export interface TokenService {
  /** The token prefix, for schemes that look for tokens elsewhere than a header. */
  readonly prefix: string;
  /** What the verified-token cache holds now, for tests and measurements; null when it is off. */
  readonly cache: TokenCacheView | null;
  /** Issues a token; `{ ok: false, reason: "limit" }` at the per-user limit. */
  create(userId: string, input?: CreateTokenInput): Promise<CreateTokenResult>;
  /**
   * Checks a presented token for one purpose (default `"api"`), always against the store
   * (the cache serves `authenticate`); writes to the store at most once per interval.
   */
  verify(token: string, purpose?: TokenPurpose): Promise<VerifyTokenResult>;
  /**
   * Checks a Django REST framework key (40 hex characters, no prefix or checksum) as
   * `verify` checks an API token, by digest, past the cache. For `tokenAuth({ legacyKeys: true })`.
   */
  verifyDrfKey(key: string): Promise<VerifyTokenResult>;
  /**
   * Stores a DRF key that clients already hold as an API token, hashed at once like any
   * token; the plaintext is not kept. The per-user limit does not apply (the key exists).
   */
  importKey(userId: string, key: string, input?: ImportKeyInput): Promise<ImportKeyResult>;
  /**
   * Checks a presented token for one purpose and finds its user, as token and session
   * authentication do: from the verified-token cache when it is on, else in one store
   * round trip when the store joins `users` (`findWithUser`), else two. `host.waitUntil`,
   * when the host has it, takes the last-used and refresh writes off the request. Answers
   * without a promise when every step did (a cache hit, a store that answers at once): see
   * `Awaitable`; `await` it either way.
   */
  authenticate<U extends AuthUser>(
    token: string,
    purpose: TokenPurpose,
    users: UserStore<U>,
    host?: HostContext,
  ): Awaitable<AuthenticateTokenResult<U>>;
  /** Revokes one token by id; true if it existed. */
  revoke(id: string): Promise<boolean>;
  /** Revokes a token only if `userId` owns it; true if it did and it was revoked. */
  revokeOwned(userId: string, id: string): Promise<boolean>;
  /** Revokes all of a user's tokens (logout everywhere); how many. */
  revokeAll(userId: string): Promise<number>;
  /** A user's live (unexpired, unrevoked) tokens of one purpose, or of every purpose when absent; oldest first. */
  list(userId: string, purpose?: TokenPurpose): Promise<TokenRecord[]>;
  /** Deletes expired records, and revoked ones older than `revokedRetention`; how many. Schedule it. */
  purgeExpired(): Promise<number>;
}

function assertDuration(name: string, value: number | null, allowNull: boolean): void {
  if (value === null && allowNull) return;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new RangeError(`${name} must be a non-negative number of milliseconds${allowNull ? ' or null' : ''}`);
  }
}

/**
 * Throws a `RangeError` unless every scope is RFC 6749's scope-token: printable ASCII without
 * spaces, quotes or backslashes, so scopes join with spaces (a Bearer challenge's `scope=`)
 * and split back unchanged. One rule for every credential that carries scopes.
 */
export function assertScopes(scopes: readonly string[]): void {
  for (const scope of scopes) {
    if (!/^[\x21\x23-\x5b\x5d-\x7e]+$/.test(scope)) {
      throw new RangeError('a scope is 1 or more printable ASCII characters, no spaces, quotes or backslashes');
    }
  }
}

/** One `authenticate` call's inputs, carried through its steps in one object. */
class Check<U extends AuthUser> {
  /** The cache's ticket, taken when the store lookup starts. */
  ticket = 0;

  constructor(
    readonly digest: string,
    readonly purpose: TokenPurpose,
    readonly users: UserStore<U>,
    readonly host: HostContext | undefined,
    /** When the call began: cache hits are judged at this time. */
    readonly startedAt: number,
    /** `mark()` at the start: the first revocation the call may overlap. */
    readonly since: number,
  ) {}
}

/** Creates the token service. Contradictory options throw at once. */
export function createTokenService(options: TokenServiceOptions): TokenService {
  const resolved = {
    secret: null as string | Uint8Array | null,
    prefix: DEFAULT_TOKEN_PREFIX,
    ttl: null as number | null,
    autoRefresh: false,
    minRefreshInterval: 60_000,
    lastUsedInterval: 60_000 as number | null,
    maxTokensPerUser: null as number | null,
    revokedRetention: 30 * 24 * 60 * 60 * 1000,
    now: Date.now as () => number,
    randomBytes: webCryptoRandomBytes,
    cache: false as boolean | TokenCacheOptions,
    onError: logStoreFailure as (error: unknown) => void,
    ...withoutUndefined(options),
  };
  const { store, prefix, ttl, autoRefresh, minRefreshInterval, lastUsedInterval, maxTokensPerUser, revokedRetention, now, randomBytes, onError } =
    resolved;
  if (!store) throw new TypeError('createTokenService: store is required');
  assertTokenPrefix(prefix);
  assertDuration('ttl', ttl, true);
  assertDuration('minRefreshInterval', minRefreshInterval, false);
  assertDuration('lastUsedInterval', lastUsedInterval, true);
  assertDuration('revokedRetention', revokedRetention, false);
  if (autoRefresh && ttl === null) throw new TypeError('autoRefresh needs a ttl');
  if (maxTokensPerUser !== null && !(Number.isInteger(maxTokensPerUser) && maxTokensPerUser > 0)) {
    throw new RangeError('maxTokensPerUser must be a positive integer or null');
  }
  const secret = typeof resolved.secret === 'string' ? utf8ToBytes(resolved.secret) : resolved.secret;
  if (secret && secret.length < 32) throw new RangeError('secret must be at least 32 bytes');

  const isLive = (record: TokenRecord, at: number) =>
    record.revokedAt === null && (record.expiresAt === null || record.expiresAt > at);
  const joined = typeof store.findWithUser === 'function' && store.joinedUsers !== undefined;
  const cache =
    resolved.cache === false ? null : createVerifiedTokenCache(store, resolveCacheOptions(resolved.cache === true ? {} : resolved.cache), now, onError);

  // The checksum comes first: malformed input never reaches the store, nor the cache.
  const digestOf = (token: string) => (isWellFormedToken(token, prefix) ? digestToken(token, secret) : null);

  /** Why `record` (found for `digest`) is refused for `purpose` at `at`, or null if it is not. */
  const refusal = (record: TokenRecord | null, digest: string, purpose: TokenPurpose, at: number) => {
    // Re-checking the digest guards against a store that matches loosely.
    if (!record || !constantTimeEqual(record.digest, digest) || record.purpose !== purpose) return UNKNOWN;
    if (record.revokedAt !== null) return REVOKED;
    // Expired records stay until purgeExpired: refusing them needs no write.
    if (!isLive(record, at)) return EXPIRED;
    return null;
  };

  /**
   * Records use and slides expiry, writing at most once per interval so the hot path is a
   * read. On a host with `waitUntil` (Workers) the write runs after the response.
   */
  const recordUse = (record: TokenRecord, at: number, host: HostContext | undefined): TokenRecord | Promise<TokenRecord> => {
    let expiresAt = record.expiresAt;
    let lastUsedAt = record.lastUsedAt;
    if (autoRefresh && ttl !== null && record.expiresAt !== null && at + ttl - record.expiresAt >= minRefreshInterval) {
      expiresAt = at + ttl;
    }
    if (lastUsedInterval !== null && (lastUsedAt === null || at - lastUsedAt >= lastUsedInterval)) {
      lastUsedAt = at;
    }
    if (expiresAt === record.expiresAt && lastUsedAt === record.lastUsedAt) return record;
    const write = store.touch(record.id, {
      ...(expiresAt !== record.expiresAt && { expiresAt }),
      ...(lastUsedAt !== record.lastUsedAt && lastUsedAt !== null && { lastUsedAt }),
    });
    const used = { ...record, expiresAt, lastUsedAt };
    if (!host?.waitUntil) return write.then(() => used);
    host.waitUntil(write.catch(onError));
    return used;
  };

  // Revocations through this process, numbered: those in flight (oldest first, as a Map
  // iterates) and the last RECENT_REVOCATIONS that finished. A lookup that overlapped one
  // of them may have read the record just before the write, so it is refused instead:
  // nothing is accepted after a revocation resolves.
  let revocationSeq = 0;
  const inFlight = new Map<number, (record: TokenRecord) => boolean>();
  const finished: { readonly seq: number; readonly matches: (record: TokenRecord) => boolean }[] = [];
  /** Taken when a lookup starts: the first revocation it may overlap. */
  const mark = (): number => {
    if (inFlight.size > 0) for (const seq of inFlight.keys()) return seq;
    return revocationSeq + 1;
  };
  /** Whether a revocation that `record` matches overlapped the lookup that began at `since`. */
  const revokedDuring = (since: number, record: TokenRecord): boolean => {
    if (since > revocationSeq) return false;
    for (const [seq, matches] of inFlight) if (seq >= since && matches(record)) return true;
    // Forgotten history: refusing is the safe answer.
    if (finished.length === RECENT_REVOCATIONS && finished[0]!.seq > since) return true;
    return finished.some((revocation) => revocation.seq >= since && revocation.matches(record));
  };

  /**
   * A revocation through this process. Lookups that span it are neither cached nor
   * accepted, and cached entries it revoked are evicted before it resolves: the next
   * request is refused.
   */
  const revoking = async <T>(write: (at: number) => Promise<T>, matches: (record: TokenRecord) => boolean): Promise<T> => {
    const seq = ++revocationSeq;
    inFlight.set(seq, matches);
    cache?.invalidate();
    try {
      return await write(now());
    } finally {
      inFlight.delete(seq);
      finished.push({ seq, matches });
      if (finished.length > RECENT_REVOCATIONS) finished.shift();
      cache?.invalidate();
      cache?.evict(matches);
    }
  };

  // The lookup behind verify and verifyDrfKey, once the digest is known.
  const lookUp = async (digest: string, purpose: TokenPurpose): Promise<VerifyTokenResult> => {
    const since = mark();
    const record = await store.findByDigest(digest);
    const at = now();
    const rejection = refusal(record, digest, purpose, at);
    if (rejection !== null) return rejection;
    const use = recordUse(record!, at, undefined);
    const used = use instanceof Promise ? await use : use;
    return revokedDuring(since, used) ? REVOKED : { ok: true, record: used };
  };

  // authenticate's steps. Each answers at once when what it waited for did, so a cache hit
  // or a store that answers without a promise makes no promise (see `Awaitable`).
  type Answer<U extends AuthUser> = Awaitable<AuthenticateTokenResult<U>>;

  const fromCache = <U extends AuthUser>(check: Check<U>, entry: CachedRecord | undefined): Answer<U> => {
    // The entry was verified for its own purpose; a token of another one is unknown here.
    if (entry === undefined || entry.purpose !== check.purpose) return fromStore(check);
    const use = recordUse(entry, check.startedAt, check.host);
    return isPromiseLike(use) ? use.then((used) => servedFromCache(check, entry, used)) : servedFromCache(check, entry, use);
  };

  const servedFromCache = <U extends AuthUser>(check: Check<U>, entry: CachedRecord, used: TokenRecord): AuthenticateTokenResult<U> => {
    const record = used === entry ? entry : cache!.refresh(entry, used);
    if (revokedDuring(check.since, record)) return REVOKED;
    // The entry was filled for this very user store: its user is a U.
    return { ok: true, record, user: CachedRecord.userOf(entry) as U };
  };

  const fromStore = <U extends AuthUser>(check: Check<U>): Answer<U> => {
    check.ticket = cache?.ticket() ?? 0;
    if (joined && check.users === (store.joinedUsers as UserStore)) {
      const found = store.findWithUser!(check.digest);
      // Same store, same table: the user really is a U.
      return isPromiseLike(found)
        ? found.then((both) => checkRecord(check, both?.record ?? null, both?.user as U | null | undefined))
        : checkRecord(check, found?.record ?? null, found?.user as U | null | undefined);
    }
    const record = store.findByDigest(check.digest);
    return isPromiseLike(record) ? record.then((found) => checkRecord(check, found, undefined)) : checkRecord(check, record, undefined);
  };

  // `user` undefined: not read with the record, so looked up now.
  const checkRecord = <U extends AuthUser>(check: Check<U>, record: TokenRecord | null, user: U | null | undefined): Answer<U> => {
    const at = now();
    const rejection = refusal(record, check.digest, check.purpose, at);
    if (rejection !== null) return rejection;
    if (user !== undefined) return admit(check, record!, user, at);
    const found = check.users.findById(record!.userId);
    return isPromiseLike(found) ? found.then((owner) => admit(check, record!, owner, at)) : admit(check, record!, found, at);
  };

  const admit = <U extends AuthUser>(check: Check<U>, record: TokenRecord, user: U | null, at: number): Answer<U> => {
    if (!user || !user.isActive) return INACTIVE;
    const use = recordUse(record, at, check.host);
    return isPromiseLike(use) ? use.then((used) => admitted(check, used, user)) : admitted(check, use, user);
  };

  const admitted = <U extends AuthUser>(check: Check<U>, used: TokenRecord, user: U): AuthenticateTokenResult<U> => {
    if (revokedDuring(check.since, used)) return REVOKED;
    cache?.put(check.ticket, used, user, check.users as UserStore, check.startedAt);
    return { ok: true, record: used, user };
  };

  return {
    prefix,
    cache: cache && { get size() { return cache.size; }, digests: () => cache.digests() },

    async create(userId, input = {}) {
      const scopes = [...(input.scopes ?? [])];
      assertScopes(scopes);
      const lifetime = input.ttl === undefined ? ttl : input.ttl;
      assertDuration('ttl', lifetime, true);
      const purpose = input.purpose ?? 'api';
      if (!TOKEN_PURPOSES.includes(purpose)) throw new RangeError(`purpose must be one of ${TOKEN_PURPOSES.join(', ')}`);
      const token = generateToken(prefix, randomBytes);
      const createdAt = now();
      const record: TokenRecord = {
        // Hex, so an id never starts with "-" and reads as an option on a command line.
        id: bytesToHex(randomBytes(12)),
        userId,
        digest: digestToken(token, secret),
        purpose,
        name: input.name ?? null,
        scopes,
        createdAt,
        expiresAt: lifetime === null ? null : createdAt + lifetime,
        lastUsedAt: null,
        revokedAt: null,
      };
      const limit = maxTokensPerUser === null ? undefined : { max: maxTokensPerUser, now: createdAt };
      if (!(await store.insert(record, limit))) return { ok: false, reason: 'limit' };
      return { ok: true, token, record };
    },

    async verify(token, purpose = 'api') {
      const digest = digestOf(token);
      return digest === null ? MALFORMED : lookUp(digest, purpose);
    },

    async verifyDrfKey(key) {
      // No checksum to check: any 40-hex string costs a store lookup, which is why it is opt-in.
      return isDrfKey(key) ? lookUp(digestToken(key, secret), 'api') : MALFORMED;
    },

    async importKey(userId, key, input = {}) {
      if (!isDrfKey(key)) throw new RangeError('importKey: a DRF key is 40 lowercase hex characters');
      const digest = digestToken(key, secret);
      if (await store.findByDigest(digest)) return { ok: false, reason: 'exists' };
      const at = now();
      const lifetime = input.ttl ?? null;
      assertDuration('ttl', lifetime, true);
      const record: TokenRecord = {
        id: bytesToHex(randomBytes(12)),
        userId,
        digest,
        purpose: 'api',
        name: input.name ?? null,
        scopes: [],
        createdAt: input.createdAt ?? at,
        expiresAt: lifetime === null ? null : at + lifetime,
        lastUsedAt: null,
        revokedAt: null,
      };
      await store.insert(record);
      return { ok: true, record };
    },
    authenticate<U extends AuthUser>(token: string, purpose: TokenPurpose, users: UserStore<U>, host?: HostContext) {
      const digest = digestOf(token);
      if (digest === null) return MALFORMED;
      const check = new Check(digest, purpose, users, host, now(), mark());
      if (cache === null) return fromStore(check);
      const hit = cache.get(digest, users, check.startedAt, host?.waitUntil);
      return isPromiseLike(hit) ? hit.then((entry) => fromCache(check, entry)) : fromCache(check, hit);
    },

    revoke: (id) => revoking((at) => store.revoke(id, at), (record) => record.id === id),

    async revokeOwned(userId, id) {
      const owned = (await store.listForUser(userId)).some((record) => record.id === id);
      return owned && revoking((at) => store.revoke(id, at), (record) => record.id === id);
    },

    revokeAll: (userId) => revoking((at) => store.revokeForUser(userId, at), (record) => record.userId === userId),

    async list(userId, purpose) {
      const at = now();
      return (await store.listForUser(userId)).filter(
        (record) => isLive(record, at) && (purpose === undefined || record.purpose === purpose),
      );
    },

    purgeExpired() {
      const at = now();
      return store.purgeExpired(at, at - revokedRetention);
    },
  };
}
