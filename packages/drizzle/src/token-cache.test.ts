// The verified-token cache across real processes: two instances on one libSQL file, each
// with its own cache and a clock the test sets, so "within the interval" is checked
// without sleeping.
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { createTokenService, TOKEN_CACHE_DEFAULTS } from '@latchkey/core';
import { afterAll, describe, expect, it } from 'vitest';
import { openLibsqlStores } from './libsql.ts';

const PROCESS_TIMEOUT = { timeout: 30_000 };
const root = fileURLToPath(new URL('../../..', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'latchkey-cache-'));
const children: ChildProcessWithoutNullStreams[] = [];
afterAll(() => {
  for (const child of children) child.kill();
  rmSync(dir, { recursive: true, force: true });
});

function otherInstance(url: string): (request: object) => Promise<any> {
  const child = spawn(
    join(root, 'node_modules/.bin/tsx'),
    ['--conditions=source', fileURLToPath(new URL('../test/fixtures/cached-token-process.ts', import.meta.url)), url],
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

describe('verified-token cache over a shared libSQL file, two processes', () => {
  const interval = TOKEN_CACHE_DEFAULTS.revocationInterval;

  it('refuses, within the interval, a token the other process revoked; one feed query per interval', PROCESS_TIMEOUT, async () => {
    const url = `file:${join(dir, 'shared.db')}`;
    const stores = await openLibsqlStores({ url });
    let clock = 1_700_000_000_000;
    const t0 = clock;
    const here = createTokenService({ store: stores.tokens, cache: true, now: () => clock });
    const alice = (await stores.users.createUser({ username: 'alice', passwordHash: null }))!;
    const created = await here.create(alice.id);
    if (!created.ok) throw new Error('limit');
    const ask = otherInstance(url);
    const authenticate = (at: number) => ask({ op: 'authenticate', token: created.token, at });

    // Filled by one joined query, then served from memory.
    expect(await authenticate(t0)).toEqual({ ok: true, calls: { findWithUser: 1, revokedSince: 0 } });
    expect(await authenticate(t0 + 10)).toEqual({ ok: true, calls: { findWithUser: 1, revokedSince: 0 } });
    expect((await here.authenticate(created.token, 'api', stores.users)).ok).toBe(true);

    clock = t0 + 20;
    expect(await here.revoke(created.record.id)).toBe(true);
    // Here: refused on the very next request.
    expect(await here.authenticate(created.token, 'api', stores.users)).toEqual({ ok: false, reason: 'revoked' });
    // There: refused once the interval has passed, after one read of the feed.
    const refused = await authenticate(t0 + interval);
    expect(refused).toMatchObject({ ok: false, reason: 'revoked', calls: { revokedSince: 1 } });
    for (let i = 0; i < 20; i++) {
      expect(await authenticate(t0 + interval + i)).toMatchObject({ ok: false, calls: { revokedSince: 1 } });
    }
    stores.close();
  });

  it('works the other way round: what the child revokes, this process refuses within the interval', PROCESS_TIMEOUT, async () => {
    const url = `file:${join(dir, 'reverse.db')}`;
    const stores = await openLibsqlStores({ url });
    let clock = 1_800_000_000_000;
    const t0 = clock;
    const here = createTokenService({ store: stores.tokens, cache: true, now: () => clock });
    const bob = (await stores.users.createUser({ username: 'bob', passwordHash: null }))!;
    const created = await here.create(bob.id);
    if (!created.ok) throw new Error('limit');
    expect((await here.authenticate(created.token, 'api', stores.users)).ok).toBe(true);
    const ask = otherInstance(url);
    expect(await ask({ op: 'revoke', id: created.record.id, at: t0 + 5 })).toBe(true);
    clock = t0 + interval;
    expect(await here.authenticate(created.token, 'api', stores.users)).toEqual({ ok: false, reason: 'revoked' });
    stores.close();
  });
});
