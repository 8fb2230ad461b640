import { describe, expect, it, vi } from 'vitest';
import type { MemoryUser } from '../users/memory-user-store.ts';
import type { AuthHooks, LoginFailedEvent } from './hooks.ts';
import { endpointFixture, PASSWORD } from './test-fixture.ts';

const credentials = { username: 'alice', password: PASSWORD };
const later = () => new Promise((resolve) => setTimeout(resolve, 1));
const broken = async () => {
  await later();
  throw new Error('hook failed');
};

describe('onTokenCreated', () => {
  it('is awaited with the user, the stored record (never the plaintext) and how it was issued', async () => {
    const seen: unknown[] = [];
    const hooks: AuthHooks<MemoryUser> = {
      onTokenCreated: async (event) => {
        await later();
        seen.push({ user: event.user.username, id: event.record.id, via: event.via });
      },
    };
    const { send, tokens, alice } = await endpointFixture({ hooks, register: true });
    const token = ((await (await send('POST', '/auth/token', { json: credentials })).json()) as { token: string }).token;
    await send('POST', '/auth/session', { json: credentials });
    await send('POST', '/auth/register', { json: { username: 'carol', password: 'a long and unusual passphrase' } });
    const [record] = await tokens.list(alice.id);
    expect(seen).toEqual([
      { user: 'alice', id: record!.id, via: 'token' },
      { user: 'alice', id: expect.any(String), via: 'session' },
      { user: 'carol', id: expect.any(String), via: 'register' },
    ]);
    expect(JSON.stringify(seen)).not.toContain(token);
  });

  it('throwing: 503, and the token is revoked before anyone saw it', async () => {
    const { send, tokens, alice, errors } = await endpointFixture({ hooks: { onTokenCreated: broken } });
    const response = await send('POST', '/auth/token', { json: credentials });
    expect(response.status).toBe(503);
    expect(await response.json()).toEqual({ detail: 'Service temporarily unavailable, try again later.' });
    expect(await tokens.list(alice.id)).toEqual([]);
    expect(errors).toEqual([new Error('hook failed')]);
  });

  it('throwing on a session login: 503 and no cookie', async () => {
    const { send, tokens, alice } = await endpointFixture({ hooks: { onTokenCreated: broken } });
    const response = await send('POST', '/auth/session', { json: credentials });
    expect(response.status).toBe(503);
    expect(response.headers.getSetCookie()).toEqual([]);
    expect(await tokens.list(alice.id)).toEqual([]);
  });

  it('throwing when the revocation fails too: both errors reach onError, still 503', async () => {
    const { send, store, errors } = await endpointFixture({ hooks: { onTokenCreated: broken } });
    store.revoke = async () => {
      throw new Error('store failed');
    };
    expect((await send('POST', '/auth/token', { json: credentials })).status).toBe(503);
    expect(errors[0]).toBeInstanceOf(AggregateError);
    expect((errors[0] as AggregateError).errors).toEqual([new Error('hook failed'), new Error('store failed')]);
  });
});

describe('onUserCreated', () => {
  const body = { username: 'carol', password: 'a long and unusual passphrase' };

  it('is awaited with the new user before the token is issued', async () => {
    const order: string[] = [];
    const { send } = await endpointFixture({
      register: true,
      hooks: {
        onUserCreated: async ({ user }) => {
          await later();
          order.push(`user ${user.username}`);
        },
        onTokenCreated: ({ via }) => {
          order.push(`token ${via}`);
        },
      },
    });
    expect((await send('POST', '/auth/register', { json: body })).status).toBe(201);
    expect(order).toEqual(['user carol', 'token register']);
  });

  it('can run DRF\'s recipe itself when registration issues no token', async () => {
    const { send, tokens } = await endpointFixture(({ tokens }) => ({
      register: { issueToken: false },
      hooks: {
        onUserCreated: async ({ user }) => {
          await tokens.create(user.id, { name: 'welcome' });
        },
      },
    }));
    expect((await send('POST', '/auth/register', { json: body })).status).toBe(201);
    expect((await tokens.list('3')).map((record) => record.name)).toEqual(['welcome']);
  });

  it('throwing: 503, the user is deleted and no token is left, so registering again works', async () => {
    let fail = true;
    const { send, users, tokens } = await endpointFixture(({ tokens }) => ({
      register: true,
      hooks: {
        onUserCreated: async ({ user }) => {
          await tokens.create(user.id, { name: 'made by the hook' });
          if (fail) throw new Error('hook failed');
        },
      },
    }));
    expect((await send('POST', '/auth/register', { json: body })).status).toBe(503);
    expect(await users.findByUsername('carol')).toBeNull();
    expect(await tokens.list('3')).toEqual([]);
    fail = false;
    expect((await send('POST', '/auth/register', { json: body })).status).toBe(201);
  });

  it('throwing in onTokenCreated during registration undoes the user as well', async () => {
    const { send, users } = await endpointFixture({ register: true, hooks: { onTokenCreated: broken } });
    expect((await send('POST', '/auth/register', { json: body })).status).toBe(503);
    expect(await users.findByUsername('carol')).toBeNull();
  });

  it('at the token limit because the hook issued tokens itself: 403, and the user is undone', async () => {
    const { send, users } = await endpointFixture(
      ({ tokens }) => ({
        register: true,
        hooks: {
          onUserCreated: async ({ user }) => {
            await tokens.create(user.id);
          },
        },
      }),
      { maxTokensPerUser: 1 },
    );
    expect((await send('POST', '/auth/register', { json: body })).status).toBe(403);
    expect(await users.findByUsername('carol')).toBeNull();
  });
});

describe('onTokenRevoked', () => {
  it('is awaited with the revoked records on logout, logout-all, revoke and session logout', async () => {
    const seen: [string, number][] = [];
    const { send, login, tokens, alice } = await endpointFixture({
      hooks: {
        onTokenRevoked: async ({ via, records }) => {
          await later();
          seen.push([via, records.length]);
        },
      },
    });
    await send('POST', '/auth/logout', { token: await login() });
    const keep = await login();
    await login();
    const [, other] = await tokens.list(alice.id);
    await send('DELETE', `/auth/tokens/${other!.id}`, { token: keep });
    await login();
    await send('POST', '/auth/logout-all', { token: keep });
    const session = await send('POST', '/auth/session', { json: credentials });
    const cookie = session.headers.getSetCookie().map((line) => line.split(';', 1)[0]).join('; ');
    const { csrf_token } = (await session.json()) as { csrf_token: string };
    await send('POST', '/auth/session/logout', { cookie, headers: { 'X-CSRFToken': csrf_token } });
    expect(seen).toEqual([
      ['logout', 1],
      ['revoke', 1],
      ['logout-all', 2],
      ['session-logout', 1],
    ]);
  });

  it('throwing: 503, and the revocation stands', async () => {
    const { send, login } = await endpointFixture({ hooks: { onTokenRevoked: broken } });
    const token = await login();
    expect((await send('POST', '/auth/logout', { token })).status).toBe(503);
    expect((await send('GET', '/auth/me', { token })).status).toBe(401);
  });
});

describe('onLoginFailed', () => {
  it('is awaited with the username and the reason, never the password', async () => {
    const onLoginFailed = vi.fn(async (_event: LoginFailedEvent) => {
      await later();
    });
    const { send, users, bob } = await endpointFixture({ hooks: { onLoginFailed } });
    await users.setActive(bob.id, false);
    await send('POST', '/auth/token', { json: { username: 'nobody', password: 'guess-1' } });
    await send('POST', '/auth/token', { json: { username: 'alice', password: 'guess-2' } });
    await send('POST', '/auth/session', { json: { username: 'bob', password: PASSWORD } });
    expect(onLoginFailed.mock.calls.map(([event]) => event)).toEqual([
      { username: 'nobody', reason: 'unknown-user', via: 'token' },
      { username: 'alice', reason: 'wrong-password', via: 'token' },
      { username: 'bob', reason: 'inactive', via: 'session' },
    ]);
    expect(JSON.stringify(onLoginFailed.mock.calls)).not.toMatch(/guess|correct horse/);
  });

  it('is not called for malformed input or a successful login', async () => {
    const onLoginFailed = vi.fn();
    const { send } = await endpointFixture({ hooks: { onLoginFailed } });
    await send('POST', '/auth/token', { json: { username: 'alice' } });
    await send('POST', '/auth/token', { json: credentials });
    expect(onLoginFailed).not.toHaveBeenCalled();
  });

  it('throwing: 503, and the login stays refused', async () => {
    const { send, tokens, alice } = await endpointFixture({ hooks: { onLoginFailed: broken } });
    expect((await send('POST', '/auth/token', { json: { username: 'alice', password: 'wrong' } })).status).toBe(503);
    expect(await tokens.list(alice.id)).toEqual([]);
  });
});
