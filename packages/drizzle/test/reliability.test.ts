// A local file shared with another process that holds its write lock (issue 11, items 1
// and 3), for every synchronous driver `openLibsqlStores` can pick on Node. The other
// process takes the lock the way an app on @libsql/client does, `client.transaction('write')`
// and one UPDATE, and keeps it longer than the stores wait.
//   - A write refused for the lock is not acknowledged, and nothing acknowledged is lost:
//     the next writes are committed, seen by the other process at once and after a restart,
//     and the lock is not kept.
//   - A write waits at most its `busyTimeout`, and while it waits the event loop is free: a
//     public route answers and a token is verified.
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { createTokenService } from '@latchkey/core';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { type LibsqlStores, type LocalDriver, openLibsqlStores } from '../src/libsql.ts';

const PROCESS_TIMEOUT = { timeout: 30_000 };
// Short, so that a test waits little for a write to give up.
const BUSY_TIMEOUT = 300;

const dir = mkdtempSync(join(tmpdir(), 'latchkey-reliability-'));
let files = 0;
const open: LibsqlStores[] = [];
const children: ChildProcessWithoutNullStreams[] = [];
const servers: Server[] = [];
afterEach(() => {
  for (const child of children.splice(0)) child.kill();
  for (const stores of open.splice(0)) stores.close();
  for (const server of servers.splice(0)) server.close();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** test/fixtures/lock-holder.mjs on `url`: `ask` sends one command and returns its answer line. */
function lockHolder(url: string): (command: string) => Promise<string> {
  const child = spawn(process.execPath, [fileURLToPath(new URL('fixtures/lock-holder.mjs', import.meta.url)), url]);
  children.push(child);
  let stderr = '';
  child.stderr.on('data', (chunk) => (stderr += chunk));
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  return async (command) => {
    child.stdin.write(`${command}\n`);
    const { value, done } = await lines.next();
    if (done) throw new Error(`the lock holder ended: ${stderr}`);
    return value;
  };
}

async function setUp(driver: LocalDriver, busyTimeout = BUSY_TIMEOUT) {
  const url = `file:${join(dir, `${driver}-${++files}.db`)}`;
  const openStores = async () => {
    const stores = await openLibsqlStores({ url, driver, busyTimeout });
    open.push(stores);
    return stores;
  };
  const stores = await openStores();
  const service = createTokenService({ store: stores.tokens });
  await stores.users.createUser({ username: 'alice', passwordHash: null });
  const create = async () => {
    const created = await service.create('1');
    if (!created.ok) throw new Error('token not created');
    return created;
  };
  const tokensSeenByTheOther = async (ask: (command: string) => Promise<string>) => JSON.parse(await ask('live')) as string[];
  return { url, stores, service, create, openStores, ask: lockHolder(url), tokensSeenByTheOther };
}

/** A server on loopback with one public route, on this process's event loop. */
async function publicRoute(): Promise<string> {
  const server = createServer((_, response) => response.end('ok'));
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
}

for (const driver of ['libsql', 'better-sqlite3'] as const) {
  describe(`a write lock held by another process (${driver})`, () => {
    it('refuses the write it blocks and loses no write acknowledged after it', PROCESS_TIMEOUT, async () => {
      const { service, create, openStores, ask, tokensSeenByTheOther } = await setUp(driver);
      const first = await create();
      const second = await create();

      expect(await ask('lock')).toBe('locked');
      // A logout: DELETE … RETURNING, refused (core answers 503) while the lock is held.
      await expect(service.revoke(first.record.id)).rejects.toThrow(/DrizzleTokenStore: .*(lock|busy)/i);
      expect(await ask('commit')).toBe('committed');

      // Acknowledged, so durable: the other process sees it at once …
      expect(await service.revoke(second.record.id)).toBe(true);
      expect(await tokensSeenByTheOther(ask)).toEqual([first.record.id]);
      // … the lock was not kept …
      expect(await ask('lock')).toBe('locked');
      expect(await ask('commit')).toBe('committed');
      // … and it survives a restart; the refused logout never happened.
      for (const stores of open.splice(0)) stores.close();
      const restarted = createTokenService({ store: (await openStores()).tokens });
      expect((await restarted.verify(second.token)).ok).toBe(false);
      expect((await restarted.verify(first.token)).ok).toBe(true);
    });

    it('keeps the event loop free while a write waits for it', PROCESS_TIMEOUT, async () => {
      // A wait far longer than the test, so that only a free event loop lets it pass.
      const { service, create, ask, tokensSeenByTheOther } = await setUp(driver, 600_000);
      const used = await create();
      const unused = await create();
      expect((await service.verify(used.token)).ok).toBe(true); // its last use is recorded now
      const url = await publicRoute();

      expect(await ask('lock')).toBe('locked');
      let settled = false;
      const logout = service.revoke(unused.record.id).finally(() => (settled = true));
      logout.catch(() => undefined);
      // While the logout waits for the lock: a public route answers, and a token is verified
      // (a read, which in WAL mode never waits).
      expect(await (await fetch(url)).text()).toBe('ok');
      expect((await service.verify(used.token)).ok).toBe(true);
      expect(settled).toBe(false);
      // Once the lock is released the logout goes through, and is durable.
      expect(await ask('commit')).toBe('committed');
      expect(await logout).toBe(true);
      expect(await tokensSeenByTheOther(ask)).toEqual([used.record.id]);
    });
  });
}
