// The Postgres stores: core's, two-factor's, signatures' and jwt's conformance suites on a real Postgres server through each
// driver Drizzle has for it (node-postgres, postgres.js, Neon's WebSocket driver through a
// local relay) and on PGlite, then the migrations and what the stores guarantee beyond the
// suites. The server is started by scripts/test-servers/postgres-setup.ts.
import { execFile } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { PGlite } from '@electric-sql/pglite';
import { oneTimeStoreConformance, throttleStoreConformance, tokenStoreConformance, userStoreConformance } from '@latchkey/core/testing';
import { refreshTokenStoreConformance } from '@latchkey/jwt/testing';
import { createSecretBox, newSigningKey } from '@latchkey/signatures';
import { replayStoreConformance, signingKeyStoreConformance } from '@latchkey/signatures/testing';
import { totpStoreConformance } from '@latchkey/two-factor/testing';
import { neonConfig, Pool as NeonPool } from '@neondatabase/serverless';
import { sql } from 'drizzle-orm';
import { readMigrationFiles } from 'drizzle-orm/migrator';
import { drizzle as neonDrizzle } from 'drizzle-orm/neon-serverless';
import { drizzle as pgDrizzle } from 'drizzle-orm/node-postgres';
import { migrate as drizzleMigrate } from 'drizzle-orm/node-postgres/migrator';
import { drizzle as pgliteDrizzle } from 'drizzle-orm/pglite';
import { drizzle as postgresJsDrizzle } from 'drizzle-orm/postgres-js';
import pg from 'pg';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { startNeonProxy } from '../../test/neon-proxy.ts';
import { createTestDatabase } from '../../test/postgres-database.ts';
import type { PostgresDatabase } from './database.ts';
import { migratePostgres, postgresStores } from './index.ts';
import { migrations } from './migrations.ts';

// PGlite compiles its WebAssembly on start: seconds on a busy machine.
const PGLITE = { timeout: 60_000 };
const packageDir = fileURLToPath(new URL('../..', import.meta.url));
const migrationsFolder = join(packageDir, 'drizzle-postgres');
const cleanups: Array<() => Promise<unknown>> = [];
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

const secrets = createSecretBox(new Uint8Array(32).fill(7));
let databases = 0;
/** A new empty database on the test server; its URL. */
const newDatabase = () => createTestDatabase(`test_${process.pid}_${++databases}`);

const drivers: Record<string, () => Promise<PostgresDatabase>> = {
  'node-postgres': async () => {
    const pool = new pg.Pool({ connectionString: await newDatabase() });
    cleanups.push(() => pool.end());
    return pgDrizzle(pool);
  },
  'postgres.js': async () => {
    const client = postgres(await newDatabase(), { onnotice: () => {} });
    cleanups.push(() => client.end());
    return postgresJsDrizzle(client);
  },
  "Neon's WebSocket driver": async () => {
    const url = await newDatabase();
    const proxy = await startNeonProxy(Number(new URL(url).port));
    neonConfig.webSocketConstructor = WebSocket;
    neonConfig.wsProxy = () => `127.0.0.1:${proxy.port}/`;
    neonConfig.useSecureWebSocket = false;
    neonConfig.pipelineTLS = false;
    neonConfig.pipelineConnect = false;
    const pool = new NeonPool({ connectionString: url });
    cleanups.push(() => proxy.close(), () => pool.end());
    return neonDrizzle(pool);
  },
  PGlite: async () => {
    const client = new PGlite();
    cleanups.push(() => client.close());
    return pgliteDrizzle(client);
  },
};

for (const [driver, open] of Object.entries(drivers)) {
  describe(`Postgres through ${driver}: the conformance suites`, () => {
    let db: PostgresDatabase;
    beforeAll(async () => {
      db = await open();
      await migratePostgres(db);
    }, PGLITE.timeout);
    // One database per driver, emptied before each case: creating one per case would cost
    // more than the cases.
    const empty = async () => {
      await db.execute(
        sql`TRUNCATE latchkey_tokens, latchkey_users, latchkey_one_time_tokens, latchkey_throttles, latchkey_totp, latchkey_totp_backup_codes, latchkey_signing_keys, latchkey_nonces, latchkey_refresh_tokens, latchkey_revoked_families RESTART IDENTITY`,
      );
      return postgresStores(db, { secrets });
    };
    it('has the revocation feed and the join with its users, so their optional cases run', async () => {
      const { tokens, users } = await empty();
      expect([typeof tokens.revokedSince, typeof tokens.findWithUser, tokens.joinedUsers]).toEqual(['function', 'function', users]);
    });
    for (const c of tokenStoreConformance(async () => (await empty()).tokens)) it(c.name, c.run);
    for (const c of userStoreConformance(async () => (await empty()).users)) it(c.name, c.run);
    for (const c of oneTimeStoreConformance(async () => (await empty()).oneTime)) it(c.name, c.run);
    for (const c of throttleStoreConformance(async () => (await empty()).throttles)) it(c.name, c.run);
    for (const c of totpStoreConformance(async () => (await empty()).totp)) it(c.name, c.run);
    for (const c of signingKeyStoreConformance(async () => (await empty()).signingKeys)) it(c.name, c.run);
    for (const c of replayStoreConformance(async () => (await empty()).nonces)) it(c.name, c.run);
    for (const c of refreshTokenStoreConformance(async () => (await empty()).refreshTokens)) it(c.name, c.run);
  });
}

describe('the shipped Postgres migrations', () => {
  const scratch = mkdtempSync(join(tmpdir(), 'latchkey-pg-migrations-'));
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  it('are up to date with src/postgres/schema.ts: drizzle-kit finds nothing to generate', { timeout: 30_000 }, async () => {
    cpSync(migrationsFolder, join(scratch, 'drizzle-postgres'), { recursive: true });
    const { stdout } = await promisify(execFile)(
      join(packageDir, '../../node_modules/.bin/drizzle-kit'),
      ['generate', '--dialect', 'postgresql', '--schema', join(packageDir, 'src/postgres/schema.ts'), '--out', 'drizzle-postgres'],
      { cwd: scratch },
    );
    expect(stdout).toContain('No schema changes');
    expect(readdirSync(join(scratch, 'drizzle-postgres'))).toEqual(readdirSync(migrationsFolder));
  });

  it("are embedded exactly as drizzle's own reader reads ./drizzle-postgres", () => {
    expect(migrations).toEqual(readMigrationFiles({ migrationsFolder }));
  });
});

describe('migratePostgres', () => {
  const expectedHistory = migrations.map((migration) => [migration.hash, migration.folderMillis]);
  async function pool(url: string) {
    const opened = new pg.Pool({ connectionString: url });
    cleanups.push(() => opened.end());
    return opened;
  }
  const history = async (client: pg.Pool) =>
    (await client.query('SELECT hash, created_at FROM drizzle.__drizzle_migrations ORDER BY created_at')).rows.map(
      (row) => [row.hash, Number(row.created_at)],
    );

  it('creates the tables and is idempotent, keeping the data', async () => {
    const client = await pool(await newDatabase());
    const db = pgDrizzle(client);
    await migratePostgres(db);
    await postgresStores(db).users.createUser({ username: 'alice', passwordHash: null });
    await migratePostgres(db);
    const tables = await client.query("SELECT tablename FROM pg_tables WHERE tablename LIKE 'latchkey_%' ORDER BY 1");
    expect(tables.rows.map((row) => row.tablename)).toEqual([
      'latchkey_nonces',
      'latchkey_one_time_tokens',
      'latchkey_refresh_tokens',
      'latchkey_revoked_families',
      'latchkey_signing_keys',
      'latchkey_throttles',
      'latchkey_tokens',
      'latchkey_totp',
      'latchkey_totp_backup_codes',
      'latchkey_users',
    ]);
    expect(await postgresStores(db).users.findByUsername('alice')).toMatchObject({ id: '1', username: 'alice' });
    expect(await history(client)).toEqual(expectedHistory);
  });

  it('lets processes that start at the same moment wait for each other instead of migrating twice', async () => {
    const url = await newDatabase();
    const pools = await Promise.all(Array.from({ length: 4 }, () => pool(url)));
    await Promise.all(pools.map((client) => migratePostgres(pgDrizzle(client))));
    expect(await history(pools[0]!)).toEqual(expectedHistory);
  });

  it("shares one history with drizzle's file-based Postgres migrator, in either order", async () => {
    const ours = await pool(await newDatabase());
    await migratePostgres(pgDrizzle(ours));
    await drizzleMigrate(pgDrizzle(ours), { migrationsFolder });
    expect(await history(ours)).toEqual(expectedHistory);

    const theirs = await pool(await newDatabase());
    await drizzleMigrate(pgDrizzle(theirs), { migrationsFolder });
    await migratePostgres(pgDrizzle(theirs));
    expect(await history(theirs)).toEqual(expectedHistory);
  });
});

describe('the Postgres stores', () => {
  it('let storage errors propagate, naming the store and hiding query parameters', async () => {
    const client = new pg.Pool({ connectionString: await newDatabase() });
    cleanups.push(() => client.end());
    const stores = postgresStores(pgDrizzle(client));
    const hash = 'pbkdf2_sha256$100000$some-salt$c2VjcmV0IGhhc2ggdGhhdCBtdXN0IG5vdCBiZSBsb2dnZWQ=';
    const error = await stores.users.createUser({ username: 'alice', passwordHash: hash }).catch((e: unknown) => e);
    expect((error as Error).message).toMatch(/^PostgresUserStore: query failed: relation "latchkey_users" does not exist/);
    expect(`${(error as Error).message} ${(error as Error).cause}`).not.toContain(hash);
    const digest = 'ab'.repeat(32);
    const lookup = await Promise.resolve(stores.tokens.findByDigest(digest)).catch((e: unknown) => e);
    expect((lookup as Error).message).toMatch(/^PostgresTokenStore: query failed/);
    expect(`${(lookup as Error).message} ${(lookup as Error).cause}`).not.toContain(digest);
    await expect(stores.throttles.increment('login:alice', 60_000, 0)).rejects.toThrow(/^PostgresThrottleStore: query failed/);
    await expect(stores.totp.useStep('1', 7)).rejects.toThrow(/^PostgresTotpStore: query failed/);
    await expect(stores.totp.enable('1', 1, ['d'])).rejects.toThrow(/^PostgresTotpStore: query failed/);
    await expect(stores.nonces.remember('hawk:k:n', 2, 1)).rejects.toThrow(/^PostgresReplayStore: query failed/);
    await expect(stores.signingKeys.find('k')).rejects.toThrow(/^PostgresSigningKeyStore: query failed/);
    const refresh = await stores.refreshTokens.consume(digest).catch((e: unknown) => e);
    expect((refresh as Error).message).toMatch(/^PostgresRefreshTokenStore: query failed/);
    expect(`${(refresh as Error).message} ${(refresh as Error).cause}`).not.toContain(digest);
    await expect(stores.refreshTokens.revokeFamily('f', 1)).rejects.toThrow(/^PostgresRefreshTokenStore: query failed/);
  });

  // A migrated database on the server, so that refresh-token writes really run at once.
  async function refreshStores() {
    const client = new pg.Pool({ connectionString: await newDatabase() });
    cleanups.push(() => client.end());
    const db = pgDrizzle(client);
    await migratePostgres(db);
    return { client, refreshTokens: postgresStores(db).refreshTokens };
  }
  /** Refresh token `n` of a family. */
  const token = (familyId: string, userId: string, n: number) => ({
    digest: `${familyId}:${n}`.padEnd(64, '0'),
    familyId,
    userId,
    createdAt: 1_000,
    expiresAt: 9_000,
  });

  it('leave no live token in a family revoked while a rotation inserts into it, of hundreds of such races', { timeout: 30_000 }, async () => {
    const { refreshTokens } = await refreshStores();
    const races = Array.from({ length: 200 }, (_, i) => i);
    // A family revoked while its next token is inserted, and a user revoked (logout-all)
    // while one of their families rotates: each race run at once over the pool's connections.
    const outcomes = await Promise.all(
      races.flatMap((i) => [
        (async () => {
          const late = token(`f${i}`, `u${i}`, 1);
          await Promise.all([refreshTokens.revokeFamily(`f${i}`, 5_000), refreshTokens.insert(late)]);
          return (await refreshTokens.find(late.digest))?.state;
        })(),
        (async () => {
          await refreshTokens.insert(token(`g${i}`, `v${i}`, 0));
          const late = token(`g${i}`, `v${i}`, 1);
          await Promise.all([refreshTokens.revokeUser(`v${i}`, 5_000), refreshTokens.insert(late)]);
          return (await refreshTokens.find(late.digest))?.state;
        })(),
      ]),
    );
    expect(outcomes.filter((state) => state !== 'revoked')).toEqual([]);
  });

  it('revoke a token whose insert was under way when its family or its user was revoked', { timeout: 30_000 }, async () => {
    const { client, refreshTokens } = await refreshStores();
    // A test-only trigger holds each insert inside its statement, after the statement has
    // read whether the family is revoked and before it commits, for as long as the test
    // holds advisory lock 42: the widest window a concurrent revocation could fall into.
    await client.query(`CREATE FUNCTION hold_insert() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN PERFORM pg_advisory_xact_lock_shared(42); RETURN NEW; END $$`);
    await client.query('CREATE TRIGGER hold_insert BEFORE INSERT ON latchkey_refresh_tokens FOR EACH ROW EXECUTE FUNCTION hold_insert()');
    const gate = await client.connect();
    cleanups.push(async () => gate.release());
    /** Until `n` sessions wait for an advisory lock, or `done()`. */
    const waiting = async (n: number, done = () => false) => {
      const query = "SELECT count(*)::int AS n FROM pg_locks WHERE locktype = 'advisory' AND NOT granted";
      while (!done() && (await client.query(query)).rows[0].n < n) await new Promise((resolve) => setTimeout(resolve, 5));
    };
    for (const [first, revoke] of [
      [token('f1', 'u1', 0), () => refreshTokens.revokeFamily('f1', 5_000)],
      [token('f2', 'u2', 0), () => refreshTokens.revokeUser('u2', 5_000)],
    ] as const) {
      await refreshTokens.insert(first);
      await gate.query('SELECT pg_advisory_lock(42)');
      const late = token(first.familyId, first.userId, 1);
      const inserting = refreshTokens.insert(late);
      await waiting(1);
      // The revocation either waits for the insert (a second lock waiter) or, with nothing
      // to wait on, finishes while the insert is still held.
      let revoked = false;
      const revoking = revoke().finally(() => (revoked = true));
      await waiting(2, () => revoked);
      await gate.query('SELECT pg_advisory_unlock(42)');
      await Promise.all([inserting, revoking]);
      expect((await refreshTokens.find(late.digest))?.state).toBe('revoked');
    }
  });

  it('hold a shared secret only in its sealed box, bound to its row, and list keys without opening one', PGLITE, async () => {
    const db = await drivers.PGlite!();
    await migratePostgres(db);
    const { signingKeys } = postgresStores(db, { secrets });
    // One creation time, so the listing orders them by id.
    const one = await newSigningKey({ userId: '1', algorithm: 'hmac-sha256', scopes: ['read'], now: 1_000 });
    const two = await newSigningKey({ userId: '1', algorithm: 'hmac-sha256', now: 1_000 });
    await signingKeys.insert(one.record);
    await signingKeys.insert(two.record);
    const stored = ((await db.execute(sql`SELECT key FROM latchkey_signing_keys WHERE id = ${one.record.id}`)) as unknown as { rows: { key: string }[] }).rows[0]!.key;
    expect(stored).not.toContain(one.secret!);
    expect(atob(stored)).not.toContain(one.secret!);
    // Without the box, listing still works: it never opens a secret.
    const listed = await postgresStores(db).signingKeys.listWithoutKeys('1');
    expect(listed.map((key) => [key.id, key.algorithm, key.scopes])).toEqual(
      [one.record, two.record].sort((a, b) => (a.id < b.id ? -1 : 1)).map((record) => [record.id, 'hmac-sha256', record.scopes]),
    );
    expect(listed[0]).not.toHaveProperty('key');
    await db.execute(sql`UPDATE latchkey_signing_keys SET key = ${stored} WHERE id = ${two.record.id}`);
    await expect(signingKeys.find(two.record.id)).rejects.toThrow();
    expect((await signingKeys.find(one.record.id))?.key).toEqual(one.record.key);
  });

  it('find no one for ids outside the identity column, rather than failing the query', PGLITE, async () => {
    const db = await drivers.PGlite!();
    await migratePostgres(db);
    const { users } = postgresStores(db);
    for (const id of ['0', '-1', '2147483648', '99999999999', '1.5', 'abc']) {
      expect(await users.findById(id)).toBeNull();
      expect(await users.getPasswordHash(id)).toBeNull();
    }
  });

  it('sweep expired throttle counters every sweepEvery increments', PGLITE, async () => {
    const db = await drivers.PGlite!();
    await migratePostgres(db);
    const { PostgresThrottleStore } = await import('./throttle-store.ts');
    const store = new PostgresThrottleStore(db, { sweepEvery: 3 });
    await store.increment('old', 100, 0);
    await store.increment('old', 100, 50);
    // PGlite's result: { rows }.
    const rows = async () =>
      ((await db.execute(sql`SELECT key FROM latchkey_throttles ORDER BY key`)) as unknown as { rows: { key: string }[] }).rows.map(
        (row) => row.key,
      );
    expect(await rows()).toEqual(['old']);
    await store.increment('new', 1_000, 500);
    expect(await rows()).toEqual(['new']);
    expect(() => new PostgresThrottleStore(db, { sweepEvery: 0 })).toThrow(RangeError);
  });
});
