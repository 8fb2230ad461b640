/**
 * The two-factor tests' fixture, from core's public API only: memory stores, a cheap hasher,
 * one clock for everything, TOTP on the token endpoint, the session login, Basic and the
 * passwordless verifies, and request helpers. Not exported.
 */
import {
  basicAuth,
  createAuthEndpoints,
  createLatchkey,
  createLoginCodes,
  createOneTimeTokens,
  createPasswordHasher,
  createSecretBox,
  createTokenService,
  type EmailMessage,
  isAuthenticated,
  type MemoryUser,
  MemoryOneTimeStore,
  MemoryThrottleStore,
  MemoryTokenStore,
  MemoryUserStore,
  tokenAuth,
} from '@latchkey/core';
import { MemoryTotpStore } from './memory-totp-store.ts';
import { createTotp, type TotpOptions } from './totp.ts';
import { totpRoutes } from './totp-routes.ts';

export const PASSWORD = 'correct horse battery staple';
export const ORIGIN = 'https://app.test';
/** A server key for the fixture: 32 bytes, base64. */
export const SERVER_KEY = btoa(String.fromCharCode(...Array.from({ length: 32 }, (_, index) => index + 1)));

/** Builds the fixture; `totpOptions` override the TOTP service's. */
export async function twoFactorFixture(totpOptions: Partial<TotpOptions> = {}) {
  let clock = 1_750_000_000_000;
  const now = () => clock;
  const users = new MemoryUserStore({ now });
  const passwords = createPasswordHasher({ iterations: 1_000 });
  const tokens = createTokenService({ store: new MemoryTokenStore(), now });
  const hash = await passwords.hash(PASSWORD);
  const alice = (await users.createUser({ username: 'alice', passwordHash: hash, email: 'alice@example.org' }))!;
  const bob = (await users.createUser({ username: 'bob', passwordHash: hash, email: 'bob@example.org' }))!;
  const totpStore = new MemoryTotpStore();
  const totp = createTotp({
    store: totpStore,
    secrets: createSecretBox(SERVER_KEY, { purpose: 'latchkey-totp' }),
    issuer: 'Latchkey Test',
    now,
    ...totpOptions,
  });
  const oneTimeStore = new MemoryOneTimeStore();
  const oneTimeTokens = createOneTimeTokens({ store: oneTimeStore, now });
  const mails: EmailMessage[] = [];
  const pending: Promise<unknown>[] = [];
  const errors: unknown[] = [];
  const throttle = { store: new MemoryThrottleStore(), now };
  const endpoints = createAuthEndpoints<MemoryUser>({
    tokens,
    users,
    passwords,
    throttle,
    onError: (error) => errors.push(error),
    secondFactor: { factor: totp, oneTimeTokens },
    extensions: [totpRoutes(totp)],
    passwordless: {
      sendEmail: async (message) => {
        mails.push(message);
      },
      codes: createLoginCodes({ store: oneTimeStore, now }),
      magicLinks: oneTimeTokens,
      linkBase: ORIGIN,
      throttle: { now },
    },
    session: { secure: true },
  });
  // A protected API route behind Basic (and tokens), as an app would mount one.
  const api = createLatchkey<MemoryUser>({
    authenticators: [tokenAuth({ tokens, users }), basicAuth({ users, passwords, secondFactor: totp, throttle: false })],
    permissions: [isAuthenticated],
  });

  const send = async (method: string, path: string, init: { json?: unknown; token?: string; headers?: Record<string, string> } = {}) => {
    const headers = new Headers(init.headers);
    if (init.json !== undefined) headers.set('Content-Type', 'application/json');
    if (init.token) headers.set('Authorization', `Token ${init.token}`);
    const request = new Request(ORIGIN + path, { method, headers, body: init.json === undefined ? null : JSON.stringify(init.json) });
    const response = await endpoints.handle(request, { clientAddress: '203.0.113.9', waitUntil: (work) => pending.push(work) });
    if (!response) throw new Error(`${method} ${path} was not answered`);
    return response;
  };
  const post = (path: string, json?: unknown, token?: string) => send('POST', path, { ...(json !== undefined && { json }), ...(token && { token }) });

  /** Logs in with the password alone; only for users without a second factor. */
  const login = async (username = 'alice') => {
    const response = await post('/auth/token', { username, password: PASSWORD });
    const body = (await response.json()) as { token?: string };
    if (!body.token) throw new Error(`no token: ${response.status} ${JSON.stringify(body)}`);
    return body.token;
  };

  /** The mails sent to `to`, once the requests' background work is done. */
  const mailsTo = async (to: string) => {
    while (pending.length > 0) await Promise.all(pending.splice(0));
    return mails.filter((mail) => mail.to === to);
  };

  /** A Basic request to the protected API route. */
  const basic = async (username: string, password: string) => {
    const credentials = btoa(`${username}:${password}`);
    const outcome = await api.run(new Request(`${ORIGIN}/api/things`, { headers: { Authorization: `Basic ${credentials}` } }));
    return outcome.ok ? null : outcome.response;
  };

  return {
    users,
    tokens,
    totp,
    totpStore,
    oneTimeStore,
    alice,
    bob,
    errors,
    now,
    send,
    post,
    login,
    mailsTo,
    basic,
    advance: (milliseconds: number) => {
      clock += milliseconds;
    },
  };
}
