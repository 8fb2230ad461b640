import type { ThrottleStore } from './throttle-store.ts';

/** Options for `MemoryThrottleStore`. */
export interface MemoryThrottleStoreOptions {
  /** Most counters kept; past it, the oldest are dropped (expired ones first, if oldest). Default `100_000`. */
  readonly maxKeys?: number;
}

interface Counter {
  count: number;
  readonly expiresAt: number;
}

/**
 * Counters in this process's memory: right for one instance (a Bun or Deno server, a
 * single Node process). Several instances each count on their own; share a store then
 * (`@latchkey/drizzle`'s or `@latchkey/redis`'s).
 *
 * Memory is bounded by `maxKeys`, so a flood of distinct client addresses cannot exhaust
 * it, and the bound costs O(1) per new key. Counters are queued in the order their window
 * started (a restarted counter is queued again, its old place left stale), so the front of
 * the queue is the oldest. A new key at the cap drops the expired counters at the front,
 * then, if still full, the oldest live one: under such a flood the oldest counts are
 * forgotten early, which is the price of a bound. (Deleting from the front of a Map and
 * iterating it again is not O(1): V8 skips the deleted slots one by one.)
 */
export class MemoryThrottleStore implements ThrottleStore {
  readonly #counters = new Map<string, Counter>();
  // Window starts in order: [key, counter] pairs, read from `#head` on.
  #queue: Array<readonly [string, Counter]> = [];
  #head = 0;
  readonly #maxKeys: number;

  constructor(options: MemoryThrottleStoreOptions = {}) {
    this.#maxKeys = options.maxKeys ?? 100_000;
    if (!Number.isInteger(this.#maxKeys) || this.#maxKeys < 1) throw new RangeError('maxKeys must be a positive integer');
  }

  async increment(key: string, expiresAt: number, now: number): Promise<number> {
    const existing = this.#counters.get(key);
    if (existing && existing.expiresAt > now) return ++existing.count;
    if (!existing && this.#counters.size >= this.#maxKeys) this.#evict(now);
    const counter = { count: 1, expiresAt };
    this.#counters.set(key, counter);
    this.#queue.push([key, counter]);
    // Restarts leave stale pairs behind even below the cap: drop them now and then.
    if (this.#queue.length - this.#head > 2 * this.#maxKeys) this.#compact();
    return 1;
  }

  async get(key: string, now: number): Promise<number> {
    const counter = this.#counters.get(key);
    return counter && counter.expiresAt > now ? counter.count : 0;
  }

  // Amortised O(1): every queued pair is passed over once.
  #evict(now: number): void {
    while (this.#head < this.#queue.length) {
      const [key, counter] = this.#queue[this.#head]!;
      const current = this.#counters.get(key) === counter;
      const live = counter.expiresAt > now;
      if (current && live && this.#counters.size < this.#maxKeys) break;
      this.#head++;
      if (current) this.#counters.delete(key);
      if (current && live) break;
    }
    if (this.#head * 2 >= this.#queue.length) this.#compact();
  }

  // O(queue), run once the queue has grown by about as much again: amortised O(1).
  #compact(): void {
    this.#queue = this.#queue.slice(this.#head).filter(([key, counter]) => this.#counters.get(key) === counter);
    this.#head = 0;
  }
}
