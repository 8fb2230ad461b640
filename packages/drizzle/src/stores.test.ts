// The core conformance suites, unchanged, against real databases: libSQL in memory,
// libSQL in a file, and D1 in workerd (through Miniflare). No mocks.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tokenStoreConformance, userStoreConformance } from '@latchkey/core/testing';
import { Miniflare } from 'miniflare';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { d1Stores, migrateD1 } from './d1.ts';
import { openLibsqlStores } from './libsql.ts';
import { latchkeyTokens, latchkeyUsers } from './schema.ts';
import type { DrizzleTokenStore } from './token-store.ts';
import type { DrizzleUserStore } from './user-store.ts';

interface Stores {
  readonly tokens: DrizzleTokenStore;
  readonly users: DrizzleUserStore;
}

function register(fresh: () => Promise<Stores>): void {
  for (const c of tokenStoreConformance(async () => (await fresh()).tokens)) it(c.name, c.run);
  for (const c of userStoreConformance(async () => (await fresh()).users)) it(c.name, c.run);
}

describe('libSQL :memory:', () => {
  const open: Array<{ close(): void }> = [];
  afterAll(() => open.forEach((stores) => stores.close()));
  register(async () => {
    const stores = await openLibsqlStores({ url: ':memory:' });
    open.push(stores);
    return stores;
  });
});

describe('libSQL file', () => {
  const dir = mkdtempSync(join(tmpdir(), 'latchkey-stores-'));
  const open: Array<{ close(): void }> = [];
  let count = 0;
  afterAll(() => {
    open.forEach((stores) => stores.close());
    rmSync(dir, { recursive: true, force: true });
  });
  register(async () => {
    const stores = await openLibsqlStores({ url: `file:${join(dir, `case-${++count}.db`)}` });
    open.push(stores);
    return stores;
  });
});

describe('D1 (workerd through Miniflare)', () => {
  // Compatibility dates after 2026-05-03 make this workerd hang (see TOOLCHAIN.md).
  const mf = new Miniflare({
    modules: true,
    script: 'export default { fetch() { return new Response("") } }',
    compatibilityDate: '2026-04-01',
    d1Databases: ['DB'],
  });
  let binding: Awaited<ReturnType<typeof mf.getD1Database>>;
  beforeAll(async () => {
    binding = await mf.getD1Database('DB');
    await migrateD1(binding);
  });
  afterAll(() => mf.dispose());
  // One database for the whole suite: each case starts from empty tables.
  register(async () => {
    const stores = d1Stores(binding);
    await stores.db.batch([stores.db.delete(latchkeyTokens), stores.db.delete(latchkeyUsers)]);
    return stores;
  });
});
