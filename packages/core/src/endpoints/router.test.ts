import { describe, expect, it } from 'vitest';
import { MemoryTokenStore } from '../tokens/memory-token-store.ts';
import { MemoryUserStore } from '../users/memory-user-store.ts';
import { createTokenService } from '../tokens/token-service.ts';
import { createAuthEndpoints } from './router.ts';
import { endpointFixture, ORIGIN, PASSWORD } from './test-fixture.ts';

const credentials = { username: 'alice', password: PASSWORD };

describe('createAuthEndpoints: one handler, mounted under a prefix', () => {
  it('answers null for paths outside the prefix and unknown paths inside it, so the host carries on', async () => {
    const { endpoints } = await endpointFixture();
    for (const path of ['/', '/auth', '/authx/token', '/api/auth/token', '/auth/nothing', '/auth/tokens/a/b']) {
      expect(await endpoints.handle(new Request(ORIGIN + path, { method: 'POST' }))).toBeNull();
    }
  });

  it('exposes its prefix, "/auth" by default', async () => {
    expect((await endpointFixture()).endpoints.prefix).toBe('/auth');
  });

  it('mounts under another prefix, or at the root with ""', async () => {
    const nested = await endpointFixture({ prefix: '/api/v1/auth' });
    expect((await nested.send('POST', '/api/v1/auth/token', { json: credentials })).status).toBe(200);
    expect(await nested.endpoints.handle(new Request(`${ORIGIN}/auth/token`, { method: 'POST' }))).toBeNull();
    const root = await endpointFixture({ prefix: '' });
    expect((await root.send('POST', '/token', { json: credentials })).status).toBe(200);
  });

  it('accepts a trailing slash, DRF\'s habit', async () => {
    const { send } = await endpointFixture();
    expect((await send('POST', '/auth/token/', { json: credentials })).status).toBe(200);
  });

  it('refuses a bad prefix, body limit or missing store at construction', () => {
    const base = { tokens: createTokenService({ store: new MemoryTokenStore() }), users: new MemoryUserStore() };
    for (const prefix of ['auth', '/auth/', '/a b', '//auth']) {
      expect(() => createAuthEndpoints({ ...base, prefix })).toThrow(RangeError);
    }
    expect(() => createAuthEndpoints({ ...base, maxBodyBytes: 0 })).toThrow(RangeError);
    expect(() => createAuthEndpoints({ ...base, tokens: undefined as never })).toThrow(TypeError);
    expect(() => createAuthEndpoints({ ...base, throttle: { usernameRate: 'often' } })).toThrow(RangeError);
  });

  it('does not write to the options object it is given', async () => {
    const { tokens, users } = await endpointFixture();
    const options = Object.freeze({ tokens, users, session: Object.freeze({}), hooks: Object.freeze({}) });
    expect(() => createAuthEndpoints(options)).not.toThrow();
  });
});

describe('a failing store is 503, never 500 and never access', () => {
  it('answers 503 and tells onError when the user store throws during login', async () => {
    const { send, users, errors } = await endpointFixture();
    users.findByUsername = async () => {
      throw new Error('database is down');
    };
    const response = await send('POST', '/auth/token', { json: credentials });
    expect(response.status).toBe(503);
    expect(await response.json()).toEqual({ detail: 'Service temporarily unavailable, try again later.' });
    expect(errors).toHaveLength(1);
  });

  it('answers 503 when the token store throws on an authenticated route, without the token in any message', async () => {
    const { send, login, store, errors } = await endpointFixture();
    const token = await login();
    store.revokeForUser = async () => {
      throw new Error('database is down');
    };
    const response = await send('POST', '/auth/logout-all', { token });
    expect(response.status).toBe(503);
    expect(await response.text()).not.toContain(token);
    expect(String(errors[0])).not.toContain(token);
  });

  it('still answers 503 when onError itself throws', async () => {
    const { send, users } = await endpointFixture({
      onError: () => {
        throw new Error('logger is down');
      },
    });
    users.getPasswordHash = async () => {
      throw new Error('database is down');
    };
    expect((await send('POST', '/auth/token', { json: credentials })).status).toBe(503);
  });
});
