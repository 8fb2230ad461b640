/**
 * Remembered nonces, so that a signed request captured on the wire cannot be sent again
 * while its timestamp is still inside the allowed window. A nonce only has to be kept as
 * long as a request carrying it could still be accepted; after that the clock refuses it.
 */
import type { ThrottleStore } from '@latchkey/core';

/**
 * Nonces seen, each until its expiry. Times are milliseconds since the epoch.
 *
 * - `remember` MUST be atomic: of concurrent calls with one key (in any process sharing the
 *   store), exactly one resolves true.
 * - A key MUST be remembered at least until `expiresAt`; forgetting it early (evicting
 *   under memory pressure) would let a replay through, so a full store throws instead.
 * - Methods throw only when storage fails (the request is then refused with 503).
 */
export interface ReplayStore {
  /** True when `key` was not seen (and is now remembered), false for a replay. */
  remember(key: string, expiresAt: number, now: number): Promise<boolean>;
}

/** Options for `MemoryReplayStore`. */
export interface MemoryReplayStoreOptions {
  /** Most unexpired nonces kept; past it `remember` throws (503). Default `100_000`. */
  readonly maxKeys?: number;
}

/**
 * Nonces in this process's memory: right for one instance. Several instances each remember
 * their own, so a replay sent to another one passes; share a store then (`throttleReplayStore`).
 */
export class MemoryReplayStore implements ReplayStore {
  readonly #seen = new Map<string, number>();
  readonly #maxKeys: number;

  constructor(options: MemoryReplayStoreOptions = {}) {
    this.#maxKeys = options.maxKeys ?? 100_000;
    if (!Number.isInteger(this.#maxKeys) || this.#maxKeys < 1) throw new RangeError('maxKeys must be a positive integer');
  }

  async remember(key: string, expiresAt: number, now: number): Promise<boolean> {
    const until = this.#seen.get(key);
    if (until !== undefined && until > now) return false;
    if (until === undefined && this.#seen.size >= this.#maxKeys) {
      for (const [seen, expiry] of this.#seen) if (expiry <= now) this.#seen.delete(seen);
      if (this.#seen.size >= this.#maxKeys) throw new Error('replay store full');
    }
    this.#seen.set(key, expiresAt);
    return true;
  }
}

/**
 * A replay store over any throttle store's backend (libSQL, Redis, a Durable Object…):
 * its atomic `increment` returns 1 to exactly one caller, which is the first sighting.
 * Use a shared backend; `MemoryThrottleStore` drops old counters when full, which a replay
 * store must not do (use `MemoryReplayStore` in one process instead).
 */
export function throttleReplayStore(store: ThrottleStore, prefix = 'nonce:'): ReplayStore {
  return {
    async remember(key, expiresAt, now) {
      return (await store.increment(prefix + key, expiresAt, now)) === 1;
    },
  };
}
