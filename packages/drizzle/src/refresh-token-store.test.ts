// DrizzleRefreshTokenStore on libSQL: @latchkey/jwt's conformance suite in memory and in a
// file, no plaintext refresh token on disk, and several real processes on one file: two
// concurrent refreshes with one token give one winner, and a revocation made by one
// process stops the access tokens another one checks.
import { existsSync, readFileSync } from 'node:fs';
import { createJwtService, createKeySet, digestRefreshToken } from '@latchkey/jwt';
import { refreshTokenStoreConformance } from '@latchkey/jwt/testing';
import { describe, expect, it } from 'vitest';
import { libsqlHarness, PROCESS_TIMEOUT } from '../test/libsql-harness.ts';
import { type LibsqlStores, openLibsqlStores } from './libsql.ts';

const SECRET = 'refresh-process-test-secret-of-32-bytes+';
const harness = libsqlHarness('refresh');
const { newFile, openStores } = harness;
/** test/fixtures/refresh-process.ts in a child process on `url`. */
const otherProcess = (url: string) => harness.otherProcess('refresh-process.ts', url, SECRET);

const service = (stores: LibsqlStores, revocationInterval = 10_000) =>
  createJwtService({ keys: createKeySet({ keys: [{ kid: 'k', alg: 'HS256', secret: SECRET }] }), refreshTokens: stores.refreshTokens, revocationInterval });
const alice = { id: 'u-alice', username: 'alice', isActive: true, isStaff: false };

for (const driver of ['libsql', 'better-sqlite3'] as const) {
  for (const [where, url] of [
    [':memory:', () => ':memory:'],
    ['a file', () => newFile().url],
  ] as const) {
    describe(`${driver}, ${where}: the refresh-token store conformance suite`, () => {
      const stores = async () => {
        const opened = await openLibsqlStores({ url: url(), driver });
        harness.track(opened);
        return opened;
      };
      for (const c of refreshTokenStoreConformance(async () => (await stores()).refreshTokens)) it(c.name, c.run);
    });
  }
}

describe('refresh tokens in a libSQL file', () => {
  it('never holds a refresh token on disk, only its digest', async () => {
    const { path, url } = newFile();
    const stores = await openStores(url);
    const { refresh } = await service(stores).issuePair(alice);
    harness.close(stores);
    const bytes = [path, `${path}-wal`].filter((file) => existsSync(file)).map((file) => readFileSync(file, 'latin1')).join('');
    expect(bytes).toContain(digestRefreshToken(refresh));
    expect(bytes).not.toContain(refresh.split('.')[2]!);
    expect(bytes).not.toContain(refresh.split('.')[1]!);
  });

  it('two processes refreshing one token at once: exactly one wins', PROCESS_TIMEOUT, async () => {
    const { url } = newFile();
    const stores = await openStores(url);
    const { refresh } = await service(stores).issuePair(alice);
    const [first, second] = [otherProcess(url), otherProcess(url)];
    // Both started and idle before the race, so it is the store that decides.
    await Promise.all([first({ op: 'blacklist', token: 'warm-up' }), second({ op: 'blacklist', token: 'warm-up' })]);
    const results = await Promise.all([first({ op: 'refresh', token: refresh }), second({ op: 'refresh', token: refresh })]);
    expect(results.filter((result) => result.ok)).toHaveLength(1);
    expect(results.filter((result) => !result.ok)).toEqual([{ ok: false, message: 'Token is blacklisted' }]);
  });

  it('a logout in another process stops this one\'s access tokens at its next poll', PROCESS_TIMEOUT, async () => {
    const { url } = newFile();
    const stores = await openStores(url);
    const here = service(stores, 0);
    const pair = await here.issuePair(alice);
    expect((await here.verifyAccess(pair.access)).ok).toBe(true);
    expect(await otherProcess(url)({ op: 'blacklist', token: pair.refresh })).toEqual({ ok: true });
    expect(await here.verifyAccess(pair.access)).toEqual({ ok: false, message: 'Token is blacklisted' });
  });
});
