// DrizzleReplayStore: the ReplayStore conformance suite on libSQL (memory and file), then
// the property it exists for: several real processes on one file, each nonce new to one only.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { replayStoreConformance } from '@latchkey/signatures/testing';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { openLibsqlStores, type LibsqlStores } from './libsql.ts';

const root = fileURLToPath(new URL('../../..', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'latchkey-replay-'));
const open: LibsqlStores[] = [];
let files = 0;
afterEach(() => {
  for (const stores of open.splice(0)) stores.close();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function storeAt(url: string) {
  const stores = await openLibsqlStores({ url });
  open.push(stores);
  return stores.nonces;
}

describe('DrizzleReplayStore passes the ReplayStore conformance suite', () => {
  describe('libSQL :memory:', () => {
    for (const c of replayStoreConformance(() => storeAt(':memory:'))) it(c.name, c.run);
  });
  describe('libSQL file', () => {
    for (const c of replayStoreConformance(() => storeAt(`file:${join(dir, `conf-${++files}.db`)}`))) it(c.name, c.run);
  });
});

describe('DrizzleReplayStore across processes', () => {
  it('purgeExpired deletes expired nonces only', async () => {
    const store = await storeAt(':memory:');
    await store.remember('old', 1_000, 0);
    await store.remember('live', 5_000, 0);
    expect(await store.purgeExpired(2_000)).toBe(1);
    expect(await store.remember('live', 9_000, 2_000)).toBe(false);
    expect(await store.remember('old', 9_000, 2_000)).toBe(true);
  });

  it('three processes replaying the same 150 nonces at once: each nonce is new to exactly one', { timeout: 60_000 }, async () => {
    const url = `file:${join(dir, 'shared.db')}`;
    await storeAt(url); // migrated here; the children only open it
    const count = 150;
    // Each starts at another nonce, so the three meet in the middle of each other's runs.
    const children = [0, 50, 100].map((start) =>
      spawn(join(root, 'node_modules/.bin/tsx'), ['--conditions=source', fileURLToPath(new URL('../test/fixtures/replay-process.ts', import.meta.url)), url, String(count), String(start)], { cwd: root }),
    );
    try {
      const lines = children.map((child) => createInterface({ input: child.stdout })[Symbol.asyncIterator]());
      const next = async (index: number) => {
        const { value, done } = await lines[index]!.next();
        if (done) throw new Error(`replay process ${index} ended early`);
        return value as string;
      };
      for (let i = 0; i < children.length; i++) expect(await next(i)).toBe('ready');
      for (const child of children) child.stdin.write('go\n');
      const results = await Promise.all(children.map(async (_, i) => JSON.parse(await next(i)) as boolean[]));
      for (let nonce = 0; nonce < count; nonce++) {
        expect(results.filter((seen) => seen[nonce]).length, `nonce ${nonce}`).toBe(1);
      }
    } finally {
      for (const child of children) child.kill();
    }
  });
});
