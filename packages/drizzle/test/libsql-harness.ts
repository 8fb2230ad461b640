/**
 * What the libSQL tests share: throwaway database files in a temporary folder, stores that
 * are closed after each test, and fixture processes (`test/fixtures/*.ts`, through tsx) on
 * the same file, driven one JSON line at a time and killed after each test.
 */
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach } from 'vitest';
import { openLibsqlStores, type LibsqlStores } from '../src/libsql.ts';

/** A child process starts through tsx, which takes seconds on a busy machine. */
export const PROCESS_TIMEOUT = { timeout: 30_000 };

const root = fileURLToPath(new URL('../../..', import.meta.url));

/** Registers the clean-up hooks in the calling test file and returns its helpers. */
export function libsqlHarness(name: string) {
  const dir = mkdtempSync(join(tmpdir(), `latchkey-${name}-`));
  let files = 0;
  const open: LibsqlStores[] = [];
  const children: ChildProcessWithoutNullStreams[] = [];

  afterEach(() => {
    for (const child of children.splice(0)) child.kill();
    for (const stores of open.splice(0)) stores.close();
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  return {
    /** A new database file's path and URL. */
    newFile(): { path: string; url: string } {
      const path = join(dir, `test-${++files}.db`);
      return { path, url: `file:${path}` };
    },
    /** The stores on `url`, closed after the test. */
    async openStores(url: string, migrate = true): Promise<LibsqlStores> {
      const stores = await openLibsqlStores({ url, migrate });
      open.push(stores);
      return stores;
    },
    /** Closes `stores` after the test. */
    track(stores: LibsqlStores): void {
      open.push(stores);
    },
    /** Closes `stores` now (to read the file they wrote), not after the test. */
    close(stores: LibsqlStores): void {
      open.splice(open.indexOf(stores), 1);
      stores.close();
    },
    /** test/fixtures/`fixture` in a child process with `args`; the result sends one request and reads its answer. */
    otherProcess(fixture: string, ...args: string[]): (request: object) => Promise<any> {
      const child = spawn(
        join(root, 'node_modules/.bin/tsx'),
        ['--conditions=source', fileURLToPath(new URL(`./fixtures/${fixture}`, import.meta.url)), ...args],
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
    },
  };
}
