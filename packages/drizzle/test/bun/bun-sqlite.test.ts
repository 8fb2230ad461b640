/**
 * The stores on bun:sqlite under `bun test`: core's conformance suites in memory and in a
 * file, `openLibsqlStores` picking bun:sqlite in Bun, and the two reliability cases of
 * ../reliability.test.ts against another process holding the file's write lock.
 */
import { afterAll, afterEach, describe, expect, test } from 'bun:test';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { createTokenService } from '@latchkey/core';
import { oneTimeStoreConformance, throttleStoreConformance, tokenStoreConformance, userStoreConformance } from '@latchkey/core/testing';
import { refreshTokenStoreConformance } from '@latchkey/jwt/testing';
import { totpStoreConformance } from '@latchkey/two-factor/testing';
import { openBunSqliteStores } from '../../src/bun-sqlite.ts';
import { openLibsqlStores, type LibsqlStores } from '../../src/libsql.ts';

const dir = mkdtempSync(join(tmpdir(), 'latchkey-bun-sqlite-'));
let files = 0;
const open: LibsqlStores[] = [];
const children: ChildProcessWithoutNullStreams[] = [];
afterEach(() => {
  for (const child of children.splice(0)) child.kill();
  for (const stores of open.splice(0)) stores.close();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const newPath = () => join(dir, `test-${++files}.db`);

async function stores(path: string, busyTimeout?: number): Promise<LibsqlStores> {
  const opened = await openBunSqliteStores({ path, ...(busyTimeout !== undefined && { busyTimeout }) });
  open.push(opened);
  return opened;
}

for (const [where, path] of [
  [':memory:', () => ':memory:'],
  ['a file', newPath],
] as const) {
  describe(`bun:sqlite, ${where}: core's conformance suites`, () => {
    for (const c of tokenStoreConformance(async () => (await stores(path())).tokens)) test(c.name, c.run);
    for (const c of userStoreConformance(async () => (await stores(path())).users)) test(c.name, c.run);
    for (const c of oneTimeStoreConformance(async () => (await stores(path())).oneTime)) test(c.name, c.run);
    for (const c of throttleStoreConformance(async () => (await stores(path())).throttles)) test(c.name, c.run);
    for (const c of totpStoreConformance(async () => (await stores(path())).totp)) test(c.name, c.run);
    for (const c of refreshTokenStoreConformance(async () => (await stores(path())).refreshTokens)) test(`refresh tokens: ${c.name}`, c.run);
  });
}

test('openLibsqlStores opens a local file with bun:sqlite in Bun', async () => {
  const opened = await openLibsqlStores({ url: `file:${newPath()}` });
  open.push(opened);
  expect(opened.driver).toBe('bun:sqlite');
});

test('checks a token by two kept lookups, not the join (slower on bun:sqlite), answering without a promise', async () => {
  const { tokens, users } = await stores(newPath());
  expect(tokens.joinedUsers).toBeUndefined();
  const alice = (await users.createUser({ username: 'alice', passwordHash: null }))!;
  const service = createTokenService({ store: tokens, lastUsedInterval: null });
  const created = await service.create(alice.id);
  if (!created.ok) throw new Error('no token');
  const answer = service.authenticate(created.token, 'api', users);
  expect(answer).not.toBeInstanceOf(Promise);
  expect(answer).toMatchObject({ ok: true, user: { username: 'alice' } });
  await service.revoke(created.record.id);
  expect(service.authenticate(created.token, 'api', users)).toEqual({ ok: false, reason: 'revoked' });
});

/** ../fixtures/lock-holder.mjs in Node on `path`: `ask` sends one command, returns its answer. */
function lockHolder(path: string): (command: string) => Promise<string> {
  const fixture = fileURLToPath(new URL('../fixtures/lock-holder.mjs', import.meta.url));
  const child = spawn('node', [fixture, `file:${path}`]);
  children.push(child);
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  return async (command) => {
    child.stdin.write(`${command}\n`);
    const { value, done } = await lines.next();
    if (done) throw new Error('the lock holder ended');
    return value;
  };
}

describe('a write lock held by another process (bun:sqlite)', () => {
  async function setUp(busyTimeout: number) {
    const path = newPath();
    const opened = await stores(path, busyTimeout);
    await opened.users.createUser({ username: 'alice', passwordHash: null });
    const service = createTokenService({ store: opened.tokens });
    const create = async () => {
      const created = await service.create('1');
      if (!created.ok) throw new Error('token not created');
      return created;
    };
    const ask = lockHolder(path);
    const seen = async () => JSON.parse(await ask('live')) as string[];
    return { path, service, create, ask, seen };
  }

  test('refuses the write it blocks and loses no write acknowledged after it', async () => {
    const { path, service, create, ask, seen } = await setUp(300);
    const first = await create();
    const second = await create();
    expect(await ask('lock')).toBe('locked');
    await expect(service.revoke(first.record.id)).rejects.toThrow(/DrizzleTokenStore: .*lock/);
    expect(await ask('commit')).toBe('committed');
    expect(await service.revoke(second.record.id)).toBe(true);
    expect(await seen()).toEqual([first.record.id]);
    expect(await ask('lock')).toBe('locked');
    expect(await ask('commit')).toBe('committed');
    for (const s of open.splice(0)) s.close();
    const restarted = createTokenService({ store: (await stores(path)).tokens });
    expect((await restarted.verify(second.token)).ok).toBe(false);
    expect((await restarted.verify(first.token)).ok).toBe(true);
  }, 30_000);

  test('keeps the event loop free while a write waits for it', async () => {
    const { service, create, ask, seen } = await setUp(600_000);
    const used = await create();
    const unused = await create();
    expect((await service.verify(used.token)).ok).toBe(true);
    const server = Bun.serve({ hostname: '127.0.0.1', port: 0, fetch: () => new Response('ok') });
    try {
      expect(await ask('lock')).toBe('locked');
      let settled = false;
      const logout = service.revoke(unused.record.id).finally(() => (settled = true));
      expect(await (await fetch(`http://127.0.0.1:${server.port}/`)).text()).toBe('ok');
      expect((await service.verify(used.token)).ok).toBe(true);
      expect(settled).toBe(false);
      expect(await ask('commit')).toBe('committed');
      expect(await logout).toBe(true);
      expect(await seen()).toEqual([used.record.id]);
    } finally {
      server.stop(true);
    }
  }, 30_000);
});
