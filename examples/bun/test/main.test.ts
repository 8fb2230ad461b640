/**
 * End to end: the example started for real (`bun src/main.ts`, as `npm start` does) on a
 * free port and a temporary database, called over HTTP.
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEMO_PASSWORD, DEMO_USERNAME } from '../src/app.ts';

const exampleDir = new URL('..', import.meta.url).pathname;
const STARTUP_LIMIT_MS = 30_000;

interface Started {
  readonly process: Bun.Subprocess<'ignore', 'pipe', 'pipe'>;
  readonly stdout: () => string;
  readonly stderr: Promise<string>;
}

/** Starts the example with `env` added to this process's environment. */
function start(env: Record<string, string>): Started {
  const child = Bun.spawn([process.execPath, '--conditions=source', 'src/main.ts'], {
    cwd: exampleDir,
    env: { ...process.env, HOST: '127.0.0.1', ...env },
    stdin: 'ignore',
    stdout: 'pipe',
    stderr: 'pipe',
  });
  let stdout = '';
  void (async () => {
    for await (const chunk of child.stdout.pipeThrough(new TextDecoderStream())) stdout += chunk;
  })();
  return { process: child, stdout: () => stdout, stderr: new Response(child.stderr).text() };
}

/** The origin the example printed, once its whole banner is out; throws if it exits or stalls. */
async function listening(started: Started): Promise<string> {
  const deadline = Date.now() + STARTUP_LIMIT_MS;
  for (;;) {
    const port = /listening on http:\/\/localhost:(\d+)[^]*curl -si \S+\n/.exec(started.stdout())?.[1];
    if (port) return `http://127.0.0.1:${port}`;
    if (started.process.exitCode !== null) throw new Error(`the example exited: ${await started.stderr}`);
    if (Date.now() > deadline) throw new Error(`the example did not start: ${started.stdout()}`);
    await Bun.sleep(25);
  }
}

async function stop(started: Started): Promise<void> {
  started.process.kill('SIGTERM');
  await started.process.exited;
}

describe('the Bun example, started for real', () => {
  let dir: string;
  let server: Started;
  let origin: string;
  const database = () => `file:${join(dir, 'demo.db')}`;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'latchkey-bun-'));
    server = start({ PORT: '0', LATCHKEY_DATABASE_URL: database() });
    origin = await listening(server);
  });

  afterAll(async () => {
    if (server) await stop(server);
    await rm(dir, { recursive: true, force: true });
  });

  test('creates the schema and the demo user on first run and prints the curl walk-through', () => {
    expect(server.stdout()).toContain('(schema and demo user created)');
    expect(server.stdout()).toContain(`Demo user: ${DEMO_USERNAME} / ${DEMO_PASSWORD}`);
    expect(server.stdout()).toMatch(/curl -s -X POST http:\/\/localhost:\d+\/auth\/token/);
  });

  test('serves the public route to anyone', async () => {
    const response = await fetch(`${origin}/`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ hello: 'anonymous' });
  });

  test('answers the protected route without a token with 401 and the Token challenge', async () => {
    const response = await fetch(`${origin}/api/me`);
    expect(response.status).toBe(401);
    expect(response.headers.get('WWW-Authenticate')).toBe('Token');
    expect(await response.json()).toEqual({ detail: 'Authentication credentials were not provided.' });
  });

  test('answers the protected routes with 200 given a token obtained with the demo login', async () => {
    const obtained = await fetch(`${origin}/auth/token`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ username: DEMO_USERNAME, password: DEMO_PASSWORD }),
    });
    expect(obtained.status).toBe(200);
    const { token } = (await obtained.json()) as { token: string };
    const authorization = { headers: { Authorization: `Token ${token}` } };
    expect(await (await fetch(`${origin}/api/me`, authorization)).json()).toEqual({ id: '1', username: DEMO_USERNAME, scheme: 'token' });
    expect(await (await fetch(`${origin}/api/notes/42`, authorization)).json()).toEqual({ id: '42', owner: DEMO_USERNAME });
  });

  test('finds the demo user in the database on the next start instead of creating it', async () => {
    await stop(server);
    server = start({ PORT: '0', LATCHKEY_DATABASE_URL: database() });
    origin = await listening(server);
    expect(server.stdout()).not.toContain('created');
  });
});

describe('the Bun example on a port that is taken', () => {
  let blocker: Server;
  let dir: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'latchkey-bun-'));
    blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
  });

  afterAll(async () => {
    await new Promise((resolve) => blocker.close(resolve));
    await rm(dir, { recursive: true, force: true });
  });

  test('says so in one line, with no stack trace, and exits non-zero', async () => {
    const { port } = blocker.address() as { port: number };
    const started = start({ PORT: String(port), LATCHKEY_DATABASE_URL: `file:${join(dir, 'demo.db')}` });
    expect(await started.process.exited).not.toBe(0);
    expect((await started.stderr).trim()).toBe(
      `Port ${port} is already in use on 127.0.0.1: stop what uses it, or pick another port, e.g. PORT=${port + 1} npm start`,
    );
  });
});
