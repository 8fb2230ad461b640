import { describe, expect, it } from 'vitest';
import { endpointFixture } from './test-fixture.ts';

describe('GET /auth/me: the current user', () => {
  it('answers the authenticated user as {id, username} by default', async () => {
    const { send, login, alice } = await endpointFixture();
    const response = await send('GET', '/auth/me', { token: await login() });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ id: alice.id, username: 'alice' });
  });

  it('answers through serializeUser when one is given', async () => {
    const { send, login } = await endpointFixture({ serializeUser: (user) => ({ handle: `@${user.username}` }) });
    expect(await (await send('GET', '/auth/me', { token: await login() })).json()).toEqual({ handle: '@alice' });
  });

  it('answers an anonymous caller 401 "Authentication credentials were not provided." with the Token challenge', async () => {
    const { send } = await endpointFixture();
    const response = await send('GET', '/auth/me');
    expect(response.status).toBe(401);
    expect(response.headers.get('WWW-Authenticate')).toBe('Token');
    expect(await response.json()).toEqual({ detail: 'Authentication credentials were not provided.' });
  });

  it('checks credentials before the method, as DRF views do', async () => {
    const { send, login } = await endpointFixture();
    expect((await send('POST', '/auth/me')).status).toBe(401);
    const response = await send('POST', '/auth/me', { token: await login() });
    expect(response.status).toBe(405);
    expect(response.headers.get('Allow')).toBe('GET, HEAD');
    expect(await response.json()).toEqual({ detail: 'Method "POST" not allowed.' });
  });

  it('refuses an inactive user\'s token: "User inactive or deleted."', async () => {
    const { send, login, users, alice } = await endpointFixture();
    const token = await login();
    await users.setActive(alice.id, false);
    expect(await (await send('GET', '/auth/me', { token })).json()).toEqual({ detail: 'User inactive or deleted.' });
  });
});
