import { afterEach, describe, expect, it, vi } from 'vitest';
import { basicAuth } from './basic-auth.ts';
import { loginThrottle } from '../endpoints/login-throttle.ts';
import { createAuthEndpoints } from '../endpoints/router.ts';
import { endpointFixture, PASSWORD } from '../endpoints/test-fixture.ts';
import { MemoryThrottleStore } from '../throttling/memory-throttle-store.ts';

// Basic credentials encoded as UTF-8, so non-latin-1 names can be sent.
const basic = (username: string, password: string) =>
  `Basic ${btoa(String.fromCharCode(...new TextEncoder().encode(`${username}:${password}`)))}`;

/** Endpoints whose authenticated routes take Basic, sharing one throttle on a clock the test moves. */
async function basicFixture() {
  let clock = 1_750_000_000_000;
  const throttle = loginThrottle({ store: new MemoryThrottleStore(), now: () => clock });
  const fixture = await endpointFixture(({ users, passwords }) => ({
    throttle,
    authenticators: [basicAuth({ users, passwords, throttle })],
  }));
  const me = (username: string, password: string, client?: string) =>
    fixture.send('GET', '/auth/me', { headers: { Authorization: basic(username, password) }, ...(client && { client }) });
  return { ...fixture, me, advanceClock: (ms: number) => (clock += ms) };
}

describe('Basic authentication counts wrong passwords against the login throttle', () => {
  afterEach(() => vi.restoreAllMocks());

  it('answers the 6th wrong guess for a username 429, and refuses the right password too until the window passes', async () => {
    const { me, send, advanceClock } = await basicFixture();
    for (let i = 0; i < 5; i++) expect((await me('alice', `wrong ${i}`, `198.51.100.${i}`)).status).toBe(401);
    const sixth = await me('alice', 'wrong 5', '198.51.100.5');
    expect(sixth.status).toBe(429);
    expect(Number(sixth.headers.get('Retry-After'))).toBeGreaterThan(0);
    expect((await me('alice', PASSWORD, '198.51.100.6')).status).toBe(429);
    // The same limit as the login endpoint's: alice's token login is refused as well.
    expect((await send('POST', '/auth/token', { json: { username: 'alice', password: PASSWORD } })).status).toBe(429);
    expect((await me('bob', PASSWORD)).status).toBe(200);
    advanceClock(2 * 60_000);
    expect((await me('alice', PASSWORD)).status).toBe(200);
  });

  it('counts a guess under another spelling of the name (fullwidth) against the same username', async () => {
    const { me } = await basicFixture();
    for (let i = 0; i < 5; i++) await me(i % 2 ? 'ａｌｉｃｅ' : 'alice', 'wrong', `198.51.100.${i}`);
    expect((await me('alice', PASSWORD, '198.51.100.9')).status).toBe(429);
  });

  it('checks the limit before the hash: a throttled guess derives nothing', async () => {
    const { me } = await basicFixture();
    for (let i = 0; i < 5; i++) await me('alice', 'wrong', `198.51.100.${i}`);
    const deriveBits = vi.spyOn(crypto.subtle, 'deriveBits');
    expect((await me('alice', 'wrong')).status).toBe(429);
    expect(deriveBits).not.toHaveBeenCalled();
  });

  it('counts per client address across usernames, 30 a minute as the login does', async () => {
    const { me } = await basicFixture();
    for (let i = 0; i < 30; i++) expect((await me(`user${i}`, 'wrong')).status).toBe(401);
    expect((await me('alice', PASSWORD)).status).toBe(429);
    expect((await me('alice', PASSWORD, '198.51.100.1')).status).toBe(200);
  });

  it('does not count the right password: a client sending it on every request is never throttled', async () => {
    const { me } = await basicFixture();
    for (let i = 0; i < 40; i++) expect((await me('alice', PASSWORD)).status).toBe(200);
  });

  it('shares the default throttle with createAuthEndpoints over the same user store, with no wiring', async () => {
    const { users, passwords, tokens } = await endpointFixture();
    const endpoints = createAuthEndpoints({ tokens, users, passwords, authenticators: [basicAuth({ users, passwords })] });
    const call = (path: string, init: RequestInit) => endpoints.handle(new Request(`https://app.test${path}`, init), { clientAddress: '192.0.2.1' });
    for (let i = 0; i < 5; i++) {
      expect((await call('/auth/me', { headers: { Authorization: basic('alice', 'wrong') } }))?.status).toBe(401);
    }
    const login = await call('/auth/token', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ username: 'alice', password: PASSWORD }),
    });
    expect(login?.status).toBe(429);
  });

  it('can be turned off with throttle: false', async () => {
    const { send } = await endpointFixture(({ users, passwords }) => ({
      authenticators: [basicAuth({ users, passwords, throttle: false })],
    }));
    for (let i = 0; i < 8; i++) {
      expect((await send('GET', '/auth/me', { headers: { Authorization: basic('alice', 'wrong') } })).status).toBe(401);
    }
  });
});
