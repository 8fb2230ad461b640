import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createLatchkey } from './latchkey.ts';
import { tokenAuth } from './schemes/token-auth.ts';
import { createDeadlineQueue, TimeLimitExceeded } from './time-limit.ts';
import { request, world } from './test-support.ts';

const never = () => new Promise<never>(() => {});

describe('createDeadlineQueue: one timer for every call in flight', () => {
  // The queue's clock moves with the fake timers, so deadlines and timers agree.
  let clock = 0;
  const now = () => clock;
  const advance = async (ms: number) => {
    clock += ms;
    await vi.advanceTimersByTimeAsync(ms);
  };
  beforeEach(() => {
    clock = 0;
    vi.useFakeTimers();
  });
  afterEach(() => vi.useRealTimers());

  it('rejects work that never settles with TimeLimitExceeded at the limit, and leaves no timer', async () => {
    const queue = createDeadlineQueue(100, now);
    const outcome = queue.run(undefined, never).catch((error: unknown) => error);
    await advance(99);
    expect(queue.size).toBe(1);
    await advance(1);
    expect(await outcome).toEqual(new TimeLimitExceeded(100));
    expect(queue.size).toBe(0);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('keeps one timer for many calls, expires each at its own deadline, and none is left when idle', async () => {
    const queue = createDeadlineQueue(100, now);
    const first = queue.run(undefined, never).catch((error: unknown) => error);
    await advance(40);
    let settleSecond: (value: string) => void = () => {};
    const second = queue.run(undefined, () => new Promise<string>((resolve) => (settleSecond = resolve)));
    const third = queue.run(undefined, never).catch((error: unknown) => error);
    expect(vi.getTimerCount()).toBe(1);
    expect(queue.size).toBe(3);
    await advance(60);
    expect(await first).toBeInstanceOf(TimeLimitExceeded);
    expect(queue.size).toBe(2);
    settleSecond('answered');
    expect(await second).toBe('answered');
    expect(queue.size).toBe(1);
    await advance(39);
    expect(queue.size).toBe(1);
    await advance(1);
    expect(await third).toBeInstanceOf(TimeLimitExceeded);
    expect(queue.size).toBe(0);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('clears the timer as soon as the last call in flight settles', async () => {
    const queue = createDeadlineQueue(5_000, now);
    expect(await queue.run(undefined, async () => 'fast')).toBe('fast');
    await expect(queue.run(undefined, () => Promise.reject(new Error('store down')))).rejects.toThrow('store down');
    expect(queue.size).toBe(0);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('makes the signal only for work that reads it, and aborts it at the limit with the reason', async () => {
    const queue = createDeadlineQueue(50, now);
    let early: AbortSignal | undefined;
    let late: () => AbortSignal = () => AbortSignal.abort();
    const reading = queue.run(undefined, (signal) => ((early = signal()), never())).catch(() => {});
    const notReading = queue.run(undefined, (signal) => ((late = signal), never())).catch(() => {});
    expect(early?.aborted).toBe(false);
    await advance(50);
    await Promise.all([reading, notReading]);
    expect(early?.aborted).toBe(true);
    expect(early?.reason).toBeInstanceOf(TimeLimitExceeded);
    // Read only after the limit passed: made already aborted.
    expect(late().aborted).toBe(true);
    expect(late().reason).toBeInstanceOf(TimeLimitExceeded);
  });

  it('ends with the outer signal, with its reason, before the limit', async () => {
    const queue = createDeadlineQueue(1_000, now);
    const outer = new AbortController();
    const outcome = queue.run(outer.signal, never).catch((error: unknown) => error);
    const left = new Error('client went away');
    outer.abort(left);
    expect(await outcome).toBe(left);
    expect(queue.size).toBe(0);
    expect(vi.getTimerCount()).toBe(0);
    await expect(queue.run(outer.signal, async () => 'late')).rejects.toBe(left);
  });

  it('with no limit (null) sets no timer and still ends with the outer signal', async () => {
    const queue = createDeadlineQueue(null, now);
    const outer = new AbortController();
    const outcome = queue.run(outer.signal, never).catch((error: unknown) => error);
    expect(vi.getTimerCount()).toBe(0);
    outer.abort(new Error('gone'));
    expect(await outcome).toEqual(new Error('gone'));
  });

  it('leaves no timer behind a pipeline once its requests are answered', async () => {
    const { tokens, users, tokenFor } = await world();
    const api = createLatchkey({ authenticators: [tokenAuth({ tokens, users })] });
    const token = await tokenFor('1');
    const outcomes = await Promise.all([1, 2, 3].map(() => api.run(request({ Authorization: `Token ${token}` }))));
    expect(outcomes.map((outcome) => outcome.ok)).toEqual([true, true, true]);
    expect(vi.getTimerCount()).toBe(0);
  });
});
