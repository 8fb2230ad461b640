/**
 * `ThrottleStore` over Redis: counters every instance shares, kept off the database. A
 * counter is a hash (`c`: the count, `e`: its expiry in core's milliseconds) that Redis also
 * expires on its own clock, so no sweep is needed.
 *
 * Expiry is compared with the `now` core passes, not Redis's clock: core's clock is the one
 * the windows are computed with (and the one tests control). Redis's own expiry is set to the
 * same remaining time and only frees memory.
 */
import type { ThrottleStore } from '@latchkey/core';
import type { Redis } from 'ioredis';

// One script, so reading the expiry, restarting or incrementing, and setting Redis's expiry
// happen atomically: Redis runs a script with no other command in between.
const INCREMENT = `
local expires = tonumber(redis.call('HGET', KEYS[1], 'e'))
local now = tonumber(ARGV[2])
if expires == nil or expires <= now then
  redis.call('HSET', KEYS[1], 'c', 1, 'e', ARGV[1])
  redis.call('PEXPIRE', KEYS[1], math.max(1, tonumber(ARGV[1]) - now))
  return 1
end
return redis.call('HINCRBY', KEYS[1], 'c', 1)
`;

/** Options for `RedisThrottleStore`. */
export interface RedisThrottleStoreOptions {
  /** Prefix of every Redis key, so Latchkey's counters stay apart from the app's keys. Default `"latchkey:throttle:"`. */
  readonly prefix?: string;
}

/**
 * Throttle counters in Redis, through an ioredis client (a single server or a `Cluster`:
 * each counter is one key). Storage errors reject, so the request is refused with 503.
 *
 * ```ts
 * const store = new RedisThrottleStore(new Redis(process.env.REDIS_URL));
 * createAuthEndpoints({ tokens, users, throttle: { store } });
 * ```
 */
export class RedisThrottleStore implements ThrottleStore {
  readonly #redis: Redis;
  readonly #prefix: string;

  /** `redis`: a connected ioredis client. */
  constructor(redis: Redis, options: RedisThrottleStoreOptions = {}) {
    this.#redis = redis;
    this.#prefix = options.prefix ?? 'latchkey:throttle:';
  }

  async increment(key: string, expiresAt: number, now: number): Promise<number> {
    return Number(await this.#redis.eval(INCREMENT, 1, this.#prefix + key, expiresAt, now));
  }

  async get(key: string, now: number): Promise<number> {
    const [count, expiresAt] = await this.#redis.hmget(this.#prefix + key, 'c', 'e');
    return count !== null && Number(expiresAt) > now ? Number(count) : 0;
  }
}
