/**
 * Two `npm start` processes on one database, for each kind of database the demo takes (a
 * libSQL file, a Postgres server started for this file): what one process does, the other
 * sees at once. A token revoked through one is refused by the other, and the login throttle
 * counts attempts made through both against one limit. Then the Postgres server is stopped
 * under a running demo: protected routes answer 503, never 200, and recover once it is back.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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

/** Starts the demo on `url`; its origin. */
async function demo(url: string): Promise<string> {
  const started = start({ PORT: '0', LATCHKEY_DATABASE_URL: url });
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

    beforeAll(async () => {
      const url = await database();
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
  });
}

describe('a demo whose Postgres server goes away', { timeout: 60_000 }, () => {
  it('answers protected routes with 503, never 200, while it is down, and recovers when it is back', async () => {
    const origin = await demo(await postgres.createDatabase('outage'));
    const token = await tokenFrom(origin);
    expect((await me(origin, token)).status).toBe(200);

    await postgres.stop();
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
