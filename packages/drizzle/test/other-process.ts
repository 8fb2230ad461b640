/**
 * test/fixtures/token-process.ts in a child process on a database URL (libSQL or Postgres):
 * another instance of an app on the same database, driven one JSON request at a time.
 */
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../..', import.meta.url));
const children: ChildProcessWithoutNullStreams[] = [];

/** Stops every child started so far (call it from afterEach). */
export function stopOtherProcesses(): void {
  for (const child of children.splice(0)) child.kill();
}

/**
 * Starts the fixture (`test/fixtures/<fixture>`, default token-process.ts) on `url` with
 * `args`; `ask` sends one request and resolves with its answer.
 */
export function otherProcess(url: string, fixture = 'token-process.ts', ...args: string[]): (request: object) => Promise<any> {
  const child = spawn(
    join(root, 'node_modules/.bin/tsx'),
    ['--conditions=source', fileURLToPath(new URL(`./fixtures/${fixture}`, import.meta.url)), url, ...args],
    { cwd: root },
  );
  children.push(child);
  let stderr = '';
  child.stderr.on('data', (chunk) => (stderr += chunk));
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  return async (request) => {
    child.stdin.write(`${JSON.stringify(request)}\n`);
    const { value, done } = await lines.next();
    if (done) throw new Error(`the other process ended: ${stderr}`);
    return JSON.parse(value);
  };
}
