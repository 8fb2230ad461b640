import type { ThrottleStore } from './throttle-store.ts';

/** Options for `MemoryThrottleStore`. */
export interface MemoryThrottleStoreOptions {
  /** Most counters kept; past it, expired ones are swept, then the oldest dropped. Default `100_000`. */
  readonly maxKeys?: number;
}

/**
 * Counters in this process's memory: right for one instance (a Bun or Deno server, a
 * single Node process). Several instances each count on their own; share a store then.
 * Memory is bounded by `maxKeys`, so a flood of distinct client addresses cannot exhaust it.
 */
export class MemoryThrottleStore implements ThrottleStore {
  readonly #counters = new Map<string, { count: number; expiresAt: number }>();
  readonly #maxKeys: number;

  constructor(options: MemoryThrottleStoreOptions = {}) {
    this.#maxKeys = options.maxKeys ?? 100_000;
    if (!Number.isInteger(this.#maxKeys) || this.#maxKeys < 1) throw new RangeError('maxKeys must be a positive integer');
  }

  async increment(key: string, expiresAt: number, now: number): Promise<number> {
    const counter = this.#counters.get(key);
    if (counter && counter.expiresAt > now) return ++counter.count;
    if (!counter && this.#counters.size >= this.#maxKeys) this.#evict(now);
    this.#counters.set(key, { count: 1, expiresAt });
    return 1;
  }

  async get(key: string, now: number): Promise<number> {
    const counter = this.#counters.get(key);
    return counter && counter.expiresAt > now ? counter.count : 0;
  }

  #evict(now: number): void {
    for (const [key, counter] of this.#counters) {
      if (counter.expiresAt <= now) this.#counters.delete(key);
    }
    // Maps iterate in insertion order, so the first keys are the oldest.
    for (const key of this.#counters.keys()) {
      if (this.#counters.size < this.#maxKeys) break;
      this.#counters.delete(key);
    }
  }
}
