// DrizzleRefreshTokenStore on libSQL: @latchkey/jwt's conformance suite in memory and in a
// file, no plaintext refresh token on disk, and several real processes on one file: two
// concurrent refreshes with one token give one winner, and a revocation made by one
// process stops the access tokens another one checks.
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { createJwtService, createKeySet, digestRefreshToken } from '@latchkey/jwt';
import { refreshTokenStoreConformance } from '@latchkey/jwt/testing';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { openLibsqlStores, type LibsqlStores } from './libsql.ts';

// A child process starts through tsx, which takes seconds on a busy machine.
const PROCESS_TIMEOUT = { timeout: 30_000 };
const SECRET = 'refresh-process-test-secret-of-32-bytes+';

const root = fileURLToPath(new URL('../../..', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'latchkey-refresh-'));
let files = 0;
const open: LibsqlStores[] = [];
const children: ChildProcessWithoutNullStreams[] = [];

afterEach(() => {
  for (const child of children.splice(0)) child.kill();
  for (const stores of open.splice(0)) stores.close();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const newFile = () => {
  const path = join(dir, `test-${++files}.db`);
  return { path, url: `file:${path}` };
};

async function openStores(url: string): Promise<LibsqlStores> {
  const stores = await openLibsqlStores({ url });
  open.push(stores);
  return stores;
}

/** test/fixtures/refresh-process.ts in a child process on `url`; `ask` sends one request. */
function otherProcess(url: string): (request: object) => Promise<any> {
  const child = spawn(
    join(root, 'node_modules/.bin/tsx'),
    ['--conditions=source', fileURLToPath(new URL('../test/fixtures/refresh-process.ts', import.meta.url)), url, SECRET],
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

const service = (stores: LibsqlStores, revocationInterval = 10_000) =>
  createJwtService({ keys: createKeySet({ keys: [{ kid: 'k', alg: 'HS256', secret: SECRET }] }), refreshTokens: stores.refreshTokens, revocationInterval });
const alice = { id: 'u-alice', username: 'alice', isActive: true, isStaff: false };

for (const [where, url] of [
  ['libSQL :memory:', () => ':memory:'],
  ['libSQL file', () => newFile().url],
] as const) {
  describe(`${where}: the refresh-token store conformance suite`, () => {
    for (const c of refreshTokenStoreConformance(async () => (await openStores(url())).refreshTokens)) it(c.name, c.run);
  });
}

describe('refresh tokens in a libSQL file', () => {
  it('never holds a refresh token on disk, only its digest', async () => {
    const { path, url } = newFile();
    const stores = await openStores(url);
    const { refresh } = await service(stores).issuePair(alice);
    stores.close();
    open.splice(open.indexOf(stores), 1);
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
