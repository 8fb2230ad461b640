/**
 * End to end: the example started for real (`tsx src/server.ts`, as `npm start` does) on a
 * free port and a temporary database, called over HTTP.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PASSWORD, DEMO_USERNAME } from '../src/demo.ts';
import { listening, type Started, start, stop } from './example-process.ts';

describe('the Node + Hono example, started for real', { timeout: 30_000 }, () => {
  let dir: string;
  let server: Started;
  let origin: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'latchkey-node-hono-'));
    server = start({ PORT: '0', LATCHKEY_DATABASE_URL: `file:${join(dir, 'demo.db')}` });
    origin = await listening(server);
  }, 30_000);

  afterAll(async () => {
    if (server) await stop(server);
    await rm(dir, { recursive: true, force: true });
  });

  it('creates the schema and the demo user on first run and prints the curl walk-through', () => {
    expect(server.stdout()).toContain('(schema and demo user created)');
    expect(server.stdout()).toContain(`Demo user: ${DEMO_USERNAME} / ${DEMO_PASSWORD}`);
    expect(server.stdout()).toMatch(/curl -s -X POST http:\/\/localhost:\d+\/auth\/token/);
  });

  it('serves the public route to anyone', async () => {
    const response = await fetch(`${origin}/`);
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ hello: 'anonymous' });
  });

  it('answers the protected route without a token with 401 and the Token challenge', async () => {
    const response = await fetch(`${origin}/api/me`);
    expect(response.status).toBe(401);
    expect(response.headers.get('WWW-Authenticate')).toBe('Token');
    expect(await response.json()).toEqual({ detail: 'Authentication credentials were not provided.' });
  });

  it('answers the protected route with 200 given a token obtained with the demo login', async () => {
    const obtained = await fetch(`${origin}/auth/token`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ username: DEMO_USERNAME, password: DEMO_PASSWORD }),
    });
    expect(obtained.status).toBe(200);
    const { token } = (await obtained.json()) as { token: string };
    const response = await fetch(`${origin}/api/me`, { headers: { Authorization: `Token ${token}` } });
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ username: DEMO_USERNAME, scheme: 'token' });
  });

  it('refuses the staff-only route to the demo user with 403', async () => {
    const basic = `Basic ${btoa(`${DEMO_USERNAME}:${DEMO_PASSWORD}`)}`;
    const response = await fetch(`${origin}/api/admin`, { headers: { Authorization: basic } });
    expect(response.status).toBe(403);
  });

  it('finds the demo user again on the next start instead of creating it', async () => {
    await stop(server);
    server = start({ PORT: '0', LATCHKEY_DATABASE_URL: `file:${join(dir, 'demo.db')}` });
    origin = await listening(server);
    expect(server.stdout()).not.toContain('created');
    const basic = `Basic ${btoa(`${DEMO_USERNAME}:${DEMO_PASSWORD}`)}`;
    expect((await fetch(`${origin}/api/me`, { headers: { Authorization: basic } })).status).toBe(200);
  });

  // Runs last: it leaves the demo user at its limit on this database.
  it('counts wrong Basic guesses against the login throttle, in the database: the 6th attempt is 429, then the right password and /auth/token too', async () => {
    const me = (password: string) =>
      fetch(`${origin}/api/me`, { headers: { Authorization: `Basic ${btoa(`${DEMO_USERNAME}:${password}`)}` } });
    // The token login above was one attempt for the demo user, and the counters live in the
    // database, so it outlived the restart: four wrong guesses make five.
    for (let i = 0; i < 4; i++) expect((await me(`wrong ${i}`)).status).toBe(401);
    const sixth = await me('wrong 4');
    expect(sixth.status).toBe(429);
    expect(Number(sixth.headers.get('Retry-After'))).toBeGreaterThan(0);
    expect((await me(DEMO_PASSWORD)).status).toBe(429);
    const obtained = await fetch(`${origin}/auth/token`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ username: DEMO_USERNAME, password: DEMO_PASSWORD }),
    });
    expect(obtained.status).toBe(429);
  });
});

describe('the example on a port that is taken', { timeout: 30_000 }, () => {
  let blocker: Server;
  let dir: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'latchkey-node-hono-'));
    blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
  });

  afterAll(async () => {
    await new Promise((resolve) => blocker.close(resolve));
    await rm(dir, { recursive: true, force: true });
  });

  it('says so in one line, with no stack trace, and exits non-zero', async () => {
    const { port } = blocker.address() as { port: number };
    const started = start({ PORT: String(port), LATCHKEY_DATABASE_URL: `file:${join(dir, 'demo.db')}` });
    expect(await started.exited).not.toBe(0);
    expect(started.stderr().trim()).toBe(`Port ${port} is already in use on 127.0.0.1: stop what uses it, or pick another port, e.g. PORT=${port + 1} npm start`);
  });
});
