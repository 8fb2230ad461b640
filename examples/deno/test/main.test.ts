/**
 * End to end: the example started for real (`deno run src/main.ts`, as `npm start` does)
 * on a free port, called over HTTP. Each test starts its own process and waits for it to
 * exit, so Deno's sanitizers see nothing left running.
 */
import assert from 'node:assert/strict';
import { DEMO_PASSWORD, DEMO_USERNAME } from '../src/app.ts';
// Type-only, so `deno test` type-checks the entry point it otherwise only runs in a subprocess.
import type {} from '../src/main.ts';

const exampleDir = new URL('..', import.meta.url).pathname;
const STARTUP_LIMIT_MS = 30_000;

interface Example {
  readonly origin: string;
  readonly output: string;
}

/** Runs the example with `env`, hands its origin to `use`, then stops it. */
async function withExample(env: Record<string, string>, use: (example: Example) => Promise<void>): Promise<void> {
  const child = new Deno.Command(Deno.execPath(), {
    args: ['run', '--allow-net', '--allow-env=PORT,HOST', '--conditions=source', 'src/main.ts'],
    cwd: exampleDir,
    env: { HOST: '127.0.0.1', PORT: '0', ...env },
    stdout: 'piped',
    stderr: 'piped',
  }).spawn();
  let output = '';
  const reading = child.stdout.pipeThrough(new TextDecoderStream()).pipeTo(new WritableStream({ write: (text) => void (output += text) }));
  const errors = new Response(child.stderr).text();
  try {
    const deadline = Date.now() + STARTUP_LIMIT_MS;
    let port: string | undefined;
    while (!(port = /listening on http:\/\/localhost:(\d+)[^]*curl -si \S+\n/.exec(output)?.[1])) {
      if (Date.now() > deadline) throw new Error(`the example did not start: ${output}`);
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    await use({ origin: `http://127.0.0.1:${port}`, output });
  } finally {
    child.kill('SIGTERM');
    await child.status;
    await reading;
    await errors;
  }
}

/** Obtains a token with the demo login, as the printed walk-through shows. */
async function obtainToken(origin: string): Promise<string> {
  const response = await fetch(`${origin}/auth/token`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ username: DEMO_USERNAME, password: DEMO_PASSWORD }),
  });
  assert.equal(response.status, 200);
  return ((await response.json()) as { token: string }).token;
}

Deno.test('the Deno example prints the demo login and the curl walk-through on start', () =>
  withExample({}, async ({ output }) => {
    assert.ok(output.includes(`Demo user: ${DEMO_USERNAME} / ${DEMO_PASSWORD}`));
    assert.match(output, /curl -s -X POST http:\/\/localhost:\d+\/auth\/token/);
  }));

Deno.test('the Deno example serves its public route to anyone', () =>
  withExample({}, async ({ origin }) => {
    const response = await fetch(`${origin}/`);
    assert.equal(response.status, 200);
    assert.equal((await response.json()).hello, 'anonymous');
  }));

Deno.test('the Deno example answers its protected route 401 without a token, 200 with one', () =>
  withExample({}, async ({ origin }) => {
    const refused = await fetch(`${origin}/api/me`);
    assert.equal(refused.status, 401);
    assert.equal(refused.headers.get('WWW-Authenticate'), 'Token');
    assert.deepEqual(await refused.json(), { detail: 'Authentication credentials were not provided.' });

    const token = await obtainToken(origin);
    const response = await fetch(`${origin}/api/me`, { headers: { Authorization: `Token ${token}` } });
    assert.equal(response.status, 200);
    assert.deepEqual(await response.json(), { id: '1', username: DEMO_USERNAME, scheme: 'token' });
  }));

Deno.test('the Deno example on a port that is taken says so in one line and exits non-zero', async () => {
  using blocker = Deno.listen({ hostname: '127.0.0.1', port: 0 });
  const { port } = blocker.addr as Deno.NetAddr;
  const { code, stdout, stderr } = await new Deno.Command(Deno.execPath(), {
    args: ['run', '--allow-net', '--allow-env=PORT,HOST', '--conditions=source', 'src/main.ts'],
    cwd: exampleDir,
    env: { HOST: '127.0.0.1', PORT: String(port) },
  }).output();
  assert.notEqual(code, 0);
  assert.equal(new TextDecoder().decode(stdout), '');
  assert.equal(
    new TextDecoder().decode(stderr).trim(),
    `Port ${port} is already in use on 127.0.0.1: stop what uses it, or pick another port, e.g. PORT=${port + 1} npm start`,
  );
});
