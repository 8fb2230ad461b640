/**
 * Issuing, verifying and revoking tokens on top of any `TokenStore`. All policy lives
 * here (format, digest, expiry, sliding refresh, per-user limit), so stores stay dumb.
 */
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils.js';
import { constantTimeEqual } from '../constant-time.ts';
import { withoutUndefined } from '../options.ts';
import { type RandomBytes, webCryptoRandomBytes } from '../random.ts';
import { assertTokenPrefix, DEFAULT_TOKEN_PREFIX, digestToken, generateToken, isWellFormedToken } from './token.ts';
import { TOKEN_PURPOSES, type TokenPurpose, type TokenRecord, type TokenStore } from './token-store.ts';

/** Options for `createTokenService`. Durations are milliseconds. */
export interface TokenServiceOptions {
  /** Where records live. Required. */
  readonly store: TokenStore;
  /**
   * Server secret for keyed digests (HMAC-SHA256). Changing it invalidates every token.
   * Default: none, digests are plain SHA-256.
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

/**
 * Why a token was refused; every reason answers "Invalid token." on the wire. A token of
 * another purpose is `"unknown"` here: it does not exist as far as this use is concerned.
 */
export type TokenRejection = 'malformed' | 'unknown' | 'expired' | 'revoked';

/** The outcome of `TokenService.verify`. */
export type VerifyTokenResult =
  | { readonly ok: true; readonly record: TokenRecord }
  | { readonly ok: false; readonly reason: TokenRejection };

/** The token operations every scheme, endpoint and command uses. */
export interface TokenService {
  /** The token prefix, for schemes that look for tokens elsewhere than a header. */
  readonly prefix: string;
  /** Issues a token; `{ ok: false, reason: "limit" }` at the per-user limit. */
  create(userId: string, input?: CreateTokenInput): Promise<CreateTokenResult>;
  /**
   * Checks a presented token for one purpose (default `"api"`); writes to the store at
   * most once per interval.
   */
  verify(token: string, purpose?: TokenPurpose): Promise<VerifyTokenResult>;
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
    ...withoutUndefined(options),
  };
  const { store, prefix, ttl, autoRefresh, minRefreshInterval, lastUsedInterval, maxTokensPerUser, revokedRetention, now, randomBytes } =
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

  return {
    prefix,

    async create(userId, input = {}) {
      const scopes = [...(input.scopes ?? [])];
      for (const scope of scopes) {
        if (!/^[\x21\x23-\x5b\x5d-\x7e]+$/.test(scope)) {
          throw new RangeError('a scope is 1 or more printable ASCII characters, no spaces, quotes or backslashes');
        }
      }
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
      // The checksum comes first: malformed input never reaches the store.
      if (!isWellFormedToken(token, prefix)) return { ok: false, reason: 'malformed' };
      const digest = digestToken(token, secret);
      const record = await store.findByDigest(digest);
      // Re-checking the digest guards against a store that matches loosely.
      if (!record || !constantTimeEqual(record.digest, digest) || record.purpose !== purpose) {
        return { ok: false, reason: 'unknown' };
      }
      if (record.revokedAt !== null) return { ok: false, reason: 'revoked' };
      const at = now();
      // Expired records stay until purgeExpired: refusing them needs no write.
      if (!isLive(record, at)) return { ok: false, reason: 'expired' };
      // Writes happen at most once per interval, so the hot path is a single read.
      let expiresAt = record.expiresAt;
      let lastUsedAt = record.lastUsedAt;
      if (autoRefresh && ttl !== null && record.expiresAt !== null && at + ttl - record.expiresAt >= minRefreshInterval) {
        expiresAt = at + ttl;
      }
      if (lastUsedInterval !== null && (lastUsedAt === null || at - lastUsedAt >= lastUsedInterval)) {
        lastUsedAt = at;
      }
      if (expiresAt === record.expiresAt && lastUsedAt === record.lastUsedAt) return { ok: true, record };
      await store.touch(record.id, {
        ...(expiresAt !== record.expiresAt && { expiresAt }),
        ...(lastUsedAt !== record.lastUsedAt && lastUsedAt !== null && { lastUsedAt }),
      });
      return { ok: true, record: { ...record, expiresAt, lastUsedAt } };
    },

    revoke: (id) => store.revoke(id, now()),

    async revokeOwned(userId, id) {
      const owned = (await store.listForUser(userId)).some((record) => record.id === id);
      return owned && store.revoke(id, now());
    },

    revokeAll: (userId) => store.revokeForUser(userId, now()),

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
