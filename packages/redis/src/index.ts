/**
 * `@latchkey/redis`: rate limits shared by every instance of an app, in Redis. For the login
 * throttle of `createAuthEndpoints` and the rate throttles, wherever one process's
 * `MemoryThrottleStore` is not enough and the app has Redis rather than (or beside) a database.
 */
import { Redis } from 'ioredis';
import { RedisThrottleStore, type RedisThrottleStoreOptions } from './throttle-store.ts';

export { RedisThrottleStore, type RedisThrottleStoreOptions } from './throttle-store.ts';

/** Options for `openRedisThrottleStore`. */
export interface OpenRedisThrottleStoreOptions extends RedisThrottleStoreOptions {
  /** `redis://[:password@]host:port[/db]` or `rediss://…`. Required. */
  readonly url: string;
  /**
   * How long a command waits for a connection, in milliseconds, before it fails (core
   * answers 503). Default `5000`.
   */
  readonly connectTimeoutMs?: number;
}

/** What `openRedisThrottleStore` opens. */
export interface OpenRedisThrottleStore {
  /** The store, for the throttles' `store`. */
  readonly throttles: RedisThrottleStore;
  /** The underlying client. */
  readonly redis: Redis;
  /** Closes the connection. */
  close(): Promise<void>;
}

/**
 * Connects to Redis and returns the store over it. The client fails a command at once while
 * the server is unreachable, instead of ioredis's default of queueing it until the server is
 * back (requests would hang rather than be refused with 503), and reconnects in the
 * background.
 */
export async function openRedisThrottleStore(options: OpenRedisThrottleStoreOptions): Promise<OpenRedisThrottleStore> {
  const redis = new Redis(options.url, {
    lazyConnect: true,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    connectTimeout: options.connectTimeoutMs ?? 5_000,
  });
  // A dropped connection is an 'error' event, fatal when unhandled; commands meanwhile
  // reject (and the request with them), and ioredis reconnects by itself.
  redis.on('error', () => {});
  await redis.connect();
  return {
    throttles: new RedisThrottleStore(redis, options),
    redis,
    close: async () => {
      await redis.quit();
    },
  };
}
