import { describe, expect, it, vi } from 'vitest';
import { endpointFixture, PASSWORD } from './test-fixture.ts';

type Fixture = Awaited<ReturnType<typeof endpointFixture>>;

const attempt = (send: Fixture['send'], username: string, client?: string | null, password = 'wrong') =>
  send('POST', '/auth/token', { json: { username, password }, ...(client !== undefined && { client }) });

async function expectThrottled(response: Response): Promise<number> {
  expect(response.status).toBe(429);
  const wait = Number(response.headers.get('Retry-After'));
  expect(wait).toBeGreaterThan(0);
  expect(await response.json()).toEqual({
    detail: `Request was throttled. Expected available in ${wait} second${wait === 1 ? '' : 's'}.`,
  });
  return wait;
}

describe('the login throttle: password guessing meets 429 with Retry-After', () => {
  it('allows 5 attempts per username a minute by default, from any address, then 429', async () => {
    const { send } = await endpointFixture();
    for (let i = 0; i < 5; i++) expect((await attempt(send, 'alice', `198.51.100.${i}`)).status).toBe(400);
    await expectThrottled(await attempt(send, 'alice', '198.51.100.99', PASSWORD));
    expect((await attempt(send, 'bob', '198.51.100.99', PASSWORD)).status).toBe(200);
  });

  it('lets the username try again once Retry-After has passed', async () => {
    const { send, advance } = await endpointFixture();
    for (let i = 0; i < 5; i++) await attempt(send, 'alice');
    const wait = await expectThrottled(await attempt(send, 'alice', undefined, PASSWORD));
    advance(wait * 1000);
    expect((await attempt(send, 'alice', undefined, PASSWORD)).status).toBe(200);
  });

  it('allows 30 attempts per client address a minute by default, across usernames, then 429', async () => {
    const { send } = await endpointFixture();
    for (let i = 0; i < 30; i++) expect((await attempt(send, `user${i}`)).status).toBe(400);
    await expectThrottled(await attempt(send, 'alice', undefined, PASSWORD));
    expect((await attempt(send, 'alice', '198.51.100.1', PASSWORD)).status).toBe(200);
  });

  it('counts a login without a client address by username alone, so such logins cannot lock everyone out', async () => {
    const { send } = await endpointFixture();
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    try {
      for (let i = 0; i < 40; i++) expect((await attempt(send, `user${i}`, null)).status).toBe(400);
      expect((await attempt(send, 'alice', null, PASSWORD)).status).toBe(200);
      for (let i = 0; i < 5; i++) await attempt(send, 'bob', null);
      await expectThrottled(await attempt(send, 'bob', null));
      // Said once, not once per request.
      expect(warn).toHaveBeenCalledTimes(1);
      expect(String(warn.mock.calls[0]?.[0])).toMatch(/without a client address/);
    } finally {
      warn.mockRestore();
    }
  });

  it('counts malformed attempts against the address too', async () => {
    const { send } = await endpointFixture({ throttle: { addressRate: '2/minute' } });
    for (let i = 0; i < 2; i++) expect((await send('POST', '/auth/token', { json: [] })).status).toBe(400);
    await expectThrottled(await attempt(send, 'alice', undefined, PASSWORD));
  });

  it('shares its counters between token and session logins', async () => {
    const { send } = await endpointFixture({ throttle: { usernameRate: '2/minute' } });
    await attempt(send, 'alice');
    await send('POST', '/auth/session', { json: { username: 'alice', password: 'wrong' } });
    await expectThrottled(await send('POST', '/auth/session', { json: { username: 'alice', password: PASSWORD } }));
  });

  it('can be turned off per rate with null, or entirely with false', async () => {
    const noUsername = await endpointFixture({ throttle: { usernameRate: null } });
    for (let i = 0; i < 10; i++) expect((await attempt(noUsername.send, 'alice')).status).toBe(400);
    const none = await endpointFixture({ throttle: false });
    for (let i = 0; i < 40; i++) expect((await attempt(none.send, 'alice')).status).toBe(400);
  });
});
