// Passwordless login end to end through `createAuthEndpoints`: emailed codes and magic links,
// what each refuses, and that neither the answer nor the work before it tells who has an
// account. Mail is collected; the host's `waitUntil` lets a test wait for it.
import { describe, expect, it, vi } from 'vitest';
import type { EmailMessage } from '../../mail/mailer.ts';
import { MemoryOneTimeStore } from '../../one-time/memory-one-time-store.ts';
import { createOneTimeTokens } from '../../one-time/one-time-tokens.ts';
import { createLoginCodes, type LoginCodesOptions } from '../../passwordless/login-codes.ts';
import { endpointFixture } from '../test-fixture.ts';
import type { PasswordlessOptions } from './passwordless.ts';

const ACCEPTED = { detail: 'If the address belongs to an account, a message has been sent to it.' };
const INVALID_CODE = { code: ['Invalid code.'] };
const INVALID_TOKEN = { token: ['Invalid token for given user.'] };

async function passwordlessFixture(
  options: Partial<PasswordlessOptions> = {},
  codeOptions: Partial<LoginCodesOptions> = {},
  endpointOptions: { throttle?: false } = {},
) {
  const mails: EmailMessage[] = [];
  const store = new MemoryOneTimeStore();
  const fixture = await endpointFixture(({ now }) => ({
    passwordless: {
      sendEmail: async (message) => {
        mails.push(message);
      },
      codes: createLoginCodes({ store, now, ...codeOptions }),
      magicLinks: createOneTimeTokens({ store, now }),
      linkBase: 'https://app.test',
      throttle: { now },
      now,
      ...options,
    },
    ...endpointOptions,
  }));
  const { users, alice, bob, send, settle } = fixture;
  await users.updateUser(alice.id, { email: 'alice@example.org' });
  await users.updateUser(bob.id, { email: 'bob@example.org' });
  const post = (path: string, json: unknown, client?: string) => send('POST', path, { json, ...(client && { client }) });
  const mailsTo = async (to: string) => {
    await settle();
    return mails.filter((mail) => mail.to === to);
  };
  /** Asks for a code for `email` and reads it from the mail. */
  const codeFor = async (email = 'alice@example.org') => {
    expect((await post('/auth/code', { email })).status).toBe(202);
    const code = /login code is (\d+)/.exec((await mailsTo(email)).at(-1)?.text ?? '')?.[1];
    if (!code) throw new Error(`no code was mailed to ${email}`);
    return code;
  };
  const linkFor = async (email = 'alice@example.org') => {
    expect((await post('/auth/magic-link', { email })).status).toBe(202);
    const link = /https:\/\/\S+/.exec((await mailsTo(email)).at(-1)?.text ?? '')?.[0];
    if (!link) throw new Error(`no link was mailed to ${email}`);
    return new URL(link);
  };
  return { ...fixture, mails, oneTimeStore: store, post, mailsTo, codeFor, linkFor };
}

describe('emailed login codes', () => {
  it('mails a six-digit code that logs in once, with the token endpoint\'s answer', async () => {
    const { post, codeFor, send } = await passwordlessFixture();
    const code = await codeFor();
    expect(code).toMatch(/^\d{6}$/);
    const response = await post('/auth/code/verify', { email: 'alice@example.org', code });
    expect(response.status).toBe(200);
    const body = (await response.json()) as { token: string; expiry: unknown; user: unknown };
    expect(Object.keys(body)).toEqual(['token', 'expiry', 'user']);
    expect((await send('GET', '/auth/me', { token: body.token })).status).toBe(200);
  });

  it('refuses a replayed code', async () => {
    const { post, codeFor } = await passwordlessFixture();
    const code = await codeFor();
    expect((await post('/auth/code/verify', { email: 'alice@example.org', code })).status).toBe(200);
    const again = await post('/auth/code/verify', { email: 'alice@example.org', code });
    expect(again.status).toBe(400);
    expect(await again.json()).toEqual(INVALID_CODE);
  });

  it('refuses a code after its fifteen minutes', async () => {
    const { post, codeFor, advance } = await passwordlessFixture();
    const code = await codeFor();
    advance(15 * 60_000);
    expect(await (await post('/auth/code/verify', { email: 'alice@example.org', code })).json()).toEqual(INVALID_CODE);
  });

  it('kills a code after five wrong guesses: the right one is then refused too', async () => {
    // The login throttle off, so only the code's own count of attempts is at work.
    const { post, codeFor } = await passwordlessFixture({}, {}, { throttle: false });
    const code = await codeFor();
    const wrong = code === '000000' ? '000001' : '000000';
    for (let guess = 0; guess < 5; guess++) {
      expect(await (await post('/auth/code/verify', { email: 'alice@example.org', code: wrong })).json()).toEqual(INVALID_CODE);
    }
    expect(await (await post('/auth/code/verify', { email: 'alice@example.org', code })).json()).toEqual(INVALID_CODE);
  });

  it('survives four wrong guesses', async () => {
    const { post, codeFor } = await passwordlessFixture({}, {}, { throttle: false });
    const code = await codeFor();
    const wrong = code === '000000' ? '000001' : '000000';
    for (let guess = 0; guess < 4; guess++) await post('/auth/code/verify', { email: 'alice@example.org', code: wrong });
    expect((await post('/auth/code/verify', { email: 'alice@example.org', code })).status).toBe(200);
  });

  it('throttles verifies per address on top of each code\'s attempts', async () => {
    const { post, codeFor } = await passwordlessFixture();
    await codeFor();
    const answers = [];
    for (let guess = 0; guess < 6; guess++) answers.push((await post('/auth/code/verify', { email: 'alice@example.org', code: '999999' })).status);
    expect(answers.at(-1)).toBe(429);
  });

  it("refuses a code with another user's address, and keeps it good for its own", async () => {
    const { post, codeFor } = await passwordlessFixture();
    const code = await codeFor('alice@example.org');
    await codeFor('bob@example.org');
    expect(await (await post('/auth/code/verify', { email: 'bob@example.org', code })).json()).toEqual(INVALID_CODE);
    expect(await (await post('/auth/code/verify', { email: 'nobody@example.org', code })).json()).toEqual(INVALID_CODE);
    expect((await post('/auth/code/verify', { email: 'ALICE@example.org', code })).status).toBe(200);
  });

  it('counts a burst of concurrent guesses, even with the login throttle off: the right code sent after 39 wrong ones fails', async () => {
    const { post, codeFor } = await passwordlessFixture({}, {}, { throttle: false });
    const code = await codeFor();
    const wrong = Array.from({ length: 39 }, (_, index) => String((Number(code) + 1 + index) % 1_000_000).padStart(6, '0'));
    const answers = await Promise.all([...wrong, code].map((guess) => post('/auth/code/verify', { email: 'alice@example.org', code: guess })));
    expect(answers.map((answer) => answer.status)).toEqual(Array.from({ length: 40 }, () => 400));
    expect(await (await post('/auth/code/verify', { email: 'alice@example.org', code })).json()).toEqual(INVALID_CODE);
  });

  it('lets exactly one of concurrent verifies with the right code through', async () => {
    const { post, codeFor } = await passwordlessFixture();
    const code = await codeFor();
    const answers = await Promise.all(Array.from({ length: 5 }, () => post('/auth/code/verify', { email: 'alice@example.org', code })));
    expect(answers.map((answer) => answer.status).sort()).toEqual([200, 400, 400, 400, 400]);
  });

  it('a new code replaces the old one', async () => {
    const { post, codeFor } = await passwordlessFixture();
    const first = await codeFor();
    const second = await codeFor();
    if (first !== second) expect((await post('/auth/code/verify', { email: 'alice@example.org', code: first })).status).toBe(400);
    expect((await post('/auth/code/verify', { email: 'alice@example.org', code: second })).status).toBe(200);
  });

  it('answers a known and an unknown address alike, before looking either up', async () => {
    const { post, users, mailsTo } = await passwordlessFixture();
    const lookups = vi.spyOn(users, 'findByEmail');
    const known = await post('/auth/code', { email: 'alice@example.org' });
    const unknown = await post('/auth/code', { email: 'nobody@example.org' });
    // Both answers were ready before any lookup ran: the work comes after.
    expect(lookups).not.toHaveBeenCalled();
    expect([known.status, unknown.status]).toEqual([202, 202]);
    expect(await known.json()).toEqual(ACCEPTED);
    expect(await unknown.json()).toEqual(ACCEPTED);
    expect(await mailsTo('nobody@example.org')).toHaveLength(0);
    expect(await mailsTo('alice@example.org')).toHaveLength(1);
    expect(lookups).toHaveBeenCalledTimes(2);
  });

  it('costs the same store work for a wrong code whether or not the address has a code pending', async () => {
    const { post, codeFor, oneTimeStore } = await passwordlessFixture();
    const wrong = (await codeFor()) === '000000' ? '000001' : '000000';
    const finds = vi.spyOn(oneTimeStore, 'find');
    const failures = vi.spyOn(oneTimeStore, 'recordFailure');
    const known = await post('/auth/code/verify', { email: 'alice@example.org', code: wrong });
    const unknown = await post('/auth/code/verify', { email: 'nobody@example.org', code: wrong });
    expect(await known.json()).toEqual(await unknown.json());
    expect(finds).toHaveBeenCalledTimes(2);
    expect(failures).toHaveBeenCalledTimes(2);
  });

  it('mails no code to an inactive user', async () => {
    const { post, users, alice, mailsTo } = await passwordlessFixture();
    await users.updateUser(alice.id, { isActive: false });
    expect((await post('/auth/code', { email: 'alice@example.org' })).status).toBe(202);
    expect(await mailsTo('alice@example.org')).toHaveLength(0);
  });

  it('refuses to sign up an unknown address unless sign-up is on, then creates the user', async () => {
    const off = await passwordlessFixture();
    await off.post('/auth/code', { email: 'new@example.org' });
    expect(await off.mailsTo('new@example.org')).toHaveLength(0);
    const on = await passwordlessFixture({ signUp: true });
    const code = await on.codeFor('new@example.org');
    const response = await on.post('/auth/code/verify', { email: 'new@example.org', code });
    expect(response.status).toBe(200);
    const created = (await on.users.findByEmail('new@example.org'))!;
    expect(created.username).toBe('new@example.org');
    expect(created.emailVerifiedAt).toBe(on.now());
    expect(await on.users.getPasswordHash(created.id)).toBeNull();
  });

  it('refuses malformed input with field errors', async () => {
    const { post } = await passwordlessFixture();
    expect(await (await post('/auth/code', { email: 'not an address' })).json()).toEqual({ email: ['Enter a valid email address.'] });
    expect(await (await post('/auth/code/verify', { email: 'alice@example.org', code: 'abc' })).json()).toEqual(INVALID_CODE);
    expect((await post('/auth/code/verify', { email: 'alice@example.org' })).status).toBe(400);
  });
});

describe('login codes', () => {
  it('draws digits by rejection: bytes of 250 and above are never used', async () => {
    const store = new MemoryOneTimeStore();
    // 250-255 would give 0-5 under a plain modulo; they must be skipped.
    const bytes = [250, 251, 252, 253, 254, 255, 7, 19, 249, 0, 123, 64];
    const codes = createLoginCodes({ store, randomBytes: (length) => Uint8Array.from({ length }, (_, index) => bytes[index % bytes.length]!) });
    expect(await codes.issue('a@example.org', 'u1')).toBe('799034');
  });

  it('are spread evenly over the digits', async () => {
    const store = new MemoryOneTimeStore();
    const codes = createLoginCodes({ store, length: 10 });
    const counts = Array.from({ length: 10 }, () => 0);
    for (let index = 0; index < 400; index++) for (const digit of await codes.issue(`u${index}@example.org`, `u${index}`)) counts[Number(digit)]!++;
    // 4000 digits: each expected 400; a modulo bias of 6/256 would still pass, so this
    // guards against gross mistakes (a stuck digit), the rejection test above against bias.
    for (const count of counts) expect(count).toBeGreaterThan(300);
  });

  it('are kept as a digest bound to the address, never in the clear', async () => {
    const store = new MemoryOneTimeStore();
    const insert = vi.spyOn(store, 'insert');
    const codes = createLoginCodes({ store, secret: 's'.repeat(32) });
    const code = await codes.issue('a@example.org', 'u1');
    const record = insert.mock.calls[0]![0];
    expect(JSON.stringify(record)).not.toContain(code);
    expect(record.digest).toMatch(/^[0-9a-f]{64}$/);
    expect(record.purpose).toBe('login-code');
    // Five tries; the store's bound is one above, since the right try is counted as well.
    expect(record.maxAttempts).toBe(6);
    expect(record.expiresAt - record.createdAt).toBe(900_000);
  });

  it('refuses contradictory options at construction', () => {
    const store = new MemoryOneTimeStore();
    expect(() => createLoginCodes({ store, length: 3 })).toThrow(RangeError);
    expect(() => createLoginCodes({ store, ttl: 0 })).toThrow(RangeError);
    expect(() => createLoginCodes({ store, secret: 'short' })).toThrow(RangeError);
  });
});

describe('magic links', () => {
  it('mails a link whose GET shows the scanner-safe page and whose POST logs in once', async () => {
    const { send, post, linkFor } = await passwordlessFixture();
    const link = await linkFor();
    expect(link.pathname).toBe('/auth/magic-link/confirm');
    const page = await send('GET', link.pathname + link.search);
    expect(page.status).toBe(200);
    expect(page.headers.get('Content-Type')).toMatch(/^text\/html/);
    expect(page.headers.get('Referrer-Policy')).toBe('no-referrer');
    // The page changed nothing: the token still logs in, once.
    const token = link.searchParams.get('token');
    const confirmed = await post('/auth/magic-link/confirm', { token });
    expect(confirmed.status).toBe(200);
    expect(Object.keys(await confirmed.json())).toEqual(['token', 'expiry', 'user']);
    expect(await (await post('/auth/magic-link/confirm', { token })).json()).toEqual(INVALID_TOKEN);
  });

  it('lets exactly one of concurrent confirms through', async () => {
    const { post, linkFor } = await passwordlessFixture();
    const token = (await linkFor()).searchParams.get('token');
    const answers = await Promise.all(Array.from({ length: 5 }, () => post('/auth/magic-link/confirm', { token })));
    expect(answers.map((answer) => answer.status).sort()).toEqual([200, 400, 400, 400, 400]);
  });

  it('expires, and a newer link replaces an older one', async () => {
    const { post, linkFor, advance } = await passwordlessFixture();
    const first = (await linkFor()).searchParams.get('token');
    const second = (await linkFor()).searchParams.get('token');
    expect(await (await post('/auth/magic-link/confirm', { token: first })).json()).toEqual(INVALID_TOKEN);
    advance(15 * 60_000);
    expect(await (await post('/auth/magic-link/confirm', { token: second })).json()).toEqual(INVALID_TOKEN);
  });

  it('answers a known and an unknown address alike', async () => {
    const { post, mailsTo } = await passwordlessFixture();
    const known = await post('/auth/magic-link', { email: 'alice@example.org' });
    const unknown = await post('/auth/magic-link', { email: 'nobody@example.org' });
    expect([known.status, await known.json()]).toEqual([202, ACCEPTED]);
    expect([unknown.status, await unknown.json()]).toEqual([202, ACCEPTED]);
    expect(await mailsTo('nobody@example.org')).toHaveLength(0);
  });

  it('redeems for its purpose only: a magic link is no code and no API token', async () => {
    const { post, send, linkFor } = await passwordlessFixture();
    const token = (await linkFor()).searchParams.get('token');
    expect((await post('/auth/code/verify', { email: 'alice@example.org', code: token })).status).toBe(400);
    expect((await send('GET', '/auth/me', { token: token! })).status).toBe(401);
    expect((await post('/auth/magic-link/confirm', { token })).status).toBe(200);
  });
});
