// The stores on local SQLite through each synchronous driver Node can load (`libsql`,
// better-sqlite3; bun:sqlite is tested in Bun): core's conformance suites in memory and in a
// file, then what a file must guarantee beyond them (no plaintext on disk, several processes and clients on
// one file, the per-user limit under real contention, purging) and remote URLs.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createOneTimeTokens, createPasswordHasher, createTokenService, type VerifyTokenResult } from '@latchkey/core';
import { oneTimeStoreConformance, throttleStoreConformance, tokenStoreConformance, userStoreConformance } from '@latchkey/core/testing';
import { totpStoreConformance } from '@latchkey/two-factor/testing';
import { sql } from 'drizzle-orm';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { otherProcess, stopOtherProcesses } from '../test/other-process.ts';
import { openLibsqlStores, type LibsqlStores } from './libsql.ts';

// A child process starts through tsx, which takes seconds on a busy machine.
const PROCESS_TIMEOUT = { timeout: 30_000 };

const dir = mkdtempSync(join(tmpdir(), 'latchkey-libsql-'));
let files = 0;
const open: LibsqlStores[] = [];

afterEach(() => {
  stopOtherProcesses();
  for (const stores of open.splice(0)) stores.close();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function newFile(): { path: string; url: string } {
  const path = join(dir, `test-${++files}.db`);
  return { path, url: `file:${path}` };
}

async function openStores(url: string, migrate = true): Promise<LibsqlStores> {
  const stores = await openLibsqlStores({ url, migrate });
  open.push(stores);
  return stores;
}

for (const driver of ['libsql', 'better-sqlite3'] as const) {
  for (const [where, url] of [
    [':memory:', () => ':memory:'],
    ['a file', () => newFile().url],
  ] as const) {
    describe(`${driver}, ${where}: core's conformance suites`, () => {
      const stores = async () => {
        const opened = await openLibsqlStores({ url: url(), driver });
        open.push(opened);
        expect(opened.driver).toBe(driver);
        return opened;
      };
      it('has the revocation feed and the join with its users, so their optional cases run', async () => {
        const { tokens, users } = await stores();
        expect([typeof tokens.revokedSince, typeof tokens.findWithUser, tokens.joinedUsers]).toEqual(['function', 'function', users]);
      });
      for (const c of tokenStoreConformance(async () => (await stores()).tokens)) it(c.name, c.run);
      for (const c of userStoreConformance(async () => (await stores()).users)) it(c.name, c.run);
      for (const c of oneTimeStoreConformance(async () => (await stores()).oneTime)) it(c.name, c.run);
      for (const c of throttleStoreConformance(async () => (await stores()).throttles)) it(c.name, c.run);
      for (const c of totpStoreConformance(async () => (await stores()).totp)) it(c.name, c.run);
    });
  }
}

describe('openLibsqlStores', () => {
  it('opens a local file with the fastest synchronous driver available: better-sqlite3 on Node', async () => {
    expect((await openStores(newFile().url)).driver).toBe('better-sqlite3');
    expect((await openStores(':memory:')).driver).toBe('better-sqlite3');
  });
});

describe('a libSQL file', () => {
  it('accepts a TOTP step once across connections and processes: of concurrent useStep calls one wins', PROCESS_TIMEOUT, async () => {
    const { url } = newFile();
    // Migrated once, then opened again: three connections here, two other processes.
    await openStores(url);
    const connections = await Promise.all([openStores(url, false), openStores(url, false), openStores(url, false)]);
    const stores = connections.map((stores) => stores.totp);
    await stores[0]!.save({ userId: 'u1', sealedSeed: 'AA==', enabledAt: 1, lastStep: null, createdAt: 1 });
    const others = [otherProcess(url), otherProcess(url)];
    // Warm both processes up first, so the race below is between running code.
    expect(await Promise.all(others.map((ask) => ask({ op: 'useStep', userId: 'u1', step: 1, count: 1 })))).toContain(1);
    const results = await Promise.all([
      ...stores.flatMap((store) => [store.useStep('u1', 7), store.useStep('u1', 7)]).map(async (won) => ((await won) ? 1 : 0)),
      ...others.map((ask) => ask({ op: 'useStep', userId: 'u1', step: 7, count: 3 }) as Promise<number>),
    ]);
    expect(results.reduce((sum, won) => sum + won, 0)).toBe(1);
  });

  it("never holds a token's plaintext or a password, only their digest and hash", async () => {
    const { path, url } = newFile();
    const stores = await openStores(url);
    const service = createTokenService({ store: stores.tokens });
    const hasher = createPasswordHasher({ iterations: 1_000 });
    const password = 'correct horse battery staple';
    const user = await stores.users.createUser({ username: 'alice', passwordHash: await hasher.hash(password) });
    const created = await Promise.all(
      Array.from({ length: 20 }, (_, i) => service.create(user!.id, { name: `device-${i}`, scopes: ['read'] })),
    );
    stores.close();

    const bytes = [path, `${path}-wal`].filter(existsSync).map((file) => readFileSync(file).toString('latin1')).join('');
    for (const result of created) {
      if (!result.ok) throw new Error('token not created');
      const secret = result.token.slice(service.prefix.length, service.prefix.length + 43);
      expect(bytes).not.toContain(result.token);
      expect(bytes).not.toContain(secret);
      // The check can fail: what is stored is found.
      expect(bytes).toContain(result.record.digest);
      expect(bytes).toContain(result.record.name);
    }
    expect(bytes).not.toContain(password);
  });

  it('never holds a one-time token, only its digest, and lets one of many connections consume it', async () => {
    const { path, url } = newFile();
    const connections = [await openStores(url)];
    for (let i = 0; i < 3; i++) connections.push(await openStores(url, false));
    const services = connections.map((stores) => createOneTimeTokens({ store: stores.oneTime }));
    const issued = await Promise.all(Array.from({ length: 5 }, () => services[0]!.issue('1', 'password-reset')));
    for (const { token } of issued) {
      // Every connection tries at once: one wins, the others are told it was used or gone.
      const results = await Promise.all(services.flatMap((service) => [service.redeem(token, 'password-reset'), service.redeem(token, 'password-reset')]));
      expect(results.filter((result) => result.ok)).toHaveLength(1);
    }
    const more = await services[1]!.issue('2', 'activation', { data: 'new@example.org' });
    for (const stores of connections) stores.close();
    const bytes = [path, `${path}-wal`].filter(existsSync).map((file) => readFileSync(file).toString('latin1')).join('');
    for (const { token } of [...issued, more]) expect(bytes).not.toContain(token.slice(28, 71));
    expect(bytes).toContain(more.record.digest);
  });

  it("is put in WAL mode and migrated by openLibsqlStores; migrate: false leaves it as it is", async () => {
    const migrated = await openStores(newFile().url);
    expect(await migrated.db.get(sql`PRAGMA journal_mode`)).toEqual({ journal_mode: 'wal' });
    expect(await migrated.users.findByUsername('nobody')).toBeNull();

    const bare = await openStores(newFile().url, false);
    await expect(bare.users.findByUsername('nobody')).rejects.toThrow(/no such table: latchkey_users/);
  });

  it('lets storage errors propagate, naming the store and hiding query parameters', async () => {
    const bare = await openStores(newFile().url, false);
    const hash = 'pbkdf2_sha256$100000$some-salt$c2VjcmV0IGhhc2ggdGhhdCBtdXN0IG5vdCBiZSBsb2dnZWQ=';
    const error = await bare.users.createUser({ username: 'alice', passwordHash: hash }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toMatch(/^DrizzleUserStore: query failed: .*no such table/);
    expect((error as Error).cause).toBeInstanceOf(Error);
    expect(`${(error as Error).message} ${(error as Error).cause}`).not.toContain(hash);
    const digest = 'ab'.repeat(32);
    const lookup = await Promise.resolve(bare.tokens.findByDigest(digest)).catch((e: unknown) => e);
    expect((lookup as Error).message).toMatch(/^DrizzleTokenStore: query failed/);
    expect(`${(lookup as Error).message} ${(lookup as Error).cause}`).not.toContain(digest);
  });

  it("shows each process the other's revocations at once", PROCESS_TIMEOUT, async () => {
    const { url } = newFile();
    const stores = await openStores(url);
    const service = createTokenService({ store: stores.tokens });
    const ask = otherProcess(url);

    const mine = await service.create('1');
    if (!mine.ok) throw new Error('token not created');
    expect(((await ask({ op: 'verify', token: mine.token })) as VerifyTokenResult).ok).toBe(true);
    await service.revoke(mine.record.id);
    expect(await ask({ op: 'verify', token: mine.token })).toEqual({ ok: false, reason: 'revoked' });

    const theirs = await ask({ op: 'create', userId: '2' });
    expect((await service.verify(theirs.token)).ok).toBe(true);
    expect(await ask({ op: 'revoke', id: theirs.record.id })).toBe(true);
    expect(await service.verify(theirs.token)).toEqual({ ok: false, reason: 'revoked' });
  });

  it("never gives a deleted user's id to a new user, so tokens cannot change hands", async () => {
    const stores = await openStores(newFile().url);
    const first = await stores.users.createUser({ username: 'first', passwordHash: null });
    const second = await stores.users.createUser({ username: 'second', passwordHash: null });
    await stores.users.deleteUser(second!.id);
    const third = await stores.users.createUser({ username: 'third', passwordHash: null });
    expect([first!.id, second!.id, third!.id]).toEqual(['1', '2', '3']);
  });

  it('purges expired tokens through the token service and keeps live ones', async () => {
    const stores = await openStores(newFile().url);
    let now = 1_000_000;
    const service = createTokenService({ store: stores.tokens, now: () => now });
    const short = await service.create('1', { ttl: 1_000 });
    const long = await service.create('1', { ttl: 60_000 });
    const forever = await service.create('1');
    now += 1_000;
    expect(await service.purgeExpired()).toBe(1);
    expect((await stores.tokens.listForUser('1')).map((r) => r.id)).toEqual(
      [long, forever].map((result) => (result.ok ? result.record.id : '')),
    );
    expect(short.ok && (await stores.tokens.findByDigest(short.record.digest))).toBeNull();
    expect(await service.purgeExpired()).toBe(0);
  });
});

describe('the per-user token limit (maxTokensPerUser: 5)', () => {
  const max = 5;

  it('holds for many concurrent creations on one client', async () => {
    const stores = await openStores(newFile().url);
    const service = createTokenService({ store: stores.tokens, maxTokensPerUser: max });
    const results = await Promise.all(Array.from({ length: 40 }, () => service.create('racer')));
    expect(results.filter((result) => result.ok)).toHaveLength(max);
    expect(results.filter((result) => !result.ok)).toEqual(Array(40 - max).fill({ ok: false, reason: 'limit' }));
    expect(await stores.tokens.listForUser('racer')).toHaveLength(max);
  });

  it('holds across two clients on one file', async () => {
    const { url } = newFile();
    const clients = [await openStores(url), await openStores(url, false)];
    const services = clients.map((stores) => createTokenService({ store: stores.tokens, maxTokensPerUser: max }));
    const results = await Promise.all(
      Array.from({ length: 40 }, (_, i) => services[i % 2]!.create('racer')),
    );
    expect(results.filter((result) => result.ok)).toHaveLength(max);
    expect(await clients[1]!.tokens.listForUser('racer')).toHaveLength(max);
  });

  it('holds across two processes on one file', PROCESS_TIMEOUT, async () => {
    const { url } = newFile();
    const stores = await openStores(url);
    const service = createTokenService({ store: stores.tokens, maxTokensPerUser: max });
    const ask = otherProcess(url);
    await ask({ op: 'verify', token: 'warm-up' }); // the child is running and has opened the file
    const [theirs, mine] = await Promise.all([
      ask({ op: 'createMany', userId: 'racer', count: 40, max }),
      Promise.all(Array.from({ length: 40 }, () => service.create('racer'))),
    ]);
    expect(theirs + mine.filter((result) => result.ok).length).toBe(max);
    expect(await stores.tokens.listForUser('racer')).toHaveLength(max);
  });
});

describe('a remote libSQL database', () => {
  it('is reached at its URL with its auth token, with no other change', async () => {
    const seen: Array<string | undefined> = [];
    const server = createServer((request, response) => {
      seen.push(request.headers.authorization);
      response.writeHead(503).end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = server.address() as AddressInfo;
      await expect(
        openLibsqlStores({ url: `http://127.0.0.1:${port}`, authToken: 'remote-auth-token' }),
      ).rejects.toThrow();
      expect(seen.length).toBeGreaterThan(0);
      expect(seen.every((header) => header === 'Bearer remote-auth-token')).toBe(true);
    } finally {
      server.close();
    }
  });
});
