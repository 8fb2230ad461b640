// openPostgresStores against the test Postgres server, and what several processes on one
// server must see: each other's revocations at once, one per-user token limit, one set of
// throttle counters.
import { createTokenService, type VerifyTokenResult } from '@latchkey/core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { otherProcess, stopOtherProcesses } from '../test/other-process.ts';
import { createTestDatabase } from '../test/postgres-database.ts';
import { isPostgresUrl, type OpenPostgresStores, openPostgresStores } from './node-postgres.ts';

// A child process starts through tsx, which takes seconds on a busy machine.
const PROCESS_TIMEOUT = { timeout: 30_000 };

let url = '';
const open: OpenPostgresStores[] = [];
beforeAll(async () => {
  url = await createTestDatabase(`processes_${process.pid}`);
});
afterEach(() => stopOtherProcesses());
afterAll(() => Promise.all(open.map((stores) => stores.close())));

async function openStores(migrate = true): Promise<OpenPostgresStores> {
  const stores = await openPostgresStores({ url, migrate });
  open.push(stores);
  return stores;
}

describe('openPostgresStores', () => {
  it('takes postgres:// and postgresql:// URLs and nothing else', async () => {
    expect(['postgres://h/db', 'postgresql://u:p@h:5432/db', 'POSTGRES://h'].map(isPostgresUrl)).toEqual([true, true, true]);
    expect(['file:x.db', 'libsql://x.turso.io', 'https://x', 'postgres:/x'].map(isPostgresUrl)).toEqual([false, false, false, false]);
    await expect(openPostgresStores({ url: 'file:x.db' })).rejects.toThrow(TypeError);
  });

  it('migrates on open, and fails to open, closing its pool, when the server cannot be reached', async () => {
    const stores = await openStores();
    expect(await stores.users.findByUsername('nobody')).toBeNull();
    await expect(openPostgresStores({ url: 'postgres://postgres@127.0.0.1:1/none' })).rejects.toThrow(/ECONNREFUSED/);
  });
});

describe('two processes on one Postgres database', () => {
  it("see each other's revocations at once", PROCESS_TIMEOUT, async () => {
    const stores = await openStores();
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

  it('hold the per-user token limit under concurrent creation from both', PROCESS_TIMEOUT, async () => {
    const max = 5;
    const stores = await openStores();
    const service = createTokenService({ store: stores.tokens, maxTokensPerUser: max });
    const ask = otherProcess(url);
    await ask({ op: 'verify', token: 'warm-up' }); // the child is running and has connected
    const [theirs, mine] = await Promise.all([
      ask({ op: 'createMany', userId: 'racer', count: 40, max }),
      Promise.all(Array.from({ length: 40 }, () => service.create('racer'))),
    ]);
    expect(theirs + mine.filter((result) => result.ok).length).toBe(max);
    expect(await stores.tokens.listForUser('racer')).toHaveLength(max);
  });

  it('count throttle increments from both against one counter, each seeing a distinct count', PROCESS_TIMEOUT, async () => {
    const stores = await openStores();
    const ask = otherProcess(url);
    await ask({ op: 'verify', token: 'warm-up' });
    const [theirs, mine] = await Promise.all([
      ask({ op: 'incrementMany', key: 'shared', count: 30 }) as Promise<number[]>,
      Promise.all(Array.from({ length: 30 }, () => stores.throttles.increment('shared', 60_000, 0))),
    ]);
    expect([...theirs, ...mine].sort((a, b) => a - b)).toEqual(Array.from({ length: 60 }, (_, i) => i + 1));
  });
});
