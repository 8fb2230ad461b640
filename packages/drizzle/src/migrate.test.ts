import { execFile } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { createClient } from '@libsql/client';
import { drizzle } from 'drizzle-orm/libsql';
import { migrate as drizzleMigrate } from 'drizzle-orm/libsql/migrator';
import { readMigrationFiles } from 'drizzle-orm/migrator';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { migrate } from './migrate.ts';
import { migrations } from './migrations.ts';
import { DrizzleUserStore } from './user-store.ts';

const packageDir = fileURLToPath(new URL('..', import.meta.url));
const migrationsFolder = join(packageDir, 'drizzle');
const clients: Array<{ close(): void }> = [];
afterEach(() => clients.splice(0).forEach((client) => client.close()));

function memoryDb() {
  const client = createClient({ url: ':memory:' });
  clients.push(client);
  return drizzle(client);
}

const history = async (db: ReturnType<typeof memoryDb>) =>
  (await db.$client.execute('SELECT hash, created_at FROM __drizzle_migrations ORDER BY created_at')).rows.map(
    (row) => [row[0], Number(row[1])],
  );
const expectedHistory = migrations.map((migration) => [migration.hash, migration.folderMillis]);

describe('the shipped migrations', () => {
  const scratch = mkdtempSync(join(tmpdir(), 'latchkey-migrations-'));
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  it('are up to date with src/schema.ts: drizzle-kit finds nothing to generate', { timeout: 30_000 }, async () => {
    cpSync(migrationsFolder, join(scratch, 'drizzle'), { recursive: true });
    const { stdout } = await promisify(execFile)(
      join(packageDir, '../../node_modules/.bin/drizzle-kit'),
      ['generate', '--dialect', 'sqlite', '--schema', join(packageDir, 'src/schema.ts'), '--out', 'drizzle'],
      { cwd: scratch },
    );
    expect(stdout).toContain('No schema changes');
    expect(readdirSync(join(scratch, 'drizzle'))).toEqual(readdirSync(migrationsFolder));
  });

  it("are embedded for Workers exactly as drizzle's own reader reads ./drizzle", () => {
    expect(migrations).toEqual(readMigrationFiles({ migrationsFolder }));
  });
});

describe('migrate', () => {
  it('creates the tables and records each migration in drizzle\'s history', async () => {
    const db = memoryDb();
    await migrate(db);
    const tables = await db.$client.execute(
      "SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE 'latchkey_%' ORDER BY name",
    );
    expect(tables.rows.map((row) => row[0])).toEqual(['latchkey_nonces', 'latchkey_one_time_tokens', 'latchkey_refresh_tokens', 'latchkey_revoked_families', 'latchkey_signing_keys', 'latchkey_throttles', 'latchkey_tokens', 'latchkey_totp', 'latchkey_totp_backup_codes', 'latchkey_users']);
    expect(await history(db)).toEqual(expectedHistory);
  });

  it('is idempotent and keeps the data', async () => {
    const db = memoryDb();
    await migrate(db);
    await new DrizzleUserStore(db).createUser({ username: 'alice', passwordHash: null });
    await migrate(db);
    await migrate(db);
    expect(await new DrizzleUserStore(db).findByUsername('alice')).toMatchObject({ username: 'alice' });
    expect(await history(db)).toEqual(expectedHistory);
  });

  it("shares one history with drizzle's file-based libSQL migrator, in either order", async () => {
    const ours = memoryDb();
    await migrate(ours);
    await drizzleMigrate(ours, { migrationsFolder });
    expect(await history(ours)).toEqual(expectedHistory);

    const theirs = memoryDb();
    await drizzleMigrate(theirs, { migrationsFolder });
    await migrate(theirs);
    expect(await history(theirs)).toEqual(expectedHistory);
  });
});
