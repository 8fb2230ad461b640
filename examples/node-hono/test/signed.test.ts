/**
 * The signed routes end to end, as the README walks through them: keys made by the
 * `latchkey` command and openssl, the README's two clients run as they are (files in
 * clients/, shown verbatim in the README) against the app served over real HTTP.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { serve, type ServerType } from '@hono/node-server';
import { type LibsqlStores, openLibsqlStores } from '@latchkey/drizzle/libsql';
import { createSecretBox } from '@latchkey/signatures';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../src/app.ts';

const run = promisify(execFile);
const root = fileURLToPath(new URL('../../..', import.meta.url));
const exampleDir = fileURLToPath(new URL('..', import.meta.url));
const tsxPackage = createRequire(import.meta.url).resolve('tsx/package.json');
const tsx = join(dirname(tsxPackage), (createRequire(import.meta.url)(tsxPackage) as { bin: string }).bin);
const SIGNING_KEY = Buffer.alloc(32, 9).toString('base64');

describe('GET and POST /api/signed with the README\'s clients', { timeout: 60_000 }, () => {
  let dir: string;
  let stores: LibsqlStores;
  let server: ServerType;
  let origin: string;
  const env = () => ({ ...process.env, LATCHKEY_SECRET_KEY: SIGNING_KEY, ORIGIN: origin });
  const latchkey = (...args: string[]) =>
    run(process.execPath, [tsx, '--conditions=source', 'packages/drizzle/src/cli.ts', ...args, '--db', `file:${join(dir, 'demo.db')}`], { cwd: root, env: env() });
  const client = (file: string, extra: Record<string, string>) =>
    run(process.execPath, [tsx, '--conditions=source', `examples/node-hono/clients/${file}`], { cwd: root, env: { ...env(), ...extra } });

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'latchkey-signed-'));
    stores = await openLibsqlStores({ url: `file:${join(dir, 'demo.db')}`, secrets: createSecretBox(SIGNING_KEY) });
    await stores.users.createUser({ username: 'demo', passwordHash: null });
    const app = createApp({
      tokens: stores.tokens,
      users: stores.users,
      signingKeys: stores.signingKeys,
      nonces: stores.nonces,
    });
    await new Promise<void>((resolve) => {
      server = serve({ fetch: app.fetch, hostname: '127.0.0.1', port: 0 }, () => resolve());
    });
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }, 60_000);

  afterAll(async () => {
    await new Promise((resolve) => server?.close(resolve));
    stores?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('a Hawk key from `latchkey createkey demo --hawk` signs both requests', async () => {
    const created = await latchkey('createkey', 'demo', '--hawk');
    const id = /^id: +(\S+)$/m.exec(created.stdout)![1]!;
    const key = /^secret: +(\S+)$/m.exec(created.stdout)![1]!;
    const { stdout } = await client('hawk.ts', { KEY_ID: id, KEY: key });
    expect(stdout).toBe(
      `GET 200 {"user":"demo","scheme":"hawk","key":"${id}","body":null}\n`
      + `POST 200 {"user":"demo","scheme":"hawk","key":"${id}","body":"{\\"hello\\":\\"world\\"}"}\n`,
    );
  });

  it('an Ed25519 key from openssl, registered with `--public-key client.pub`, signs both requests', async () => {
    await run('openssl', ['genpkey', '-algorithm', 'ed25519', '-out', 'client.key'], { cwd: dir });
    await run('openssl', ['pkey', '-in', 'client.key', '-pubout', '-out', 'client.pub'], { cwd: dir });
    const created = await latchkey('createkey', 'demo', '--public-key', join(dir, 'client.pub'));
    const id = /^id: +(\S+)$/m.exec(created.stdout)![1]!;
    const { stdout } = await client('http-signature.ts', { KEY_ID: id, PRIVATE_KEY: join(dir, 'client.key') });
    expect(stdout).toBe(
      `GET 200 {"user":"demo","scheme":"http-signature","key":"${id}","body":null}\n`
      + `POST 200 {"user":"demo","scheme":"http-signature","key":"${id}","body":"{\\"hello\\":\\"world\\"}"}\n`,
    );
  });

  it('a replayed request is refused, the nonce having been kept in the database', async () => {
    const { newSigningKey, hawkAuthorization } = await import('@latchkey/signatures');
    const demo = (await stores.users.findByUsername('demo'))!;
    const { record, secret } = await newSigningKey({ userId: demo.id, algorithm: 'hmac-sha256' });
    await stores.signingKeys.insert(record);
    const authorization = await hawkAuthorization(new Request(`${origin}/api/signed`), { id: record.id, key: secret! });
    const send = () => fetch(`${origin}/api/signed`, { headers: { Authorization: authorization } });
    expect((await send()).status).toBe(200);
    const replayed = await send();
    expect([replayed.status, await replayed.json()]).toEqual([401, { detail: 'Invalid nonce' }]);
  });

  it('unsigned, the route answers 401 with the Hawk challenge', async () => {
    const response = await fetch(`${origin}/api/signed`);
    expect(response.status).toBe(401);
    expect(response.headers.get('WWW-Authenticate')).toBe('Hawk');
  });

  it('the README shows both clients exactly as they are in clients/', async () => {
    const readme = await readFile(join(exampleDir, 'README.md'), 'utf8');
    for (const file of ['hawk.ts', 'http-signature.ts']) expect(readme).toContain(await readFile(join(exampleDir, 'clients', file), 'utf8'));
  });
});
