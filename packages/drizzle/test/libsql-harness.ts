/**
 * What the refresh-token tests on libSQL need: throwaway database files in a temporary
 * folder, stores closed after each test, and fixture processes (`other-process.ts`) stopped
 * after each test.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach } from 'vitest';
import { openLibsqlStores, type LibsqlStores } from '../src/libsql.ts';
import { otherProcess, stopOtherProcesses } from './other-process.ts';

/** A child process starts through tsx, which takes seconds on a busy machine. */
export const PROCESS_TIMEOUT = { timeout: 30_000 };

/** Registers the clean-up hooks in the calling test file and returns its helpers. */
export function libsqlHarness(name: string) {
  const dir = mkdtempSync(join(tmpdir(), `latchkey-${name}-`));
  let files = 0;
  const open: LibsqlStores[] = [];

  afterEach(() => {
    stopOtherProcesses();
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
    /** test/fixtures/`fixture` in a child process on `url` with `args`, stopped after the test. */
    otherProcess: (fixture: string, url: string, ...args: string[]) => otherProcess(url, fixture, ...args),
  };
}
