import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Authenticator } from './schemes/authenticator.ts';
import { createAuthEndpoints } from './endpoints/router.ts';
import { createLatchkey } from './latchkey.ts';
import { tokenAuth } from './schemes/token-auth.ts';
import { basicAuth } from './schemes/basic-auth.ts';
import { TimeLimitExceeded, withTimeLimit } from './time-limit.ts';
import { createTokenService } from './tokens/token-service.ts';
import type { TokenStore } from './tokens/token-store.ts';
import type { UserStore } from './users/user-store.ts';
import { basic, PASSWORD, request, world } from './test-support.ts';

const never = () => new Promise<never>(() => {});
const loginRequest = () =>
  new Request('https://app.test/auth/token', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ username: 'alice', password: PASSWORD }),
  });
const UNAVAILABLE = { detail: 'Service temporarily unavailable, try again later.' };

/** A token store whose every call never settles: a database that accepts and never replies. */
const silentTokenStore = (): TokenStore =>
  ({ insert: never, findByDigest: never, touch: never, revoke: never, revokeForUser: never, listForUser: never, purgeExpired: never }) as TokenStore;

describe('time limits: a store or hook that never answers is refused with 503', () => {
  afterEach(() => vi.useRealTimers());

  it('in the pipeline: a token store that never settles answers 503 and the handler does not run', async () => {
    const { users, tokenFor } = await world();
    const errors: unknown[] = [];
    const tokens = createTokenService({ store: silentTokenStore() });
    const api = createLatchkey({ authenticators: [tokenAuth({ tokens, users })], timeout: 50, onError: (e) => errors.push(e) });
    const handler = vi.fn(() => new Response('in'));
    const response = await api.protect(handler)(request({ Authorization: `Token ${await tokenFor('1')}` }));
    expect(response.status).toBe(503);
    expect(await response.json()).toEqual(UNAVAILABLE);
    expect(handler).not.toHaveBeenCalled();
    expect(errors).toEqual([new TimeLimitExceeded(50)]);
  });

  it('in the pipeline: a user store that never settles, behind Basic, answers 503', async () => {
    const { users } = await world();
    const silent: UserStore = { ...users, findByUsername: never, findById: never } as unknown as UserStore;
    const api = createLatchkey({ authenticators: [basicAuth({ users: silent, throttle: false })], timeout: 50, onError: () => {} });
    const response = await api.protect(() => new Response('in'))(request({ Authorization: basic('alice', PASSWORD) }));
    expect(response.status).toBe(503);
  });

  it('hands authenticators a signal that aborts at the limit, with the TimeLimitExceeded as reason', async () => {
    let seen: AbortSignal | undefined;
    const waiting: Authenticator = {
      name: 'waits',
      authenticate: (_request, host) => {
        seen = host.signal;
        return never();
      },
    };
    const response = await createLatchkey({ authenticators: [waiting], timeout: 30, onError: () => {} }).protect(() => new Response('in'))(request());
    expect(response.status).toBe(503);
    expect(seen?.aborted).toBe(true);
    expect(seen?.reason).toBeInstanceOf(TimeLimitExceeded);
  });

  it('ends with the host\'s own signal: a request the client left is refused without reporting a store failure', async () => {
    const onError = vi.fn();
    const waiting: Authenticator = { name: 'waits', authenticate: never };
    const left = new AbortController();
    const running = createLatchkey({ authenticators: [waiting], timeout: null, onError }).run(request(), { signal: left.signal });
    left.abort(new Error('client went away'));
    const outcome = await running;
    expect(outcome.ok || outcome.response.status).toBe(503);
    expect(onError).not.toHaveBeenCalled();
  });

  it('in the endpoints: a user store that never settles answers POST /auth/token 503', async () => {
    const { users, tokens } = await world();
    const silent = { ...users, findByUsername: never } as unknown as UserStore;
    const errors: unknown[] = [];
    const endpoints = createAuthEndpoints({ tokens, users: silent, timeout: 50, onError: (e) => errors.push(e), throttle: false });
    const response = await endpoints.handle(loginRequest());
    expect(response?.status).toBe(503);
    expect(errors).toEqual([new TimeLimitExceeded(50)]);
  });

  it('in the endpoints: a hook that never settles answers 503, and sees its signal abort', async () => {
    const { users, tokens, passwords } = await world();
    let hookSignal: AbortSignal | undefined;
    const endpoints = createAuthEndpoints({
      tokens,
      users,
      passwords,
      timeout: 50,
      throttle: false,
      onError: () => {},
      hooks: {
        onTokenCreated: (_event, context) => {
          hookSignal = context.host.signal;
          return never();
        },
      },
    });
    const response = await endpoints.handle(loginRequest());
    expect(response?.status).toBe(503);
    expect(hookSignal?.aborted).toBe(true);
  });

  it('in the endpoints: an authenticated route whose token store never settles answers 503', async () => {
    const { users, tokenFor } = await world();
    const tokens = createTokenService({ store: silentTokenStore() });
    const endpoints = createAuthEndpoints({ tokens, users, timeout: 50, onError: () => {} });
    const response = await endpoints.handle(new Request('https://app.test/auth/me', { headers: { Authorization: `Token ${await tokenFor('1')}` } }));
    expect(response?.status).toBe(503);
  });

  it('leaves no timer behind, whether the request succeeds, fails or times out', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const { users, tokens, passwords, tokenFor } = await world();
    const api = createLatchkey({ authenticators: [tokenAuth({ tokens, users })], onError: () => {} });
    const token = await tokenFor('1');
    expect((await api.protect(() => new Response('in'))(request({ Authorization: `Token ${token}` }))).status).toBe(200);
    expect((await api.protect(() => new Response('in'))(request())).status).toBe(401);
    const endpoints = createAuthEndpoints({ tokens, users, passwords, throttle: false });
    expect((await endpoints.handle(new Request('https://app.test/auth/me', { headers: { Authorization: `Token ${token}` } })))?.status).toBe(200);
    expect(vi.getTimerCount()).toBe(0);

    const silent = createLatchkey({ authenticators: [{ name: 'waits', authenticate: never }], timeout: 1_000, onError: () => {} });
    const pending = silent.run(request());
    expect(vi.getTimerCount()).toBe(1);
    await vi.advanceTimersByTimeAsync(1_000);
    expect((await pending).ok).toBe(false);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('withTimeLimit passes a result or an error through, and clears its timer', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    expect(await withTimeLimit(100, undefined, async () => 'done')).toBe('done');
    await expect(withTimeLimit(100, undefined, async () => Promise.reject(new Error('store down')))).rejects.toThrow('store down');
    await expect(withTimeLimit(100, undefined, () => { throw new Error('sync'); })).rejects.toThrow('sync');
    expect(vi.getTimerCount()).toBe(0);
  });

  it('refuses a timeout that is not a positive number of milliseconds or null, at construction', () => {
    for (const timeout of [0, -1, Number.NaN, Number.POSITIVE_INFINITY, '5' as unknown as number]) {
      expect(() => createLatchkey({ timeout })).toThrow(RangeError);
    }
    expect(() => createLatchkey({ timeout: null })).not.toThrow();
  });
});
