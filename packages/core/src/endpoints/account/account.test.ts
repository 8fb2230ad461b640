// The account flows end to end through `createAuthEndpoints`: registration with activation,
// password change and reset, email change, their mailed links and pages, and what each
// refuses. Mail is collected, not sent; the host's `waitUntil` lets a test wait for it.
import { describe, expect, it } from 'vitest';
import type { EmailMessage } from '../../mail/mailer.ts';
import { MemoryOneTimeStore } from '../../one-time/memory-one-time-store.ts';
import { createOneTimeTokens, type OneTimeTokens } from '../../one-time/one-time-tokens.ts';
import { TimeLimitExceeded } from '../../time-limit.ts';
import type { MemoryUser } from '../../users/memory-user-store.ts';
import type { RegisterOptions } from '../register.ts';
import type { AuthEndpointsOptions } from '../router.ts';
import { endpointFixture, PASSWORD } from '../test-fixture.ts';
import type { AccountOptions } from './account.ts';

const INVALID_TOKEN = { token: ['Invalid token for given user.'] };
const ACCEPTED = { detail: 'If the address belongs to an account, a message has been sent to it.' };
const NEW_PASSWORD = 'a much longer passphrase';

async function accountFixture(
  account: Partial<AccountOptions> = {},
  register: RegisterOptions | boolean = true,
  endpoints: Partial<AuthEndpointsOptions<MemoryUser>> = {},
) {
  const mails: EmailMessage[] = [];
  const store = new MemoryOneTimeStore();
  let oneTime: OneTimeTokens | undefined;
  const fixture = await endpointFixture(({ now }) => {
    oneTime = createOneTimeTokens({ store, now });
    return {
      register,
      ...endpoints,
      account: {
        sendEmail: async (message) => {
          mails.push(message);
        },
        oneTimeTokens: oneTime,
        linkBase: 'https://app.test',
        activation: true,
        now,
        throttle: { now },
        ...account,
      },
    };
  });
  const { users, alice, bob, send, settle } = fixture;
  await users.updateUser(alice.id, { email: 'alice@example.org' });
  await users.updateUser(bob.id, { email: 'bob@example.org' });

  /** The mails sent to `to` since the last call, once the requests' background work is done. */
  const mailsTo = async (to: string) => {
    await settle();
    return mails.filter((mail) => mail.to === to);
  };
  /** The token of the last link mailed to `to`. */
  const tokenFor = async (to: string) => {
    const last = (await mailsTo(to)).at(-1);
    const token = /[?&]token=(lko_[A-Za-z0-9_-]+)/.exec(last?.text ?? '')?.[1];
    if (!token) throw new Error(`no link was mailed to ${to}`);
    return token;
  };
  const post = (path: string, json: unknown, token?: string) => send('POST', path, { json, ...(token && { token }) });
  const resetToken = async (email = 'alice@example.org') => {
    expect((await post('/auth/password/reset', { email })).status).toBe(202);
    return tokenFor(email);
  };
  return { ...fixture, mails, oneTime: oneTime!, oneTimeStore: store, mailsTo, tokenFor, post, resetToken };
}

describe('registration with activation', () => {
  it('creates an inactive user, answers 201 with the user and no token, and mails an activation link', async () => {
    const { post, users, tokenFor, mailsTo } = await accountFixture();
    const response = await post('/auth/register', { username: 'carol', password: PASSWORD, email: 'Carol@Example.org' });
    expect(response.status).toBe(201);
    const body = await response.json();
    expect(body).toEqual({ user: { id: '3', username: 'carol' } });
    const carol = await users.findByUsername('carol');
    expect([carol?.isActive, carol?.email]).toEqual([false, 'Carol@Example.org']);
    const [mail] = await mailsTo('Carol@Example.org');
    expect(mail?.subject).toBe('Activate your account on app.test');
    expect(mail?.text).toMatch(/^https:\/\/app\.test\/auth\/activate\?token=lko_\S+$/m);
    expect(mail?.html).toContain('href="https://app.test/auth/activate?token=lko_');
    expect(await tokenFor('Carol@Example.org')).toMatch(/^lko_/);
  });

  it('refuses logging in until the link is used; activating verifies the address; the link works once', async () => {
    const { post, send, users, tokenFor, now } = await accountFixture();
    await post('/auth/register', { username: 'carol', password: PASSWORD, email: 'carol@example.org' });
    expect((await post('/auth/token', { username: 'carol', password: PASSWORD })).status).toBe(400);
    const token = await tokenFor('carol@example.org');
    // A scanner following the link changes nothing.
    const page = await send('GET', `/auth/activate?token=${token}`);
    expect(page.status).toBe(200);
    expect((await users.findByUsername('carol'))?.isActive).toBe(false);
    expect((await post('/auth/activate', { token })).status).toBe(204);
    const carol = await users.findByUsername('carol');
    expect([carol?.isActive, carol?.emailVerifiedAt]).toEqual([true, now()]);
    expect((await post('/auth/token', { username: 'carol', password: PASSWORD })).status).toBe(200);
    const again = await post('/auth/activate', { token });
    expect([again.status, await again.json()]).toEqual([400, INVALID_TOKEN]);
  });

  it('requires a valid email that nobody has, ignoring case', async () => {
    const { post } = await accountFixture();
    const answers = [];
    for (const email of [undefined, '', 'not-an-address', 'ALICE@example.org']) {
      const response = await post('/auth/register', { username: 'carol', password: PASSWORD, email });
      answers.push([response.status, await response.json()]);
    }
    expect(answers).toEqual([
      [400, { email: ['This field is required.'] }],
      [400, { email: ['This field may not be blank.'] }],
      [400, { email: ['Enter a valid email address.'] }],
      [400, { email: ['user with this email address already exists.'] }],
    ]);
  });

  it('without activation, takes an optional email and issues a token; requireEmail makes it required', async () => {
    const { post, users } = await accountFixture({ activation: false });
    const response = await post('/auth/register', { username: 'carol', password: PASSWORD, email: 'carol@example.org' });
    expect(response.status).toBe(201);
    expect(await response.json()).toHaveProperty('token');
    expect((await users.findByUsername('carol'))?.isActive).toBe(true);
    expect((await post('/auth/register', { username: 'dave', password: PASSWORD })).status).toBe(201);
    const strict = await accountFixture({ activation: false }, { requireEmail: true });
    const refused = await strict.post('/auth/register', { username: 'dave', password: PASSWORD });
    expect(await refused.json()).toEqual({ email: ['This field is required.'] });
  });

  it('resend answers 202 with the same body for every address; only an inactive user gets a new link, and the old one dies', async () => {
    const { post, tokenFor, mailsTo } = await accountFixture();
    await post('/auth/register', { username: 'carol', password: PASSWORD, email: 'carol@example.org' });
    const first = await tokenFor('carol@example.org');
    const answers = [];
    for (const email of ['carol@example.org', 'alice@example.org', 'nobody@example.org']) {
      const response = await post('/auth/activate/resend', { email });
      answers.push([response.status, await response.json()]);
    }
    expect(answers).toEqual(Array(3).fill([202, ACCEPTED]));
    expect(await mailsTo('carol@example.org')).toHaveLength(2);
    expect(await mailsTo('alice@example.org')).toHaveLength(0);
    expect((await post('/auth/activate', { token: first })).status).toBe(400);
    expect((await post('/auth/activate', { token: await tokenFor('carol@example.org') })).status).toBe(204);
  });

  it("answers 403 with djoser's stale-token message for a user who is already active", async () => {
    const { post, users, tokenFor } = await accountFixture();
    await post('/auth/register', { username: 'carol', password: PASSWORD, email: 'carol@example.org' });
    const token = await tokenFor('carol@example.org');
    await users.setActive('3', true);
    const response = await post('/auth/activate', { token });
    expect([response.status, await response.json()]).toEqual([403, { detail: 'Stale token for given user.' }]);
  });
});

describe('password reset', () => {
  it('answers 202 with the same body for a known and an unknown address, and mails only the known one, as stored', async () => {
    const { post, mailsTo, mails, settle } = await accountFixture();
    const known = await post('/auth/password/reset', { email: 'ALICE@example.org' });
    const unknown = await post('/auth/password/reset', { email: 'nobody@example.org' });
    expect([known.status, await known.json()]).toEqual([unknown.status, await unknown.json()]);
    expect(known.status).toBe(202);
    await settle();
    expect(mails.map((mail) => mail.to)).toEqual(['alice@example.org']);
    const [mail] = await mailsTo('alice@example.org');
    expect(mail?.subject).toBe('Reset your password on app.test');
    expect(mail?.text).toContain('The link works once, for 1 hour.');
    expect(mail?.text).toMatch(/^https:\/\/app\.test\/auth\/password\/reset\/confirm\?token=lko_\S+$/m);
  });

  it('takes as long for an unknown address as for a known one (measured and printed, not asserted)', async () => {
    const { post, settle } = await accountFixture({ throttle: false });
    const time = async (email: string) => {
      const samples: number[] = [];
      for (let i = 0; i < 200; i++) {
        const start = performance.now();
        await post('/auth/password/reset', { email });
        samples.push(performance.now() - start);
        await settle();
      }
      samples.sort((a, b) => a - b);
      return samples[100]!;
    };
    await time('warm-up@example.org');
    const [known, unknown] = [await time('alice@example.org'), await time('nobody@example.org')];
    console.info(`password reset request, median of 200: known ${known.toFixed(3)} ms, unknown ${unknown.toFixed(3)} ms`);
  });

  it('sends nothing to an inactive user', async () => {
    const { post, users, mailsTo } = await accountFixture();
    await users.setActive('1', false);
    expect((await post('/auth/password/reset', { email: 'alice@example.org' })).status).toBe(202);
    expect(await mailsTo('alice@example.org')).toHaveLength(0);
  });

  it('confirm sets the new password under the rules and revokes every token of the user', async () => {
    const { post, send, login, resetToken, oneTime, users, now } = await accountFixture();
    const apiToken = await login('alice');
    const bobToken = await login('bob');
    const pending = await oneTime.issue('1', 'email-change', { data: 'x@example.org' });
    const token = await resetToken();
    expect((await send('GET', `/auth/password/reset/confirm?token=${token}`)).status).toBe(200);
    // A password the rules refuse leaves the link working.
    const weak = await post('/auth/password/reset/confirm', { token, new_password: 'alice' });
    expect([weak.status, await weak.json()]).toEqual([
      400,
      {
        new_password: [
          'The password is too similar to the username.',
          'This password is too short. It must contain at least 8 characters.',
        ],
      },
    ]);
    expect((await post('/auth/password/reset/confirm', { token, new_password: NEW_PASSWORD })).status).toBe(204);
    expect((await post('/auth/token', { username: 'alice', password: PASSWORD })).status).toBe(400);
    expect((await post('/auth/token', { username: 'alice', password: NEW_PASSWORD })).status).toBe(200);
    expect((await send('GET', '/auth/me', { token: apiToken })).status).toBe(401);
    expect((await send('GET', '/auth/me', { token: bobToken })).status).toBe(200);
    expect((await oneTime.redeem(pending.token, 'email-change')).ok).toBe(false);
    expect((await users.findById('1'))?.emailVerifiedAt).toBe(now());
  });

  it('refuses a reset token used twice', async () => {
    const { post, resetToken } = await accountFixture();
    const token = await resetToken();
    expect((await post('/auth/password/reset/confirm', { token, new_password: NEW_PASSWORD })).status).toBe(204);
    const again = await post('/auth/password/reset/confirm', { token, new_password: `${NEW_PASSWORD}!` });
    expect([again.status, await again.json()]).toEqual([400, INVALID_TOKEN]);
  });

  it('lets exactly one of two concurrent confirms through', async () => {
    const { post, resetToken } = await accountFixture();
    const token = await resetToken();
    const answers = await Promise.all(
      ['first passphrase!', 'second passphrase!'].map((new_password) => post('/auth/password/reset/confirm', { token, new_password })),
    );
    expect(answers.map((answer) => answer.status).sort()).toEqual([204, 400]);
  });

  it('refuses a reset token after it expires (one hour)', async () => {
    const { post, resetToken, advance } = await accountFixture();
    const token = await resetToken();
    advance(3_600_000);
    const late = await post('/auth/password/reset/confirm', { token, new_password: NEW_PASSWORD });
    expect([late.status, await late.json()]).toEqual([400, INVALID_TOKEN]);
  });

  it('refuses a reset token once the password changed, through the endpoint or behind its back', async () => {
    const { post, resetToken, login, users, passwords } = await accountFixture();
    const viaEndpoint = await resetToken();
    const token = await login('alice');
    const changed = await post('/auth/password/change', { current_password: PASSWORD, new_password: NEW_PASSWORD }, token);
    expect(changed.status).toBe(204);
    expect((await post('/auth/password/reset/confirm', { token: viaEndpoint, new_password: 'third passphrase' })).status).toBe(400);

    const behindItsBack = await resetToken();
    await users.setPasswordHash('1', await passwords.hash('set by an admin tool'));
    const refused = await post('/auth/password/reset/confirm', { token: behindItsBack, new_password: 'third passphrase' });
    expect([refused.status, await refused.json()]).toEqual([400, INVALID_TOKEN]);
  });

  it('refuses a reset token for any other purpose: activation, email change, authentication', async () => {
    const { post, send, resetToken } = await accountFixture();
    const token = await resetToken();
    expect(await (await post('/auth/activate', { token })).json()).toEqual(INVALID_TOKEN);
    expect(await (await post('/auth/email/change/confirm', { token })).json()).toEqual(INVALID_TOKEN);
    expect((await send('GET', '/auth/me', { token })).status).toBe(401);
    expect((await post('/auth/password/reset/confirm', { token, new_password: NEW_PASSWORD })).status).toBe(204);
  });

  it('throttles mail per address, known or not, with the same answer', async () => {
    const { post } = await accountFixture();
    const last = async (email: string) => {
      let response: Response | undefined;
      for (let i = 0; i < 6; i++) response = await post('/auth/password/reset', { email });
      return response!;
    };
    const known = await last('alice@example.org');
    const unknown = await last('nobody@example.org');
    expect([known.status, unknown.status]).toEqual([429, 429]);
    expect(await known.json()).toEqual(await unknown.json());
  });

  it('answers 202 even when the mailer fails, and reports the failure without the token', async () => {
    let sent = '';
    const { post, errors, settle } = await accountFixture({
      sendEmail: async (message) => {
        sent = message.text;
        throw new Error('SMTP refused the message');
      },
    });
    expect((await post('/auth/password/reset', { email: 'alice@example.org' })).status).toBe(202);
    await settle();
    const token = /token=(\S+)/.exec(sent)?.[1];
    expect(token).toMatch(/^lko_/);
    expect(errors).toHaveLength(1);
    expect(String(errors[0]) + JSON.stringify(errors[0])).not.toContain(token);
  });

  it('gives the work after the answer the time limit too: a lookup that never answers is reported', async () => {
    const { post, users, errors, settle } = await accountFixture({}, true, { timeout: 50 });
    users.findByEmail = () => new Promise(() => {});
    expect((await post('/auth/password/reset', { email: 'alice@example.org' })).status).toBe(202);
    await settle();
    expect(errors).toHaveLength(1);
    expect(errors[0]).toBeInstanceOf(TimeLimitExceeded);
  });

  it('fails closed with 503 when the one-time store fails', async () => {
    const { post, oneTimeStore, errors } = await accountFixture();
    oneTimeStore.find = async () => {
      throw new Error('disk gone');
    };
    const response = await post('/auth/password/reset/confirm', { token: 'lko_', new_password: NEW_PASSWORD });
    expect(response.status).toBe(400);
    const token = (await createOneTimeTokens({ store: new MemoryOneTimeStore() }).issue('1', 'password-reset')).token;
    const failed = await post('/auth/password/reset/confirm', { token, new_password: NEW_PASSWORD });
    expect(failed.status).toBe(503);
    expect(errors).toHaveLength(1);
  });
});

describe('password change', () => {
  it('needs the current password and a new one that passes the rules', async () => {
    const { post, login } = await accountFixture();
    const token = await login('alice');
    const wrong = await post('/auth/password/change', { current_password: 'guess', new_password: NEW_PASSWORD }, token);
    expect([wrong.status, await wrong.json()]).toEqual([400, { current_password: ['Invalid password.'] }]);
    const weak = await post('/auth/password/change', { current_password: PASSWORD, new_password: '12345678' }, token);
    expect(await weak.json()).toEqual({ new_password: ['This password is too common.', 'This password is entirely numeric.'] });
    const missing = await post('/auth/password/change', {}, token);
    expect(await missing.json()).toEqual({
      current_password: ['This field is required.'],
      new_password: ['This field is required.'],
    });
  });

  it("keeps the caller's token and revokes the user's others", async () => {
    const { post, send, login } = await accountFixture();
    const current = await login('alice');
    const other = await login('alice');
    const bobs = await login('bob');
    expect((await post('/auth/password/change', { current_password: PASSWORD, new_password: NEW_PASSWORD }, current)).status).toBe(204);
    expect((await send('GET', '/auth/me', { token: current })).status).toBe(200);
    expect((await send('GET', '/auth/me', { token: other })).status).toBe(401);
    expect((await send('GET', '/auth/me', { token: bobs })).status).toBe(200);
    expect((await post('/auth/token', { username: 'alice', password: NEW_PASSWORD })).status).toBe(200);
  });

  it('tells onTokenRevoked which tokens a password change and a reset revoked', async () => {
    const events: [string, string[]][] = [];
    const { post, login, resetToken } = await accountFixture({}, true, {
      hooks: { onTokenRevoked: ({ records, via }) => void events.push([via, records.map((record) => record.id)]) },
    });
    const current = await login('alice');
    await login('alice');
    await post('/auth/password/change', { current_password: PASSWORD, new_password: NEW_PASSWORD }, current);
    await post('/auth/password/reset/confirm', { token: await resetToken(), new_password: 'a third passphrase' });
    expect(events.map(([via, ids]) => [via, ids.length])).toEqual([['password-change', 1], ['password-reset', 1]]);
  });

  it('keeps the other tokens with revokeOtherTokens: false', async () => {
    const { post, send, login } = await accountFixture({ revokeOtherTokens: false });
    const current = await login('alice');
    const other = await login('alice');
    expect((await post('/auth/password/change', { current_password: PASSWORD, new_password: NEW_PASSWORD }, current)).status).toBe(204);
    expect((await send('GET', '/auth/me', { token: other })).status).toBe(200);
  });

  it('needs authentication', async () => {
    const { post } = await accountFixture();
    const response = await post('/auth/password/change', { current_password: PASSWORD, new_password: NEW_PASSWORD });
    expect(response.status).toBe(401);
  });

  it('throttles password guesses per user', async () => {
    const { post, login } = await accountFixture();
    const token = await login('alice');
    const statuses = [];
    for (let i = 0; i < 6; i++) {
      statuses.push((await post('/auth/password/change', { current_password: 'guess', new_password: NEW_PASSWORD }, token)).status);
    }
    expect(statuses).toEqual([400, 400, 400, 400, 400, 429]);
  });
});

describe('email change', () => {
  it('mails the new address, changes nothing until its link is used, then tells the old address', async () => {
    const { post, send, login, users, tokenFor, mailsTo, now } = await accountFixture();
    const token = await login('alice');
    const wrong = await post('/auth/email/change', { current_password: 'guess', new_email: 'alice@new.example' }, token);
    expect(await wrong.json()).toEqual({ current_password: ['Invalid password.'] });
    const asked = await post('/auth/email/change', { current_password: PASSWORD, new_email: 'Alice@New.example' }, token);
    expect(asked.status).toBe(202);
    const link = await tokenFor('Alice@New.example');
    expect((await users.findById('1'))?.email).toBe('alice@example.org');
    expect((await send('GET', `/auth/email/change/confirm?token=${link}`)).status).toBe(200);
    expect((await post('/auth/email/change/confirm', { token: link })).status).toBe(204);
    const alice = await users.findById('1');
    expect([alice?.email, alice?.emailVerifiedAt]).toEqual(['Alice@New.example', now()]);
    expect((await users.findByEmail('alice@new.example'))?.id).toBe('1');
    const [notice] = await mailsTo('alice@example.org');
    expect(notice?.subject).toBe('Your email address was changed on app.test');
    expect(notice?.text).toContain('is now Alice@New.example');
    expect((await post('/auth/email/change/confirm', { token: link })).status).toBe(400);
  });

  it("answers 202 for another user's address and mails nobody", async () => {
    const { post, login, mails, settle } = await accountFixture();
    const token = await login('alice');
    const response = await post('/auth/email/change', { current_password: PASSWORD, new_email: 'BOB@example.org' }, token);
    expect(response.status).toBe(202);
    await settle();
    expect(mails).toHaveLength(0);
  });

  it('refuses the link once the address it replaces has changed, or when the new one was taken meanwhile', async () => {
    const { post, login, users, tokenFor } = await accountFixture();
    const token = await login('alice');
    await post('/auth/email/change', { current_password: PASSWORD, new_email: 'one@example.org' }, token);
    const stale = await tokenFor('one@example.org');
    await users.updateUser('1', { email: 'elsewhere@example.org' });
    expect(await (await post('/auth/email/change/confirm', { token: stale })).json()).toEqual(INVALID_TOKEN);

    await post('/auth/email/change', { current_password: PASSWORD, new_email: 'two@example.org' }, token);
    const raced = await tokenFor('two@example.org');
    await users.updateUser('2', { email: 'two@example.org' });
    const taken = await post('/auth/email/change/confirm', { token: raced });
    expect([taken.status, await taken.json()]).toEqual([400, { new_email: ['user with this email address already exists.'] }]);
  });
});

describe('the link pages', () => {
  it('are small HTML pages that keep the token to themselves and run only their own script', async () => {
    const { send } = await accountFixture();
    for (const path of ['/auth/activate', '/auth/password/reset/confirm', '/auth/email/change/confirm']) {
      const page = await send('GET', `${path}?token=lko_<script>`);
      expect(page.headers.get('Content-Type')).toBe('text/html; charset=utf-8');
      expect(page.headers.get('Referrer-Policy')).toBe('no-referrer');
      expect(page.headers.get('Cache-Control')).toBe('no-store');
      expect(page.headers.get('Content-Security-Policy')).toMatch(/default-src 'none'; script-src 'sha256-[^']+'/);
      const html = await page.text();
      expect(html).not.toContain('lko_');
      expect(html).toContain('<button type="submit">');
    }
  });

  it('only the reset page asks for a password', async () => {
    const { send } = await accountFixture();
    expect(await (await send('GET', '/auth/password/reset/confirm')).text()).toContain('name="new_password"');
    expect(await (await send('GET', '/auth/activate')).text()).not.toContain('name="new_password"');
  });
});

describe('account options', () => {
  it('are refused at once when the mailer, one-time tokens, link base or user store methods are missing', async () => {
    const oneTimeTokens = createOneTimeTokens({ store: new MemoryOneTimeStore() });
    const sendEmail = async () => {};
    await expect(accountFixture({ linkBase: 'app.test' })).rejects.toThrow(TypeError);
    await expect(accountFixture({ linkBase: 'https://app.test/' })).rejects.toThrow(RangeError);
    await expect(accountFixture({ oneTimeTokens: undefined as unknown as OneTimeTokens })).rejects.toThrow(TypeError);
    await expect(accountFixture({ passwordResetTtl: 0, oneTimeTokens, sendEmail })).rejects.toThrow(RangeError);
    await expect(
      endpointFixture(({ users }) => {
        users.findByEmail = undefined as never;
        return { account: { sendEmail, oneTimeTokens, linkBase: 'https://app.test' } };
      }),
    ).rejects.toThrow('findByEmail');
  });

  it('leave activation unmounted unless it is on', async () => {
    const { send } = await accountFixture({ activation: false });
    await expect(send('POST', '/auth/activate', { json: { token: 'x' } })).rejects.toThrow('not answered');
  });
});
