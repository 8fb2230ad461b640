import { describe, expect, it, vi } from 'vitest';
import { createPasswordHasher } from '../users/password.ts';
import { endpointFixture, PASSWORD } from './test-fixture.ts';

const REFUSED = { non_field_errors: ['Unable to log in with provided credentials.'] };

async function answer(response: Response) {
  return { status: response.status, body: await response.json() };
}

describe('POST /auth/token: obtain a token (DRF obtain_auth_token, knox LoginView)', () => {
  it('answers 200 with a new token, its expiry and the user', async () => {
    const { send, tokens, alice } = await endpointFixture();
    const response = await send('POST', '/auth/token', { json: { username: 'alice', password: PASSWORD } });
    expect(response.status).toBe(200);
    const body = (await response.json()) as { token: string; expiry: string | null; user: unknown };
    expect(body).toEqual({ token: expect.stringMatching(/^lk_/), expiry: null, user: { id: alice.id, username: 'alice' } });
    expect((await tokens.verify(body.token)).ok).toBe(true);
  });

  it('gives the expiry as an ISO 8601 time when tokens expire', async () => {
    const { send } = await endpointFixture({}, { ttl: 3_600_000 });
    const { body } = await answer(await send('POST', '/auth/token', { json: { username: 'alice', password: PASSWORD } }));
    expect(body.expiry).toBe(new Date(1_750_000_000_000 + 3_600_000).toISOString());
  });

  it('issues a new token at every login, since hashed tokens cannot be shown twice (knox)', async () => {
    const { login, tokens, alice } = await endpointFixture();
    const first = await login();
    const second = await login();
    expect(first).not.toBe(second);
    expect(await tokens.list(alice.id)).toHaveLength(2);
  });

  it('shows the user through serializeUser, like a custom ObtainAuthToken view', async () => {
    const { send } = await endpointFixture({ serializeUser: (user) => ({ name: user.username, staff: user.isStaff }) });
    const { body } = await answer(await send('POST', '/auth/token', { json: { username: 'alice', password: PASSWORD } }));
    expect(body.user).toEqual({ name: 'alice', staff: false });
  });

  it('accepts a URL-encoded form', async () => {
    const { send } = await endpointFixture();
    const response = await send('POST', '/auth/token', { form: { username: 'alice', password: PASSWORD } });
    expect(response.status).toBe(200);
  });

  it('accepts a multipart form', async () => {
    const { send } = await endpointFixture();
    const form = new FormData();
    form.set('username', 'alice');
    form.set('password', PASSWORD);
    expect((await send('POST', '/auth/token', { body: form })).status).toBe(200);
  });

  it('takes the last value of a repeated form field, as Django does', async () => {
    const { send } = await endpointFixture();
    const body = new URLSearchParams([
      ['username', 'nobody'],
      ['username', 'alice'],
      ['password', PASSWORD],
    ]);
    expect((await send('POST', '/auth/token', { body })).status).toBe(200);
  });

  it('trims the username but never the password', async () => {
    const { send } = await endpointFixture();
    expect((await send('POST', '/auth/token', { json: { username: '  alice ', password: PASSWORD } })).status).toBe(200);
    const padded = await send('POST', '/auth/token', { json: { username: 'alice', password: ` ${PASSWORD}` } });
    expect(await answer(padded)).toEqual({ status: 400, body: REFUSED });
  });

  it('refuses a wrong password: 400 "Unable to log in with provided credentials."', async () => {
    const { send } = await endpointFixture();
    const response = await send('POST', '/auth/token', { json: { username: 'alice', password: 'wrong' } });
    expect(await answer(response)).toEqual({ status: 400, body: REFUSED });
  });

  it('refuses an unknown user with the same answer, after the same password hash', async () => {
    const { send, passwords } = await endpointFixture();
    const verify = vi.spyOn(passwords, 'verify');
    const response = await send('POST', '/auth/token', { json: { username: 'nobody', password: PASSWORD } });
    expect(await answer(response)).toEqual({ status: 400, body: REFUSED });
    expect(verify).toHaveBeenCalledWith(PASSWORD, null);
  });

  it('refuses an inactive user with the same answer', async () => {
    const { send, users, alice } = await endpointFixture();
    await users.setActive(alice.id, false);
    const response = await send('POST', '/auth/token', { json: { username: 'alice', password: PASSWORD } });
    expect(await answer(response)).toEqual({ status: 400, body: REFUSED });
  });

  it('names each missing field: "This field is required."', async () => {
    const { send } = await endpointFixture();
    expect(await answer(await send('POST', '/auth/token', { json: {} }))).toEqual({
      status: 400,
      body: { username: ['This field is required.'], password: ['This field is required.'] },
    });
    expect(await answer(await send('POST', '/auth/token', { json: { username: 'alice' } }))).toEqual({
      status: 400,
      body: { password: ['This field is required.'] },
    });
  });

  it('reads an empty body as an empty object, whatever its content type', async () => {
    const { send } = await endpointFixture();
    const response = await send('POST', '/auth/token', { headers: { 'Content-Type': 'text/plain' } });
    expect((await answer(response)).body).toEqual({
      username: ['This field is required.'],
      password: ['This field is required.'],
    });
  });

  it('refuses blank fields: "This field may not be blank."', async () => {
    const { send } = await endpointFixture();
    const response = await send('POST', '/auth/token', { json: { username: '   ', password: '' } });
    expect(await answer(response)).toEqual({
      status: 400,
      body: { username: ['This field may not be blank.'], password: ['This field may not be blank.'] },
    });
  });

  it('refuses lists, objects and booleans where a string belongs: "Not a valid string."', async () => {
    const { send } = await endpointFixture();
    for (const username of [['alice'], { name: 'alice' }, true]) {
      const response = await send('POST', '/auth/token', { json: { username, password: PASSWORD } });
      expect(await answer(response)).toEqual({ status: 400, body: { username: ['Not a valid string.'] } });
    }
  });

  it('refuses null: "This field may not be null."', async () => {
    const { send } = await endpointFixture();
    const response = await send('POST', '/auth/token', { json: { username: 'alice', password: null } });
    expect(await answer(response)).toEqual({ status: 400, body: { password: ['This field may not be null.'] } });
  });

  it('reads a number as its text, as DRF coerces numbers', async () => {
    const { send, users, passwords } = await endpointFixture();
    await users.createUser({ username: '1234', passwordHash: await passwords.hash('5678') });
    expect((await send('POST', '/auth/token', { json: { username: 1234, password: 5678 } })).status).toBe(200);
  });

  it('refuses null characters: "Null characters are not allowed."', async () => {
    const { send } = await endpointFixture();
    const response = await send('POST', '/auth/token', { json: { username: 'ali\u0000ce', password: PASSWORD } });
    expect((await answer(response)).body).toEqual({ username: ['Null characters are not allowed.'] });
  });

  it('refuses a JSON body that is not an object, naming its Python type', async () => {
    const { send } = await endpointFixture();
    const cases: [string, string][] = [
      ['["alice"]', 'list'],
      ['42', 'int'],
      ['4.2', 'float'],
      ['1e3', 'float'],
      ['"alice"', 'str'],
      ['true', 'bool'],
    ];
    for (const [body, type] of cases) {
      const response = await send('POST', '/auth/token', { body, headers: { 'Content-Type': 'application/json' } });
      expect(await answer(response)).toEqual({
        status: 400,
        body: { non_field_errors: [`Invalid data. Expected a dictionary, but got ${type}.`] },
      });
    }
  });

  it('answers a JSON null body "No data provided", as DRF does', async () => {
    const { send } = await endpointFixture();
    const response = await send('POST', '/auth/token', { body: 'null', headers: { 'Content-Type': 'application/json' } });
    expect(await answer(response)).toEqual({ status: 400, body: { non_field_errors: ['No data provided'] } });
  });

  it('refuses malformed JSON: 400 "JSON parse error - …", never echoing the body', async () => {
    const { send } = await endpointFixture();
    const body = `{"username": "alice", "password": "${PASSWORD}"`;
    const response = await send('POST', '/auth/token', { body, headers: { 'Content-Type': 'application/json' } });
    const { status, body: answered } = await answer(response);
    expect(status).toBe(400);
    expect(answered.detail).toMatch(/^JSON parse error - /);
    expect(answered.detail).not.toContain(PASSWORD);
  });

  it('refuses another content type: 415 \'Unsupported media type "text/plain" in request.\'', async () => {
    const { send } = await endpointFixture();
    const response = await send('POST', '/auth/token', { body: 'alice', headers: { 'Content-Type': 'text/plain' } });
    expect(await answer(response)).toEqual({ status: 415, body: { detail: 'Unsupported media type "text/plain" in request.' } });
  });

  it('refuses another method: 405 \'Method "GET" not allowed.\' with Allow', async () => {
    const { send } = await endpointFixture();
    const response = await send('GET', '/auth/token');
    expect(response.headers.get('Allow')).toBe('POST');
    expect(await answer(response)).toEqual({ status: 405, body: { detail: 'Method "GET" not allowed.' } });
  });

  it('refuses a body over maxBodyBytes with 413, declared or streamed', async () => {
    const { send } = await endpointFixture({ maxBodyBytes: 100 });
    const big = JSON.stringify({ username: 'alice', password: 'x'.repeat(200) });
    const streamed = await send('POST', '/auth/token', { body: big, headers: { 'Content-Type': 'application/json' } });
    expect(await answer(streamed)).toEqual({ status: 413, body: { detail: 'Request body is larger than 100 bytes.' } });
    const declared = await send('POST', '/auth/token', {
      body: '{}',
      headers: { 'Content-Type': 'application/json', 'Content-Length': '5000' },
    });
    expect(declared.status).toBe(413);
  });

  it('refuses a login past the per-user token limit: 403 with knox\'s wording', async () => {
    const { send, login } = await endpointFixture({}, { maxTokensPerUser: 1 });
    await login();
    const response = await send('POST', '/auth/token', { json: { username: 'alice', password: PASSWORD } });
    expect(await answer(response)).toEqual({
      status: 403,
      body: { detail: 'Maximum amount of tokens allowed per user exceeded.' },
    });
  });

  it('upgrades a password hash made with older parameters on login', async () => {
    const { login, users, passwords, alice } = await endpointFixture();
    await users.setPasswordHash(alice.id, await createPasswordHasher({ iterations: 500 }).hash(PASSWORD));
    await login();
    const upgraded = (await users.getPasswordHash(alice.id))!;
    expect(passwords.needsRehash(upgraded)).toBe(false);
    expect(await passwords.verify(PASSWORD, upgraded)).toBe(true);
  });
});
