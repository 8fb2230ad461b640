import { describe, expect, it } from 'vitest';
import { endpointFixture } from './test-fixture.ts';

interface Listed {
  id: string;
  current: boolean;
  expiry: string | null;
  last_used: string | null;
}

describe('GET /auth/tokens: the caller\'s own tokens', () => {
  it('lists them oldest first, marking the one in use, without any secret or digest', async () => {
    const { send, login, store, alice } = await endpointFixture();
    const first = await login();
    const second = await login();
    await login('bob');
    const response = await send('GET', '/auth/tokens', { token: second });
    expect(response.status).toBe(200);
    const text = await response.text();
    const records = await store.listForUser(alice.id);
    for (const secret of [first, second, ...records.map((record) => record.digest)]) expect(text).not.toContain(secret);
    const listed = JSON.parse(text) as Listed[];
    expect(listed.map((token) => token.current)).toEqual([false, true]);
    expect(Object.keys(listed[0]!).sort()).toEqual(['created', 'current', 'expiry', 'id', 'last_used', 'name', 'scopes']);
    expect(listed.map((token) => token.id)).toEqual(records.map((record) => record.id));
  });

  it('leaves out expired tokens', async () => {
    const { send, login, advance } = await endpointFixture({}, { ttl: 60_000 });
    await login();
    advance(30_000);
    const fresh = await login();
    advance(40_000);
    const listed = (await (await send('GET', '/auth/tokens', { token: fresh })).json()) as Listed[];
    expect(listed).toHaveLength(1);
    expect(listed[0]!.expiry).toBe(new Date(1_750_000_000_000 + 90_000).toISOString());
  });

  it('answers HEAD like GET, without a body', async () => {
    const { send, login } = await endpointFixture();
    const response = await send('HEAD', '/auth/tokens', { token: await login() });
    expect(response.status).toBe(200);
    expect(await response.text()).toBe('');
  });
});

describe('DELETE /auth/tokens/:id: revoke one of the caller\'s tokens', () => {
  it('answers 204 and that token stops working', async () => {
    const { send, login } = await endpointFixture();
    const keep = await login();
    const lost = await login();
    const [, target] = (await (await send('GET', '/auth/tokens', { token: keep })).json()) as Listed[];
    expect((await send('DELETE', `/auth/tokens/${target!.id}`, { token: keep })).status).toBe(204);
    expect((await send('GET', '/auth/me', { token: lost })).status).toBe(401);
    expect((await send('GET', '/auth/me', { token: keep })).status).toBe(200);
  });

  it('answers 404 "Not found." for someone else\'s token, which keeps working', async () => {
    const { send, login, tokens, bob } = await endpointFixture();
    const alice = await login('alice');
    const bobs = await login('bob');
    const [bobRecord] = await tokens.list(bob.id);
    const response = await send('DELETE', `/auth/tokens/${bobRecord!.id}`, { token: alice });
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({ detail: 'Not found.' });
    expect((await send('GET', '/auth/me', { token: bobs })).status).toBe(200);
  });

  it('answers 404 for an unknown id', async () => {
    const { send, login } = await endpointFixture();
    expect((await send('DELETE', '/auth/tokens/no-such-id', { token: await login() })).status).toBe(404);
  });

  it('refuses GET with 405 and Allow: DELETE', async () => {
    const { send, login } = await endpointFixture();
    const response = await send('GET', '/auth/tokens/some-id', { token: await login() });
    expect(response.status).toBe(405);
    expect(response.headers.get('Allow')).toBe('DELETE');
  });
});
