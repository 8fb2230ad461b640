/**
 * Two `npm start` processes on one database, for each kind of database the demo takes (a
 * libSQL file, a Postgres server started for this file): what one process does, the other
 * sees at once. A token revoked through one is refused by the other, the login throttle
 * counts attempts made through both against one limit, TOTP enrolled through one is confirmed
 * through the other, and a signed request admitted by one is refused by the other as a replay. Then the Postgres server is stopped
 * under a running demo: protected routes answer 503, never 200, and recover once it is back.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { get } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStores } from '@latchkey/drizzle/open';
import { createSecretBox, hawkAuthorization, newSigningKey } from '@latchkey/signatures';
import * as OTPAuth from 'otpauth';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type PostgresServer, startPostgresServer } from '../../../scripts/test-servers/postgres.ts';
import { DEMO_PASSWORD, DEMO_USERNAME } from '../src/demo.ts';
import { listening, type Started, start, stop } from './example-process.ts';

let dir: string;
let postgres: PostgresServer;
const running: Started[] = [];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'latchkey-shared-'));
  postgres = await startPostgresServer();
}, 30_000);

afterAll(async () => {
  await Promise.all(running.map(stop));
  await postgres?.destroy();
  await rm(dir, { recursive: true, force: true });
});

const SECRET_KEY = btoa('k'.repeat(32));

/** Starts the demo on `url`; its origin. */
async function demo(url: string): Promise<string> {
  const started = start({ PORT: '0', LATCHKEY_DATABASE_URL: url, LATCHKEY_SECRET_KEY: SECRET_KEY });
  running.push(started);
  return listening(started);
}

const login = (origin: string, password: string, username = DEMO_USERNAME) =>
  fetch(`${origin}/auth/token`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ username, password }),
  });

const me = (origin: string, token: string) => fetch(`${origin}/api/me`, { headers: { Authorization: `Token ${token}` } });

async function tokenFrom(origin: string): Promise<string> {
  const response = await login(origin, DEMO_PASSWORD);
  expect(response.status).toBe(200);
  return ((await response.json()) as { token: string }).token;
}

for (const [kind, database] of [
  ['a libSQL file', () => Promise.resolve(`file:${join(dir, 'shared.db')}`)],
  ['a Postgres server', () => postgres.createDatabase('shared')],
] as const) {
  describe(`two demo processes on ${kind}`, { timeout: 60_000 }, () => {
    let one: string;
    let two: string;
    let url: string;

    beforeAll(async () => {
      url = await database();
      // One after the other: the first creates the schema and the demo user.
      one = await demo(url);
      two = await demo(url);
    }, 60_000);

    it('accept a token issued by either, and refuse it in one once it is revoked through the other', async () => {
      const token = await tokenFrom(one);
      expect((await me(two, token)).status).toBe(200);
      const logout = await fetch(`${two}/auth/logout`, { method: 'POST', headers: { Authorization: `Token ${token}` } });
      expect(logout.status).toBe(204);
      expect((await me(one, token)).status).toBe(401);
      expect((await me(two, token)).status).toBe(401);
    });

    it('count six wrong passwords for one username, alternating between them, against one limit: 429 by the sixth', async () => {
      const statuses: number[] = [];
      for (let i = 0; i < 6; i++) statuses.push((await login(i % 2 === 0 ? one : two, 'wrong password', 'mallory')).status);
      expect(statuses).toEqual([400, 400, 400, 400, 400, 429]);
    });

    it('enrol TOTP through one and confirm it through the other', async () => {
      const token = await tokenFrom(one);
      const post = (origin: string, path: string, body?: unknown) =>
        fetch(`${origin}${path}`, {
          method: 'POST',
          headers: { Authorization: `Token ${token}`, 'Content-Type': 'application/json' },
          ...(body !== undefined && { body: JSON.stringify(body) }),
        });
      const enrolled = await post(one, '/auth/2fa/totp');
      expect(enrolled.status).toBe(200);
      const { secret } = (await enrolled.json()) as { secret: string };
      const code = new OTPAuth.TOTP({ secret: OTPAuth.Secret.fromBase32(secret), digits: 6, period: 30 }).generate();
      const confirmed = await post(two, '/auth/2fa/totp/confirm', { code });
      expect(confirmed.status).toBe(200);
      expect(((await confirmed.json()) as { backup_codes: string[] }).backup_codes.length).toBeGreaterThan(0);
      // On now: a password login through either answers with an interim token, not a token.
      const login2fa = await login(one, DEMO_PASSWORD);
      expect(Object.keys((await login2fa.json()) as object)).toContain('second_factor_token');
    });

    it('refuse through one a signed request the other admitted: the nonce is in the database', async () => {
      const stores = await openStores({ url, migrate: false, secrets: createSecretBox(SECRET_KEY) });
      try {
        const demoUser = (await stores.users.findByUsername(DEMO_USERNAME))!;
        const { record, secret } = await newSigningKey({ userId: demoUser.id, algorithm: 'hmac-sha256' });
        await stores.signingKeys.insert(record);
        const authorization = await hawkAuthorization(new Request(`${one}/api/signed`), { id: record.id, key: secret! });
        // Signed for the first's host and port: the second is asked under that name too (a
        // Host header fetch would drop), as behind one load balancer.
        const send = (origin: string) =>
          new Promise<[number, unknown]>((resolve, reject) => {
            const target = new URL('/api/signed', origin);
            get(target, { headers: { Authorization: authorization, Host: new URL(one).host } }, async (response) => {
              let body = '';
              for await (const chunk of response) body += chunk;
              resolve([response.statusCode!, JSON.parse(body)]);
            }).on('error', reject);
          });
        expect((await send(one))[0]).toBe(200);
        expect(await send(two)).toEqual([401, { detail: 'Invalid nonce' }]);
      } finally {
        await stores.close();
      }
    });
  });
}

describe('a demo whose Postgres server goes away', { timeout: 60_000 }, () => {
  it('answers protected routes with 503 once its cache may no longer serve, and recovers when it is back', async () => {
    const origin = await demo(await postgres.createDatabase('outage'));
    const token = await tokenFrom(origin);
    expect((await me(origin, token)).status).toBe(200);

    await postgres.stop();
    // The demo runs the verified-token cache: a token it verified may be served until the
    // revocation feed is due (1 s); that read fails, and from then on every request goes to
    // the store and is refused.
    await expect.poll(async () => (await me(origin, token)).status, { timeout: 20_000 }).toBe(503);
    for (let i = 0; i < 3; i++) {
      const response = await me(origin, token);
      expect(response.status).toBe(503);
      expect(await response.json()).toEqual({ detail: 'Service temporarily unavailable, try again later.' });
    }
    expect((await login(origin, DEMO_PASSWORD)).status).toBe(503);

    await postgres.start();
    // The pool drops the dead connections and opens new ones; no restart of the demo.
    await expect.poll(async () => (await me(origin, token)).status, { timeout: 20_000 }).toBe(200);
  });
});
