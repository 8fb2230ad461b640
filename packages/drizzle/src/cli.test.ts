// The `latchkey` command end to end: each test runs it as a user would, as a process in a
// temporary working directory, built from its TypeScript source.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { copyFileSync, readFileSync } from 'node:fs';
import { basicAuth, type CreateTokenInput, createOneTimeTokens, createPasswordHasher, createTokenService, tokenAuth } from '@latchkey/core';
import { createClient } from '@libsql/client';
import pg from 'pg';
import { startPostgresServer } from '../../../scripts/test-servers/postgres.ts';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSecretBox } from '@latchkey/signatures';
import { createTestDatabase } from '../test/postgres-database.ts';
import { type LibsqlStores, openLibsqlStores } from './libsql.ts';
import { type OpenPostgresStores, openPostgresStores } from './node-postgres.ts';
import { DrizzleSigningKeyStore } from './signing-key-store.ts';

const root = fileURLToPath(new URL('../../..', import.meta.url));
const cli = fileURLToPath(new URL('./cli.ts', import.meta.url));
const SECRET = 'a-test-secret-of-at-least-32-bytes!!';

// Every test starts a process: well under a second, several on a busy machine.
const SLOW = { timeout: 60_000 };

interface Run {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * The command bundled from source (the `source` condition, so never a stale dist/) into one
 * file that plain node runs. Through tsx each run would cost 2-3 s of CPU here, its loader
 * hooks seeing every one of drizzle's modules; bundled, about 0.6 s. @libsql/client, which
 * loads a native addon, stays external and resolves from the workspace's node_modules, and
 * so does pg (which names an optional native module the bundler cannot find).
 */
const bundleDir = join(root, 'node_modules/.cache/latchkey-cli-test');
const bundle = join(bundleDir, `cli-${process.pid}.mjs`);

/** Runs `command` in `cwd` with only the given LATCHKEY_* variables set. */
function execute(command: string[], cwd: string, env: Record<string, string>, stdin: string): Promise<Run> {
  const inherited = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('LATCHKEY_')));
  const child = spawn(command[0]!, command.slice(1), { cwd, env: { ...inherited, ...env } });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk) => (stdout += chunk));
  child.stderr.on('data', (chunk) => (stderr += chunk));
  // A command that exits before reading stdin (a usage error) closes the pipe: EPIPE here
  // says nothing about the command, whose exit code and output the tests check.
  child.stdin.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error;
  });
  child.stdin.end(stdin);
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** `latchkey …args` in `cwd`. */
const latchkey = (cwd: string, args: string[], env: Record<string, string> = {}, stdin = '') =>
  execute([process.execPath, bundle, ...args], cwd, env, stdin);

/** A failure as the command must report it: exit code, one line on stderr, no stack. */
function expectFailure(run: Run, code: number, message: RegExp): void {
  expect(run.stdout).toBe('');
  expect(run.stderr).toMatch(/^latchkey: [^\n]+\n$/);
  expect(run.stderr).toMatch(message);
  expect(run.stderr).not.toMatch(/\n\s+at /);
  expect(run.code).toBe(code);
}

beforeAll(async () => {
  mkdirSync(bundleDir, { recursive: true });
  await build({
    entryPoints: [cli],
    outfile: bundle,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    conditions: ['source'],
    external: ['@libsql/client', 'pg'],
    logLevel: 'silent',
  });
}, 60_000);
afterAll(() => rmSync(bundle, { force: true }));

const tokenOf = (run: Run) => /^Generated token (\S+) for user \S+\n$/.exec(run.stdout)?.[1] ?? '';

describe('latchkey', () => {
  const cwd = mkdtempSync(join(tmpdir(), 'latchkey-cli-'));
  const env = { LATCHKEY_SECRET: SECRET };
  let stores: LibsqlStores;
  let alice = '';
  const service = () => createTokenService({ store: stores.tokens, secret: SECRET });
  // State a test needs but does not test is made in this process, through the stores.
  const addUser = async (username: string) => (await stores.users.createUser({ username, passwordHash: null }))!.id;
  const addToken = async (userId: string, input: CreateTokenInput = {}) => {
    const created = await service().create(userId, input);
    if (!created.ok) throw new Error('token not created');
    return created;
  };

  beforeAll(async () => {
    mkdirSync(bundleDir, { recursive: true });
    await build({
      entryPoints: [cli],
      outfile: bundle,
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      conditions: ['source'],
      external: ['@libsql/client', 'libsql', 'better-sqlite3', 'pg'],
      logLevel: 'silent',
    });
    expect((await latchkey(cwd, ['migrate'], env)).stdout).toBe('Database is up to date.\n');
    stores = await openLibsqlStores({ url: `file:${join(cwd, 'latchkey.db')}`, migrate: false });
    alice = await addUser('alice');
  }, 60_000);
  afterAll(() => {
    stores?.close();
    rmSync(cwd, { recursive: true, force: true });
  });

  it('--help describes every command and exits 0', SLOW, async () => {
    const help = await latchkey(cwd, ['--help']);
    for (const command of ['migrate', 'createuser', 'createtoken', 'tokens', 'revoke', 'purge', 'import-django']) {
      expect(help.stdout).toContain(`  ${command} `);
    }
    expect(help.stdout).toContain('LATCHKEY_SECRET');
    expect(help.code).toBe(0);
  });

  it('runs straight from its TypeScript source through tsx, as in the workspace', SLOW, async () => {
    const tsx = [join(root, 'node_modules/.bin/tsx'), '--conditions=source', cli];
    expect(await execute([...tsx, '--help'], cwd, {}, '')).toEqual(await latchkey(cwd, ['--help']));
    expect(await execute([...tsx, 'tokens', 'nobody'], cwd, env, '')).toEqual({
      code: 1,
      stdout: '',
      stderr: 'latchkey: unknown user "nobody"\n',
    });
  });

  it('is linked by npm from a committed file, since npm skips a bin whose target dist/ does not hold yet', SLOW, async () => {
    const manifest = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { bin: Record<string, string> };
    const target = manifest.bin.latchkey!;
    expect(target).not.toMatch(/^(\.\/)?dist\//);
    const tracked = await execute(['git', 'ls-files', '--error-unmatch', target], fileURLToPath(new URL('..', import.meta.url)), {}, '');
    expect(tracked.code).toBe(0);
  });

  it('migrate creates latchkey.db in the working directory, and again changes nothing', SLOW, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'latchkey-cli-migrate-'));
    try {
      expect(await latchkey(dir, ['migrate'])).toEqual({ code: 0, stdout: 'Database is up to date.\n', stderr: '' });
      expect(existsSync(join(dir, 'latchkey.db'))).toBe(true);
      expect((await latchkey(dir, ['migrate'])).code).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('takes the database from --db, else LATCHKEY_DATABASE_URL', SLOW, async () => {
    const [fromFlag, fromEnv] = await Promise.all([
      latchkey(cwd, ['migrate', '--db', 'file:flag.db'], { LATCHKEY_DATABASE_URL: 'file:ignored.db' }),
      latchkey(cwd, ['migrate'], { LATCHKEY_DATABASE_URL: 'file:env.db' }),
    ]);
    expect([fromFlag.code, fromEnv.code]).toEqual([0, 0]);
    expect(['flag.db', 'env.db', 'ignored.db'].map((file) => existsSync(join(cwd, file)))).toEqual([true, true, false]);
  });

  it('createuser makes an active user with no password, who cannot log in with one', SLOW, async () => {
    const result = await latchkey(cwd, ['createuser', 'bob'], env);
    expect(result.stdout).toMatch(/^Created user bob \(id \d+\)\n$/);
    const bob = await stores.users.findByUsername('bob');
    expect(bob).toMatchObject({ isActive: true, isStaff: false });
    expect(await stores.users.getPasswordHash(bob!.id)).toBeNull();
  });

  it('createuser takes the names the register endpoint takes (core\'s rule), stored NFKC-normalised', SLOW, async () => {
    expect((await latchkey(cwd, ['createuser', 'José'], env)).stdout).toMatch(/^Created user José \(id \d+\)\n$/);
    expect(await stores.users.findByUsername('José')).not.toBeNull();
    // Fullwidth "ｆｉｌｅ" is "file" once normalised: stored so, and found under either spelling.
    expect((await latchkey(cwd, ['createuser', 'ｆｉｌｅ'], env)).stdout).toMatch(/^Created user file /);
    expect(await stores.users.findByUsername('file')).not.toBeNull();
    expect((await latchkey(cwd, ['createuser', 'ﬁle'], env)).stderr).toMatch(/user "file" already exists/);
    expect((await latchkey(cwd, ['tokens', 'ｆｉｌｅ'], env)).stdout).toBe('No tokens for user ｆｉｌｅ.\n');
  });

  it('createuser --email gives the user an address, unique ignoring case', SLOW, async () => {
    expect((await latchkey(cwd, ['createuser', 'hana', '--email', 'Hana@example.org'], env)).stdout).toMatch(/^Created user hana /);
    expect((await stores.users.findByEmail('hana@EXAMPLE.org'))?.username).toBe('hana');
    const taken = await latchkey(cwd, ['createuser', 'ivan', '--email', 'HANA@example.org'], env);
    expect([taken.code, taken.stderr]).toEqual([1, expect.stringMatching(/email "HANA@example.org" already exists/)]);
  });

  it('createuser --staff --password-stdin makes a staff user whose password verifies', SLOW, async () => {
    const result = await latchkey(cwd, ['createuser', 'root', '--staff', '--password-stdin'], env, 's3cret password\n');
    expect(result.stdout).toMatch(/^Created staff user root \(id \d+\)\n$/);
    const root = await stores.users.findByUsername('root');
    expect(root?.isStaff).toBe(true);
    const hash = await stores.users.getPasswordHash(root!.id);
    expect(await createPasswordHasher().verify('s3cret password', hash)).toBe(true);
  });

  it('createtoken prints the token once, in DRF\'s words, and the app accepts it', SLOW, async () => {
    const result = await latchkey(cwd, ['createtoken', 'alice'], env);
    expect(result.stdout).toMatch(/^Generated token lk_\S+ for user alice\n$/);
    const verified = await service().verify(tokenOf(result));
    expect(verified.ok && verified.record.userId).toBe(alice);
  });

  it('createtoken tokens verify only with the same LATCHKEY_SECRET, and carry its token prefix', SLOW, async () => {
    const result = await latchkey(cwd, ['createtoken', 'alice'], { LATCHKEY_TOKEN_PREFIX: 'app_' });
    const token = tokenOf(result);
    expect(token.startsWith('app_')).toBe(true);
    const withSecret = createTokenService({ store: stores.tokens, secret: SECRET, prefix: 'app_' });
    const withoutSecret = createTokenService({ store: stores.tokens, prefix: 'app_' });
    expect(await withSecret.verify(token)).toEqual({ ok: false, reason: 'unknown' });
    expect((await withoutSecret.verify(token)).ok).toBe(true);
  });

  it('createtoken --name, --scope (repeated) and --expires set the token up', SLOW, async () => {
    const before = Date.now();
    const result = await latchkey(
      cwd,
      ['createtoken', 'alice', '--name', 'ci', '--scope', 'read', '--scope', 'write', '--expires', '30d'],
      env,
    );
    const verified = await service().verify(tokenOf(result));
    if (!verified.ok) throw new Error('token rejected');
    expect(verified.record).toMatchObject({ name: 'ci', scopes: ['read', 'write'] });
    const thirtyDays = 30 * 86_400_000;
    expect(verified.record.expiresAt! - verified.record.createdAt).toBe(thirtyDays);
    expect(verified.record.createdAt).toBeGreaterThanOrEqual(before);
  });

  it("createtoken -r revokes the user's earlier tokens first", SLOW, async () => {
    const carol = await addUser('carol');
    const earlier = await addToken(carol);
    const token = tokenOf(await latchkey(cwd, ['createtoken', 'carol', '-r'], env));
    expect(await service().verify(earlier.token)).toEqual({ ok: false, reason: 'revoked' });
    expect((await service().verify(token)).ok).toBe(true);
    expect((await stores.tokens.listForUser(carol)).filter((record) => record.revokedAt === null)).toHaveLength(1);
  });

  it("tokens lists a user's tokens without their secrets or digests", SLOW, async () => {
    const dave = await addUser('dave');
    const { token, record } = await addToken(dave, { name: 'laptop', scopes: ['read'] });
    const result = await latchkey(cwd, ['tokens', 'dave'], env);
    const [header, row, ...rest] = result.stdout.trimEnd().split('\n');
    expect(header?.split(/\s{2,}/)).toEqual(['ID', 'NAME', 'SCOPES', 'CREATED', 'EXPIRES', 'LAST USED']);
    expect(row?.split(/\s{2,}/)).toEqual([
      record.id,
      'laptop',
      'read',
      new Date(record.createdAt).toISOString().replace(/\.\d{3}Z$/, 'Z'),
      'never',
      'never',
    ]);
    expect(rest).toEqual([]);
    expect(result.stdout).not.toContain(token);
    expect(result.stdout).not.toContain(record.digest);
  });

  it('tokens says so when a user has none', SLOW, async () => {
    await addUser('erin');
    expect((await latchkey(cwd, ['tokens', 'erin'], env)).stdout).toBe('No tokens for user erin.\n');
  });

  it('revoke <token-id> revokes that token only', SLOW, async () => {
    // Records with chosen ids: core's random ids may start with "-" (see the next test).
    const record = (id: string) => ({
      id,
      userId: alice,
      digest: id.padEnd(64, '0'),
      purpose: 'api' as const,
      name: null,
      scopes: [],
      createdAt: Date.now(),
      expiresAt: null,
      lastUsedAt: null,
      revokedAt: null,
    });
    const [target, other] = [record('revoke-target'), record('revoke-other')];
    await stores.tokens.insert(target);
    await stores.tokens.insert(other);
    const result = await latchkey(cwd, ['revoke', 'revoke-target'], env);
    expect(result).toEqual({ code: 0, stdout: 'Revoked token revoke-target\n', stderr: '' });
    expect((await stores.tokens.findByDigest(target.digest))?.revokedAt).toEqual(expect.any(Number));
    expect(await stores.tokens.findByDigest(other.digest)).toMatchObject({ id: 'revoke-other', revokedAt: null });
  });

  it('revoke -- <token-id> takes an id that starts with "-"', SLOW, async () => {
    const created = await addToken(alice);
    const result = await latchkey(cwd, ['revoke', '--', created.record.id], env);
    expect(result).toEqual({ code: 0, stdout: `Revoked token ${created.record.id}\n`, stderr: '' });
    expect(await service().verify(created.token)).toEqual({ ok: false, reason: 'revoked' });
  });

  it("revoke --user revokes all of the user's tokens", SLOW, async () => {
    const frank = await addUser('frank');
    await addToken(frank);
    await addToken(frank);
    const result = await latchkey(cwd, ['revoke', '--user', 'frank'], env);
    expect(result.stdout).toBe('Revoked 2 tokens of user frank\n');
    expect((await stores.tokens.listForUser(frank)).map((record) => record.revokedAt !== null)).toEqual([true, true]);
  });

  it('purge deletes expired tokens, one-time tokens, refresh tokens, nonces and throttle counters, and keeps live ones', SLOW, async () => {
    const past = createTokenService({ store: stores.tokens, secret: SECRET, now: () => Date.now() - 120_000 });
    const expired = await past.create(alice, { ttl: 60_000 });
    const live = await addToken(alice, { ttl: 60_000 });
    const oldLinks = createOneTimeTokens({ store: stores.oneTime, now: () => Date.now() - 120_000, ttl: 60_000 });
    const expiredLink = await oldLinks.issue(alice, 'password-reset');
    const liveLink = await createOneTimeTokens({ store: stores.oneTime }).issue(alice, 'password-reset');
    const now = Date.now();
    const refresh = (digest: string, expiresAt: number) => ({ digest, familyId: `family-${digest}`, userId: alice, createdAt: now - 120_000, expiresAt });
    await stores.refreshTokens.insert(refresh('a'.repeat(64), now - 60_000));
    await stores.refreshTokens.insert(refresh('b'.repeat(64), now + 60_000));
    await stores.nonces.remember('purge-old-nonce', now - 60_000, now - 120_000);
    await stores.nonces.remember('purge-live-nonce', now + 60_000, now);
    await stores.throttles.increment('purge-old-counter', now - 60_000, now - 120_000);
    await stores.throttles.increment('purge-live-counter', now + 60_000, now);
    const result = await latchkey(cwd, ['purge'], env);
    expect(result.stdout).toMatch(
      /^Purged [1-9]\d* expired tokens?, [1-9]\d* expired one-time tokens?, 1 expired refresh token, 1 expired nonce and 1 expired throttle counter\n$/,
    );
    expect(await stores.refreshTokens.find('a'.repeat(64))).toBeNull();
    expect(await stores.refreshTokens.find('b'.repeat(64))).not.toBeNull();
    // An expired nonce is gone (it can be remembered afresh); the live one is still refused.
    expect(await stores.nonces.remember('purge-live-nonce', now + 60_000, now)).toBe(false);
    expect(await stores.throttles.get('purge-live-counter', now)).toBe(1);
    expect(await stores.oneTime.find(expiredLink.record.id)).toBeNull();
    expect(await stores.oneTime.find(liveLink.record.id)).not.toBeNull();
    expect(expired.ok && (await stores.tokens.findByDigest(expired.record.digest))).toBeNull();
    expect(await stores.tokens.findByDigest(live.record.digest)).toMatchObject({ userId: alice });
  });

  // The same Django project in both of Django's usual databases, each made by real Django and
  // DRF (scripts/django/make-fixture.py, make-fixture-postgres.sh).
  const KEYS_QUERY = 'SELECT u.username, t.key FROM authtoken_token t JOIN auth_user u ON u.id = t.user_id';
  const fixtures = fileURLToPath(new URL('../test/fixtures/', import.meta.url));
  const sources: Array<{ name: string; open(): Promise<{ from: string; keys: Record<string, string>; close(): Promise<void> }> }> = [
    {
      name: 'SQLite',
      async open() {
        copyFileSync(join(fixtures, 'django.sqlite3'), join(cwd, 'django.sqlite3'));
        const django = createClient({ url: `file:${join(fixtures, 'django.sqlite3')}` });
        const { rows } = await django.execute(KEYS_QUERY);
        django.close();
        return { from: 'django.sqlite3', keys: Object.fromEntries(rows.map((row) => [String(row.username), String(row.key)])), close: async () => {} };
      },
    },
    {
      name: 'Postgres',
      async open() {
        const server = await startPostgresServer();
        const url = await server.createDatabase('django');
        const django = new pg.Client({ connectionString: url });
        await django.connect();
        await django.query(readFileSync(join(fixtures, 'django.postgres.sql'), 'utf8'));
        await django.query('RESET search_path'); // pg_dump's output empties it for the session
        const { rows } = await django.query(KEYS_QUERY);
        await django.end();
        return { from: url, keys: Object.fromEntries(rows.map((row) => [String(row.username), String(row.key)])), close: () => server.destroy() };
      },
    },
  ];

  /** Rows straight from a database file in the working directory, past the stores. */
  const rowsOf = async (file: string, query: string) => {
    const client = createClient({ url: `file:${join(cwd, file)}` });
    try {
      return (await client.execute(query)).rows;
    } finally {
      client.close();
    }
  };

  for (const source of sources) describe(`import-django from ${source.name}, on a database made by real Django and DRF`, () => {
    const file = `imported-${source.name.toLowerCase()}.db`;
    const db = ['--db', `file:${file}`];
    let imported: LibsqlStores;
    let keys: Record<string, string>;
    let from = '';
    let first: Run;
    let close = async () => {};

    beforeAll(async () => {
      ({ from, keys, close } = await source.open());
      expect((await latchkey(cwd, ['migrate', ...db])).code).toBe(0);
      first = await latchkey(cwd, ['import-django', '--from', from, ...db], env);
      imported = await openLibsqlStores({ url: `file:${join(cwd, file)}`, migrate: false });
    }, 60_000);
    afterAll(async () => {
      imported?.close();
      await close();
    });

    const basic = (username: string, password: string) =>
      new Request('https://app.test/', { headers: { Authorization: `Basic ${btoa(`${username}:${password}`)}` } });
    const header = (key: string) => new Request('https://app.test/', { headers: { Authorization: `Token ${key}` } });
    const tokens = () => createTokenService({ store: imported.tokens, secret: SECRET });

    it('prints counts, and never a key', () => {
      expect(first).toEqual({
        code: 0,
        stdout:
          'Imported 5 users (0 already present) and 3 tokens (0 already present) from Django.\n' +
          '1 email left out: another user already has it.\n',
        stderr: '',
      });
      expect(Object.keys(keys).sort()).toEqual(['alice', 'bob', 'carol']);
    });

    it('stores the keys only as digests, with their creation times, named "drf"', async () => {
      const alice = (await imported.users.findByUsername('alice'))!;
      const [record] = await tokens().list(alice.id);
      expect(record).toMatchObject({ name: 'drf', createdAt: Date.parse('2024-03-01T12:30:15.123Z'), expiresAt: null, scopes: [] });
      const all = await rowsOf(file, 'SELECT * FROM latchkey_tokens');
      for (const key of Object.values(keys)) expect(JSON.stringify(all)).not.toContain(key);
    });

    it('keeps staff, active, emails and unusable passwords as Django had them', async () => {
      const found = await Promise.all(['alice', 'bob', 'carol', 'dave', 'erin'].map((name) => imported.users.findByUsername(name)));
      expect(found.map((user) => [user?.isStaff, user?.isActive, user?.email ?? null])).toEqual([
        [false, true, 'alice@example.com'],
        [true, true, 'bob@example.com'],
        [false, false, null],
        [false, true, 'dave@example.com'],
        // Django let erin share alice's address; Latchkey's are unique, so erin comes without it.
        [false, true, null],
      ]);
      expect(await imported.users.getPasswordHash(found[3]!.id)).toBeNull();
    });

    it('lets imported DRF keys authenticate with legacyKeys, and only with it', async () => {
      const legacy = tokenAuth({ tokens: tokens(), users: imported.users, legacyKeys: true });
      const alice = await legacy.authenticate(header(keys.alice!), {});
      expect(alice.outcome === 'success' && alice.user.username).toBe('alice');
      const carol = await legacy.authenticate(header(keys.carol!), {});
      expect(carol.outcome === 'fail' && carol.error.detail).toBe('User inactive or deleted.');
      const strict = await tokenAuth({ tokens: tokens(), users: imported.users }).authenticate(header(keys.bob!), {});
      expect(strict.outcome === 'fail' && strict.error.detail).toBe('Invalid token.');
    });

    it("logs in with Django's 1,000,000- and 600,000-iteration hashes, re-hashing them at today's parameters", SLOW, async () => {
      const auth = basicAuth({ users: imported.users, passwords: createPasswordHasher() });
      for (const [username, iterations] of [['alice', 1_000_000], ['bob', 600_000]] as const) {
        const user = (await imported.users.findByUsername(username))!;
        expect(await imported.users.getPasswordHash(user.id)).toMatch(new RegExp(`^pbkdf2_sha256\\$${iterations}\\$`));
        expect((await auth.authenticate(basic(username, 'wrong'), {})).outcome).toBe('fail');
        expect((await auth.authenticate(basic(username, `${username} password`), {})).outcome).toBe('success');
        expect(await imported.users.getPasswordHash(user.id)).toMatch(/^pbkdf2_sha256\$100000\$/);
      }
    });

    it('changes nothing when run again', SLOW, async () => {
      const again = await latchkey(cwd, ['import-django', '--from', from, ...db], env);
      expect(again.stdout).toBe('Imported 0 users (5 already present) and 0 tokens (3 already present) from Django.\n');
      expect((await rowsOf(file, 'SELECT count(*) AS n FROM latchkey_tokens'))[0]!.n).toBe(3);
    });

    if (source.name !== 'SQLite') return;

    it('--expires makes imported keys retire themselves', SLOW, async () => {
      const retiring = ['--db', 'file:retiring.db'];
      await latchkey(cwd, ['migrate', ...retiring]);
      const before = Date.now();
      expect((await latchkey(cwd, ['import-django', '--from', 'django.sqlite3', '--expires', '90d', ...retiring], env)).code).toBe(0);
      const rows = await rowsOf('retiring.db', 'SELECT expires_at FROM latchkey_tokens');
      expect(rows).toHaveLength(3);
      for (const row of rows) expect(Number(row.expires_at)).toBeGreaterThanOrEqual(before + 90 * 86_400_000);
    });

    it('refuses a missing file, an unreachable Postgres and no --from', SLOW, async () => {
      expectFailure(await latchkey(cwd, ['import-django', '--from', 'nope.sqlite3', ...db], env), 1, /no Django database at nope\.sqlite3/);
      expectFailure(await latchkey(cwd, ['import-django', '--from', 'postgres://127.0.0.1:9/db', ...db], env), 1, /ECONNREFUSED|connect/);
      expectFailure(await latchkey(cwd, ['import-django', ...db], env), 2, /needs --from/);
    });
  });

  describe.concurrent('fails with one line on stderr, never a stack trace', () => {
    const failures: Array<[string, string[], number, RegExp, (Record<string, string> | string)?]> = [
      ['an unknown user (createtoken)', ['createtoken', 'nobody'], 1, /unknown user "nobody"/],
      ['an unknown user (tokens)', ['tokens', 'nobody'], 1, /unknown user "nobody"/],
      ['an unknown user (revoke --user)', ['revoke', '--user', 'nobody'], 1, /unknown user "nobody"/],
      ['a taken username', ['createuser', 'alice'], 1, /user "alice" already exists/],
      ['an invalid username', ['createuser', 'no spaces'], 1, /invalid username "no spaces": Enter a valid username/],
      ['an empty password on stdin', ['createuser', 'gina', '--password-stdin'], 1, /empty password/, '\n'],
      ['an unknown token id', ['revoke', 'no-such-id'], 1, /no token with id "no-such-id"/],
      ['a bad duration', ['createtoken', 'alice', '--expires', '3 weeks'], 2, /bad duration "3 weeks"/],
      ['an invalid scope', ['createtoken', 'alice', '--scope', 'a"b'], 1, /scope/],
      ['an unknown command', ['frobnicate'], 2, /unknown command "frobnicate"/],
      ['no command', [], 2, /missing command/],
      ['an unknown option', ['tokens', 'alice', '--verbose'], 2, /--verbose/],
      ["another command's option", ['purge', '--staff'], 2, /--staff/],
      ['a missing argument', ['createtoken'], 2, /createtoken needs <username>/],
      ['an extra argument', ['tokens', 'alice', 'bob'], 2, /unexpected argument "bob"/],
      ['revoke with both an id and --user', ['revoke', 'some-id', '--user', 'alice'], 2, /not both/],
      ['revoke with neither an id nor --user', ['revoke'], 2, /token id or --user/],
      ['a secret shorter than 32 bytes', ['createtoken', 'alice'], 1, /secret must be at least 32 bytes/, { LATCHKEY_SECRET: 'short' }],
      ['a missing database file', ['tokens', 'alice', '--db', 'file:missing.db'], 1, /no database at missing\.db: run "latchkey migrate"/],
      ['a directory that does not exist', ['migrate', '--db', 'file:no/such/dir/x.db'], 1, /unable to open|cannot open|no such|ConnectionFailed/i],
      ['an unreachable remote database', ['tokens', 'alice', '--db', 'http://127.0.0.1:9'], 1, /fetch failed/],
    ];
    for (const [what, args, code, message, extra] of failures) {
      it(what, SLOW, async () => {
        const result = await latchkey(cwd, args, typeof extra === 'object' ? extra : env, typeof extra === 'string' ? extra : '');
        expectFailure(result, code, message);
      });
    }

    it('a database that was never migrated', SLOW, async () => {
      const empty = await openLibsqlStores({ url: `file:${join(cwd, 'empty.db')}`, migrate: false });
      empty.close();
      expectFailure(await latchkey(cwd, ['tokens', 'alice', '--db', 'file:empty.db']), 1, /no Latchkey tables: run "latchkey migrate"/);
    });

    it('a missing database is not created by commands other than migrate', SLOW, async () => {
      await latchkey(cwd, ['createuser', 'hal', '--db', 'file:typo.db']);
      expect(existsSync(join(cwd, 'typo.db'))).toBe(false);
    });

    it('a remote database that refuses: the auth token is sent, and never printed', SLOW, async () => {
      const seen: Array<string | undefined> = [];
      const server = createServer((request, response) => {
        seen.push(request.headers.authorization);
        response.writeHead(401).end();
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      try {
        const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
        const result = await latchkey(cwd, ['migrate'], {
          LATCHKEY_DATABASE_URL: url,
          LATCHKEY_DATABASE_AUTH_TOKEN: 'remote-auth-token',
        });
        expectFailure(result, 1, /.+/);
        expect(result.stderr).not.toContain('remote-auth-token');
        expect(seen[0]).toBe('Bearer remote-auth-token');
      } finally {
        server.close();
      }
    });
  });

  describe('signing keys (@latchkey/signatures)', () => {
    const SIGNING_KEY = btoa(String.fromCharCode(...new Uint8Array(32).fill(3)));
    const keyEnv = { ...env, LATCHKEY_SECRET_KEY: SIGNING_KEY };
    const keyStore = () => new DrizzleSigningKeyStore(stores.db, { secrets: createSecretBox(SIGNING_KEY) });

    it('--help describes the key commands and LATCHKEY_SECRET_KEY', SLOW, async () => {
      const help = await latchkey(cwd, ['--help']);
      for (const command of ['createkey', 'keys', 'revokekey']) expect(help.stdout).toContain(`  ${command} `);
      expect(help.stdout).toContain('LATCHKEY_SECRET_KEY');
    });

    it('createkey --hawk prints the id and the secret once; the app\'s Hawk check accepts them', SLOW, async () => {
      const result = await latchkey(cwd, ['createkey', 'alice', '--hawk', '--scope', 'read'], keyEnv);
      const match = /^Created hmac-sha256 key for user alice\nid: +(key_\S+)\nalgorithm: hmac-sha256\nsecret: +(\S+)\n\(the secret is shown only this once\)\n$/.exec(result.stdout);
      expect(match, result.stdout + result.stderr).not.toBeNull();
      const [, id, secret] = match!;
      const record = await keyStore().find(id!);
      expect(record).toMatchObject({ userId: alice, algorithm: 'hmac-sha256', scopes: ['read'] });
      expect(new TextDecoder().decode(record!.key)).toBe(secret);
      const listed = await latchkey(cwd, ['keys', 'alice'], keyEnv);
      expect(listed.stdout).toContain(id!);
      expect(listed.stdout).not.toContain(secret!);
    });

    it('createkey --json prints {"id", "key", "algorithm"}', SLOW, async () => {
      const result = await latchkey(cwd, ['createkey', 'alice', '--hawk', '--json', '--expires', '30d'], keyEnv);
      const printed = JSON.parse(result.stdout) as { id: string; key: string; algorithm: string };
      expect(Object.keys(printed)).toEqual(['id', 'key', 'algorithm']);
      expect(printed.algorithm).toBe('hmac-sha256');
      const record = await keyStore().find(printed.id);
      expect(new TextDecoder().decode(record!.key)).toBe(printed.key);
      expect(record!.expiresAt! - Date.now()).toBeGreaterThan(29 * 86_400_000);
    });

    it('createkey --public-key registers a PEM public key as it is; revokekey deletes it', SLOW, async () => {
      const pair = (await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, ['sign', 'verify'])) as CryptoKeyPair;
      const spki = new Uint8Array(await crypto.subtle.exportKey('spki', pair.publicKey));
      const pem = `-----BEGIN PUBLIC KEY-----\n${btoa(String.fromCharCode(...spki)).replace(/.{64}/g, '$&\n')}\n-----END PUBLIC KEY-----\n`;
      writeFileSync(join(cwd, 'client.pem'), pem);
      const result = await latchkey(cwd, ['createkey', 'alice', '--public-key', 'client.pem', '--algorithm', 'ecdsa-p256-sha256', '--json'], env);
      const printed = JSON.parse(result.stdout) as { id: string; key: null; algorithm: string };
      expect(printed).toMatchObject({ key: null, algorithm: 'ecdsa-p256-sha256' });
      expect((await new DrizzleSigningKeyStore(stores.db).find(printed.id))?.key).toEqual(spki);
      expect(await latchkey(cwd, ['revokekey', printed.id], env)).toEqual({ code: 0, stdout: `Revoked signing key ${printed.id}\n`, stderr: '' });
      expect(await keyStore().find(printed.id)).toBeNull();
    });

    describe.concurrent('refuses, with one line on stderr', () => {
      const failures: Array<[string, string[], number, RegExp, Record<string, string>?]> = [
        ['a Hawk key without LATCHKEY_SECRET_KEY', ['createkey', 'alice', '--hawk'], 1, /set LATCHKEY_SECRET_KEY/, env],
        ['a server key of the wrong length', ['createkey', 'alice', '--hawk'], 1, /LATCHKEY_SECRET_KEY must be base64 of 32 bytes/, { ...env, LATCHKEY_SECRET_KEY: 'c2hvcnQ=' }],
        ['neither --hawk nor --public-key', ['createkey', 'alice'], 2, /--hawk or --public-key/],
        ['an unknown algorithm', ['createkey', 'alice', '--public-key', 'x.pem', '--algorithm', 'dsa'], 2, /unknown public-key algorithm "dsa"/],
        ['a missing public key file', ['createkey', 'alice', '--public-key', 'missing.pem'], 1, /cannot read missing\.pem/],
        ['a file that is not a public key', ['createkey', 'alice', '--public-key', 'latchkey.db'], 1, /is not a ed25519 public key/],
        ['an unknown user', ['createkey', 'nobody', '--hawk'], 1, /unknown user "nobody"/],
        ['import-django from a database without Django\'s tables', ['import-django', '--from', 'latchkey.db'], 1, /--from database has no Django auth_user/],
        ['a scope with a space, as createtoken refuses it', ['createkey', 'alice', '--hawk', '--scope', 'a b'], 1, /a scope is 1 or more printable ASCII characters/],
        ['an unknown key id', ['revokekey', 'key_nope'], 1, /no signing key with id "key_nope"/],
      ];
      for (const [what, args, code, message, extra] of failures) {
        it(what, SLOW, async () => expectFailure(await latchkey(cwd, args, extra ?? keyEnv), code, message));
      }
    });
  });
});

describe('latchkey on a Postgres server', () => {
  const cwd = mkdtempSync(join(tmpdir(), 'latchkey-cli-pg-'));
  let url = '';
  let stores: OpenPostgresStores;
  let keyStores: OpenPostgresStores | undefined;
  beforeAll(async () => {
    url = await createTestDatabase(`cli_${process.pid}`);
  });
  afterAll(async () => {
    await stores?.close();
    await keyStores?.close();
    rmSync(cwd, { recursive: true, force: true });
  });

  it('says a database that was never migrated needs "latchkey migrate"', SLOW, async () => {
    expectFailure(await latchkey(cwd, ['tokens', 'alice', '--db', url]), 1, /no Latchkey tables: run "latchkey migrate"/);
  });

  it('migrates, creates a user and a token the app accepts, lists, revokes and purges, from a postgres:// URL', SLOW, async () => {
    const env = { LATCHKEY_SECRET: SECRET, LATCHKEY_DATABASE_URL: url };
    expect((await latchkey(cwd, ['migrate'], env)).stdout).toBe('Database is up to date.\n');
    expect((await latchkey(cwd, ['createuser', 'alice', '--staff', '--password-stdin'], env, 'a long password\n')).stdout).toBe(
      'Created staff user alice (id 1)\n',
    );
    const token = tokenOf(await latchkey(cwd, ['createtoken', 'alice', '--name', 'ci', '--scope', 'read'], env));
    stores = await openPostgresStores({ url, migrate: false });
    const verified = await createTokenService({ store: stores.tokens, secret: SECRET }).verify(token);
    if (!verified.ok) throw new Error(`the app refused the token: ${verified.reason}`);
    expect(verified.record).toMatchObject({ userId: '1', name: 'ci', scopes: ['read'] });
    expect(await createPasswordHasher().verify('a long password', await stores.users.getPasswordHash('1'))).toBe(true);
    expect((await latchkey(cwd, ['tokens', 'alice'], env)).stdout).toMatch(new RegExp(`^ID .*\n${verified.record.id} +ci +read `));
    expect((await latchkey(cwd, ['revoke', verified.record.id], env)).stdout).toBe(`Revoked token ${verified.record.id}\n`);
    expect(await createTokenService({ store: stores.tokens, secret: SECRET }).verify(token)).toEqual({ ok: false, reason: 'revoked' });
    expect((await latchkey(cwd, ['purge'], env)).stdout).toMatch(/^Purged \d+ expired tokens?, \d+ expired one-time tokens?, \d+ expired refresh tokens?, \d+ expired nonces? and \d+ expired throttle counters?\n$/);
  });

  it('creates a Hawk key sealed in Postgres, lists it without its secret and revokes it, from a postgres:// URL', SLOW, async () => {
    const serverKey = btoa(String.fromCharCode(...new Uint8Array(32).fill(3)));
    const env = { LATCHKEY_DATABASE_URL: url, LATCHKEY_SECRET_KEY: serverKey };
    expect((await latchkey(cwd, ['migrate'], env)).code).toBe(0);
    await latchkey(cwd, ['createuser', 'bob'], env);
    const printed = JSON.parse((await latchkey(cwd, ['createkey', 'bob', '--hawk', '--scope', 'read', '--json'], env)).stdout) as { id: string; key: string };
    keyStores = await openPostgresStores({ url, migrate: false, secrets: createSecretBox(serverKey) });
    const keys = keyStores.signingKeys;
    const record = await keys.find(printed.id);
    expect(record).toMatchObject({ algorithm: 'hmac-sha256', scopes: ['read'] });
    expect(new TextDecoder().decode(record!.key)).toBe(printed.key);
    const listed = await latchkey(cwd, ['keys', 'bob'], env);
    expect(listed.stdout).toMatch(new RegExp(`^ID .*\n${printed.id} +hmac-sha256 +read `));
    expect(listed.stdout).not.toContain(printed.key);
    expect((await latchkey(cwd, ['revokekey', printed.id], env)).stdout).toBe(`Revoked signing key ${printed.id}\n`);
    expect(await keys.find(printed.id)).toBeNull();
  });

  it('reports a server it cannot reach in one line, without the password from the URL', SLOW, async () => {
    const result = await latchkey(cwd, ['migrate', '--db', 'postgres://someone:s3cret-pw@127.0.0.1:1/app']);
    expectFailure(result, 1, /ECONNREFUSED/);
    expect(result.stderr).not.toContain('s3cret-pw');
  });
});
