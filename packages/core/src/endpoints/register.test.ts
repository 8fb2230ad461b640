import { describe, expect, it } from 'vitest';
import { ORIGIN, endpointFixture } from './test-fixture.ts';

const STRONG = 'a long and unusual passphrase';

async function answer(response: Response) {
  return { status: response.status, body: await response.json() };
}

describe('POST /auth/register: create a user, then a token (djoser, DRF\'s post_save recipe)', () => {
  it('is off unless enabled', async () => {
    const { endpoints } = await endpointFixture();
    expect(await endpoints.handle(new Request(`${ORIGIN}/auth/register`, { method: 'POST' }))).toBeNull();
  });

  it('answers 201 with a token, its expiry and the new user, who can then log in', async () => {
    const { send, users } = await endpointFixture({ register: true });
    const response = await send('POST', '/auth/register', { json: { username: 'carol', password: STRONG } });
    const { status, body } = await answer(response);
    const carol = (await users.findByUsername('carol'))!;
    expect(status).toBe(201);
    expect(body).toEqual({ token: expect.stringMatching(/^lk_/), expiry: null, user: { id: carol.id, username: 'carol' } });
    expect((await send('GET', '/auth/me', { token: body.token })).status).toBe(200);
    expect((await send('POST', '/auth/token', { json: { username: 'carol', password: STRONG } })).status).toBe(200);
  });

  it('answers 201 with the user alone when issueToken is false', async () => {
    const { send, tokens } = await endpointFixture({ register: { issueToken: false } });
    const { status, body } = await answer(await send('POST', '/auth/register', { form: { username: 'carol', password: STRONG } }));
    expect(status).toBe(201);
    expect(body).toEqual({ user: { id: '3', username: 'carol' } });
    expect(await tokens.list('3')).toEqual([]);
  });

  it('refuses a taken username: "A user with that username already exists.", before any password rule', async () => {
    const { send } = await endpointFixture({ register: true });
    const response = await send('POST', '/auth/register', { json: { username: 'alice', password: 'alice' } });
    expect(await answer(response)).toEqual({ status: 400, body: { username: ['A user with that username already exists.'] } });
  });

  it('refuses usernames with other characters than letters, digits and @/./+/-/_', async () => {
    const { send } = await endpointFixture({ register: true });
    const response = await send('POST', '/auth/register', { json: { username: 'carol smith', password: STRONG } });
    expect(await answer(response)).toEqual({
      status: 400,
      body: { username: ['Enter a valid username. This value may contain only letters, numbers, and @/./+/-/_ characters.'] },
    });
    expect((await send('POST', '/auth/register', { json: { username: 'zoë.o+1@x_y-z', password: STRONG } })).status).toBe(201);
  });

  it('refuses usernames over 150 characters', async () => {
    const { send } = await endpointFixture({ register: true });
    const response = await send('POST', '/auth/register', { json: { username: 'a'.repeat(151), password: STRONG } });
    expect((await answer(response)).body).toEqual({ username: ['Ensure this field has no more than 150 characters.'] });
  });

  it('reports missing fields like the login does', async () => {
    const { send } = await endpointFixture({ register: true });
    expect((await answer(await send('POST', '/auth/register', { json: {} }))).body).toEqual({
      username: ['This field is required.'],
      password: ['This field is required.'],
    });
  });

  it('refuses a password shorter than 8 characters', async () => {
    const { send } = await endpointFixture({ register: true });
    const response = await send('POST', '/auth/register', { json: { username: 'carol', password: 'x7#kQ' } });
    expect(await answer(response)).toEqual({
      status: 400,
      body: { password: ['This password is too short. It must contain at least 8 characters.'] },
    });
  });

  it('refuses a password equal to the username', async () => {
    const { send } = await endpointFixture({ register: true });
    const response = await send('POST', '/auth/register', { json: { username: 'carol-the-great', password: 'Carol-The-Great' } });
    expect((await answer(response)).body).toEqual({ password: ['The password is too similar to the username.'] });
  });

  it('refuses a common password', async () => {
    const { send } = await endpointFixture({ register: true });
    const response = await send('POST', '/auth/register', { json: { username: 'carol', password: 'Password123' } });
    expect((await answer(response)).body).toEqual({ password: ['This password is too common.'] });
  });

  it('reports every problem at once, in Django\'s order', async () => {
    const { send } = await endpointFixture({ register: true });
    const response = await send('POST', '/auth/register', { json: { username: 'carol', password: '123456' } });
    expect((await answer(response)).body).toEqual({
      password: [
        'This password is too short. It must contain at least 8 characters.',
        'This password is too common.',
        'This password is entirely numeric.',
      ],
    });
  });

  it('takes its own minimum length and common-password list', async () => {
    const { send } = await endpointFixture({ register: { minPasswordLength: 12, commonPasswords: ['Tr0ub4dor&3'] } });
    const short = await send('POST', '/auth/register', { json: { username: 'carol', password: 'unusual-ish' } });
    expect((await answer(short)).body.password).toEqual(['This password is too short. It must contain at least 12 characters.']);
    const common = await send('POST', '/auth/register', { json: { username: 'carol', password: ' tr0ub4dor&3 ' } });
    expect((await answer(common)).body.password).toEqual(['This password is too common.']);
  });

  it('is throttled per client address', async () => {
    const { send } = await endpointFixture({ register: true, throttle: { addressRate: '1/minute' } });
    await send('POST', '/auth/register', { json: {} });
    expect((await send('POST', '/auth/register', { json: { username: 'carol', password: STRONG } })).status).toBe(429);
  });

  it('normalises usernames with NFKC, as Django does: look-alike spellings of a taken name are taken', async () => {
    const { send, users } = await endpointFixture({ register: true });
    for (const username of ['ａｌｉｃｅ', '𝐚lice']) {
      const response = await send('POST', '/auth/register', { json: { username, password: STRONG } });
      expect(await answer(response)).toEqual({ status: 400, body: { username: ['A user with that username already exists.'] } });
    }
    const response = await send('POST', '/auth/register', { json: { username: 'ﬁle', password: STRONG } });
    expect((await answer(response)).body.user.username).toBe('file');
    expect(await users.findByUsername('ﬁle')).toBeNull();
    // Logging in under another spelling of the same name works, and counts against the same name.
    expect((await send('POST', '/auth/token', { json: { username: 'ｆｉｌｅ', password: STRONG } })).status).toBe(200);
  });
});
