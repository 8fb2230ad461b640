// openPostgresStores against the test Postgres server, and what several processes on one
// server must see: each other's revocations at once, one per-user token limit, one set of
// throttle counters, each TOTP step, backup code and signed request's nonce accepted once,
// one winner of two refreshes with one refresh token, and each other's logouts.
import { createTokenService, type VerifyTokenResult } from '@latchkey/core';
import { createJwtService, createKeySet } from '@latchkey/jwt';
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

const SECRET = 'refresh-process-test-secret-of-32-bytes+';
const jwtService = (stores: OpenPostgresStores, revocationInterval = 10_000) =>
  createJwtService({ keys: createKeySet({ keys: [{ kid: 'k', alg: 'HS256', secret: SECRET }] }), refreshTokens: stores.refreshTokens, revocationInterval });
const alice = { id: 'u-alice', username: 'alice', isActive: true, isStaff: false };

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

  it('accept a TOTP code and a backup code once, of concurrent uses from both', PROCESS_TIMEOUT, async () => {
    const stores = await openStores();
    await stores.totp.save({ userId: 'u1', sealedSeed: 'AA==', enabledAt: null, lastStep: null, createdAt: 1 });
    expect(await stores.totp.enable('u1', 2, ['code-1', 'code-2'])).toBe(true);
    const ask = otherProcess(url);
    expect(await ask({ op: 'useStep', userId: 'u1', step: 1, count: 1 })).toBe(1); // warm-up
    const won = async (result: Promise<boolean>) => ((await result) ? 1 : 0);
    const steps = await Promise.all([
      ask({ op: 'useStep', userId: 'u1', step: 7, count: 10 }) as Promise<number>,
      ...Array.from({ length: 10 }, () => won(stores.totp.useStep('u1', 7))),
    ]);
    expect(steps.reduce((sum, n) => sum + n, 0)).toBe(1);
    expect(await stores.totp.useStep('u1', 6)).toBe(false);
    const codes = await Promise.all([
      ask({ op: 'useBackupCode', userId: 'u1', digest: 'code-1', count: 10 }) as Promise<number>,
      ...Array.from({ length: 10 }, () => won(stores.totp.useBackupCode('u1', 'code-1'))),
    ]);
    expect(codes.reduce((sum, n) => sum + n, 0)).toBe(1);
    expect(await stores.totp.countBackupCodes('u1')).toBe(1);
  });

  it("admit each signed request's nonce once, of both replaying the same nonces at once", PROCESS_TIMEOUT, async () => {
    const stores = await openStores();
    const ask = otherProcess(url);
    await ask({ op: 'rememberMany', keys: ['warm-up'], expiresAt: 2, now: 1 });
    const keys = Array.from({ length: 100 }, (_, i) => `hawk:k:n${i}`);
    // The other process walks them backwards, so the two meet in the middle.
    const [theirs, mine] = await Promise.all([
      ask({ op: 'rememberMany', keys: [...keys].reverse(), expiresAt: 60_000, now: 1 }) as Promise<boolean[]>,
      Promise.all(keys.map((key) => stores.nonces.remember(key, 60_000, 1))),
    ]);
    theirs.reverse();
    for (const [i, key] of keys.entries()) expect([mine[i], theirs[i]].filter(Boolean), key).toEqual([true]);
  });

  it('refreshing one refresh token at once: exactly one wins', PROCESS_TIMEOUT, async () => {
    const { refresh } = await jwtService(await openStores()).issuePair(alice);
    const [first, second] = [otherProcess(url, 'refresh-process.ts', SECRET), otherProcess(url, 'refresh-process.ts', SECRET)];
    // Both started and idle before the race, so it is the store that decides.
    await Promise.all([first({ op: 'blacklist', token: 'warm-up' }), second({ op: 'blacklist', token: 'warm-up' })]);
    const results = await Promise.all([first({ op: 'refresh', token: refresh }), second({ op: 'refresh', token: refresh })]);
    expect(results.filter((result) => result.ok)).toHaveLength(1);
    expect(results.filter((result) => !result.ok)).toEqual([{ ok: false, message: 'Token is blacklisted' }]);
  });

  it("a logout in the other stops this one's access tokens at its next poll", PROCESS_TIMEOUT, async () => {
    const here = jwtService(await openStores(), 0);
    const pair = await here.issuePair(alice);
    expect((await here.verifyAccess(pair.access)).ok).toBe(true);
    expect(await otherProcess(url, 'refresh-process.ts', SECRET)({ op: 'blacklist', token: pair.refresh })).toEqual({ ok: true });
    expect(await here.verifyAccess(pair.access)).toEqual({ ok: false, message: 'Token is blacklisted' });
  });
});
