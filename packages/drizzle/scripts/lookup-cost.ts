// Per-lookup cost of the stores on each driver this runtime can load, on one file of
// 20,000 tokens: `findByDigest` (the token lookup every authenticated request makes) and
// `findById` (its user), awaited one after another, as a request does.
//   node_modules/.bin/tsx --conditions=source packages/drizzle/scripts/lookup-cost.ts
//   node_modules/.bin/bun --conditions=source packages/drizzle/scripts/lookup-cost.ts
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClient } from '@libsql/client';
import { drizzle } from 'drizzle-orm/libsql';
import { DrizzleTokenStore, DrizzleUserStore } from '../src/index.ts';
import { type LocalDriver, openLibsqlStores } from '../src/libsql.ts';

const TOKENS = 20_000;
const ROUNDS = 20_000;
const dir = mkdtempSync(join(tmpdir(), 'latchkey-lookup-'));
const url = `file:${join(dir, 'lookup.db')}`;
const inBun = typeof (globalThis as { Bun?: unknown }).Bun !== 'undefined';

const digestOf = (i: number) => i.toString(16).padStart(64, '0');

const seed = await openLibsqlStores({ url });
const user = await seed.users.createUser({ username: 'alice', passwordHash: null });
seed.close();
const seeder = createClient({ url });
await seeder.batch(
  Array.from({ length: TOKENS }, (_, i) => ({
    sql: "INSERT INTO latchkey_tokens (id, user_id, digest, scopes, created_at) VALUES (?, ?, ?, '', 0)",
    args: [`id-${i}`, user!.id, digestOf(i)],
  })),
  'write',
);
seeder.close();

async function cost(label: string, tokens: Pick<DrizzleTokenStore, 'findByDigest'>, users: Pick<DrizzleUserStore, 'findById'>) {
  const per = async (lookup: (i: number) => Promise<unknown>) => {
    for (let i = 0; i < 2_000; i++) await lookup(i);
    const start = performance.now();
    for (let i = 0; i < ROUNDS; i++) await lookup(i);
    return ((performance.now() - start) * 1_000) / ROUNDS;
  };
  const token = await per((i) => tokens.findByDigest(digestOf((i * 7919) % TOKENS)));
  const found = await tokens.findByDigest(digestOf(1));
  if (found?.id !== 'id-1') throw new Error(`${label}: lookup found ${found?.id}`);
  const byId = await per(() => users.findById(user!.id));
  console.log(`${label.padEnd(36)} token ${token.toFixed(1).padStart(6)} µs   user ${byId.toFixed(1).padStart(6)} µs`);
}

const drivers: LocalDriver[] = inBun ? ['bun:sqlite', 'libsql'] : ['better-sqlite3', 'libsql'];
for (const driver of drivers) {
  const stores = await openLibsqlStores({ url, driver, migrate: false });
  await cost(`openLibsqlStores, ${stores.driver}`, stores.tokens, stores.users);
  stores.close();
}
const client = createClient({ url });
const db = drizzle(client);
await cost('@libsql/client (async, before)', new DrizzleTokenStore(db), new DrizzleUserStore(db));
client.close();
rmSync(dir, { recursive: true, force: true });
