import { describe, expect, it } from 'vitest';
import { basicAuth } from '../schemes/basic-auth.ts';
import { endpointFixture, PASSWORD } from './test-fixture.ts';

describe('POST /auth/logout: revoke the token that made the request (knox LogoutView)', () => {
  it('answers 204 and the token stops working', async () => {
    const { send, login } = await endpointFixture();
    const token = await login();
    const response = await send('POST', '/auth/logout', { token });
    expect(response.status).toBe(204);
    expect(await response.text()).toBe('');
    const again = await send('GET', '/auth/me', { token });
    expect(again.status).toBe(401);
    expect(await again.json()).toEqual({ detail: 'Invalid token.' });
  });

  it('leaves the user\'s other tokens alone', async () => {
    const { send, login } = await endpointFixture();
    const phone = await login();
    const laptop = await login();
    await send('POST', '/auth/logout', { token: phone });
    expect((await send('GET', '/auth/me', { token: laptop })).status).toBe(200);
  });

  it('answers an anonymous caller 401 with the token challenge', async () => {
    const { send } = await endpointFixture();
    const response = await send('POST', '/auth/logout');
    expect(response.status).toBe(401);
    expect(response.headers.get('WWW-Authenticate')).toBe('Token');
  });

  it('has nothing to revoke for a request authenticated without a token (Basic), and answers 204', async () => {
    const { send } = await endpointFixture(({ users, passwords }) => ({ authenticators: [basicAuth({ users, passwords })] }));
    const response = await send('POST', '/auth/logout', { headers: { Authorization: `Basic ${btoa(`alice:${PASSWORD}`)}` } });
    expect(response.status).toBe(204);
  });
});

describe('POST /auth/logout-all: revoke every token of the user (knox LogoutAllView)', () => {
  it('invalidates every token of that user, and no one else\'s', async () => {
    const { send, login, tokens, alice, bob } = await endpointFixture();
    const aliceTokens = [await login('alice'), await login('alice'), await login('alice')];
    const bobToken = await login('bob');
    expect((await send('POST', '/auth/logout-all', { token: aliceTokens[0] })).status).toBe(204);
    for (const token of aliceTokens) expect((await send('GET', '/auth/me', { token })).status).toBe(401);
    expect(await tokens.list(alice.id)).toEqual([]);
    expect((await send('GET', '/auth/me', { token: bobToken })).status).toBe(200);
    expect(await tokens.list(bob.id)).toHaveLength(1);
  });
});
