// The stores on Cloudflare D1, in workerd through Miniflare: core's conformance suites
// against a real D1 binding, migrations applied from Node and from inside a Worker.
import { fileURLToPath } from 'node:url';
import { oneTimeStoreConformance, throttleStoreConformance, tokenStoreConformance, userStoreConformance } from '@latchkey/core/testing';
import { refreshTokenStoreConformance } from '@latchkey/jwt/testing';
import { totpStoreConformance } from '@latchkey/two-factor/testing';
import { createSecretBox } from '@latchkey/signatures';
import { replayStoreConformance, signingKeyStoreConformance } from '@latchkey/signatures/testing';
import { build } from 'esbuild';
import * as OTPAuth from 'otpauth';
import { Miniflare } from 'miniflare';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { d1Stores, migrateD1 } from './d1.ts';
import { migrations } from './migrations.ts';
import { DrizzleReplayStore } from './replay-store.ts';
import {
  latchkeyNonces,
  latchkeyOneTimeTokens,
  latchkeyRefreshTokens,
  latchkeyRevokedFamilies,
  latchkeySigningKeys,
  latchkeyThrottles,
  latchkeyTokens,
  latchkeyUsers,
} from './schema.ts';
import { DrizzleSigningKeyStore } from './signing-key-store.ts';

// Compatibility dates after 2026-05-03 make this workerd hang (see TOOLCHAIN.md).
const COMPATIBILITY_DATE = '2026-04-01';

type D1Binding = Awaited<ReturnType<Miniflare['getD1Database']>>;

const IN_A_WORKER = `
import { createTokenService } from '@latchkey/core';
import { d1Stores, migrateD1 } from './src/d1.ts';

export default {
  async fetch(request, env) {
    await migrateD1(env.DB);
    await migrateD1(env.DB);
    const { tokens, users, throttles } = d1Stores(env.DB);
    const user = await users.createUser({ username: 'worker', passwordHash: null });
    const service = createTokenService({ store: tokens, maxTokensPerUser: 1 });
    const first = await service.create(user.id);
    const second = await service.create(user.id);
    const verified = await service.verify(first.token);
    const counts = [await throttles.increment('k', Date.now() + 60000, Date.now()), await throttles.increment('k', Date.now() + 60000, Date.now())];
    return Response.json({ first: first.ok, second: second.ok, verified: verified.ok, user: verified.record.userId === user.id, counts });
  },
};
`;

describe('D1 (workerd through Miniflare)', () => {
  const mf = new Miniflare({
    modules: true,
    script: 'export default { fetch() { return new Response("") } }',
    compatibilityDate: COMPATIBILITY_DATE,
    d1Databases: ['DB'],
  });
  let binding: D1Binding;
  beforeAll(async () => {
    binding = await mf.getD1Database('DB');
    await migrateD1(binding);
  });
  afterAll(() => mf.dispose());

  // One database for the suite: each case starts from empty tables.
  const fresh = async () => {
    const stores = d1Stores(binding);
    await stores.db.batch([
      stores.db.delete(latchkeyTokens),
      stores.db.delete(latchkeyUsers),
      stores.db.delete(latchkeyOneTimeTokens),
      stores.db.delete(latchkeyThrottles),
      stores.db.delete(latchkeyRefreshTokens),
      stores.db.delete(latchkeyRevokedFamilies),
    ]);
    return stores;
  };
  it('has the revocation feed and the join with its users, so their optional cases run', async () => {
    const { tokens, users } = await fresh();
    expect([typeof tokens.revokedSince, typeof tokens.findWithUser, tokens.joinedUsers]).toEqual(['function', 'function', users]);
  });
  for (const c of tokenStoreConformance(async () => (await fresh()).tokens)) it(c.name, c.run);
  for (const c of userStoreConformance(async () => (await fresh()).users)) it(c.name, c.run);
  for (const c of throttleStoreConformance(async () => (await fresh()).throttles)) it(c.name, c.run);
  for (const c of oneTimeStoreConformance(async () => (await fresh()).oneTime)) it(c.name, c.run);
  for (const c of refreshTokenStoreConformance(async () => (await fresh()).refreshTokens)) it(`refresh tokens: ${c.name}`, c.run);
  // Its cases draw fresh user ids, so the shared tables need no emptying.
  for (const c of totpStoreConformance(async () => d1Stores(binding).totp)) it(c.name, c.run);
  const secrets = createSecretBox(new Uint8Array(32).fill(5));
  for (const c of signingKeyStoreConformance(async () => {
    const { db } = d1Stores(binding);
    await db.delete(latchkeySigningKeys);
    return new DrizzleSigningKeyStore(db, { secrets });
  })) it(`signing keys: ${c.name}`, c.run);
  for (const c of replayStoreConformance(async () => {
    const { db } = d1Stores(binding);
    await db.delete(latchkeyNonces);
    return new DrizzleReplayStore(db);
  })) it(`nonces: ${c.name}`, c.run);

  it('migrateD1 records each migration once, however often it runs', async () => {
    await migrateD1(binding);
    await migrateD1(binding);
    const { results } = await binding.prepare('SELECT hash FROM __drizzle_migrations').all<{ hash: string }>();
    expect(results.map((row) => row.hash)).toEqual(migrations.map((migration) => migration.hash));
  });

  it('d1Stores builds the stores once per binding', () => {
    expect(d1Stores(binding)).toBe(d1Stores(binding));
  });
});

/** Bundles `contents` for Workers as Wrangler would: any node:* import fails the build. */
function bundleForWorkers(contents: string) {
  return build({
    stdin: { contents, resolveDir: fileURLToPath(new URL('..', import.meta.url)), loader: 'ts' },
    bundle: true,
    write: false,
    format: 'esm',
    platform: 'neutral',
    target: 'es2022',
    conditions: ['source', 'workerd', 'worker', 'browser'],
    mainFields: ['browser', 'module', 'main'],
    logLevel: 'silent',
  });
}

describe('inside a Worker', () => {
  it('migrates with migrateD1, then issues and verifies tokens under a limit', { timeout: 30_000 }, async () => {
    const bundle = await bundleForWorkers(IN_A_WORKER);
    const mf = new Miniflare({
      modules: true,
      script: bundle.outputFiles[0]!.text,
      compatibilityDate: COMPATIBILITY_DATE,
      d1Databases: ['DB'],
    });
    try {
      const response = await mf.dispatchFetch('http://worker.test/');
      expect(await response.json()).toEqual({ first: true, second: false, verified: true, user: true, counts: [1, 2] });
    } finally {
      await mf.dispose();
    }
  });
});

describe('@latchkey/drizzle/postgres on Workers', () => {
  it("bundles for Workers with Neon's HTTP driver: no driver of its own, nothing from node:*", async () => {
    const bundle = await bundleForWorkers(`
      import { neon } from '@neondatabase/serverless';
      import { drizzle } from 'drizzle-orm/neon-http';
      import { postgresStores } from './src/postgres/index.ts';
      export default { fetch: (request, env) => Response.json(Object.keys(postgresStores(drizzle(neon(env.DATABASE_URL))))) };
    `);
    const mf = new Miniflare({
      modules: true,
      script: bundle.outputFiles[0]!.text,
      compatibilityDate: COMPATIBILITY_DATE,
      bindings: { DATABASE_URL: 'postgres://user:password@db.example.test/app' },
    });
    try {
      // Building the stores prepares their statements and sends nothing: no server is needed.
      expect(await (await mf.dispatchFetch('http://worker.test/')).json()).toEqual(['tokens', 'users', 'oneTime', 'totp', 'refreshTokens', 'signingKeys', 'nonces', 'throttles']);
    } finally {
      await mf.dispose();
    }
  });
});

const TOTP_IN_A_WORKER = `
import { createSecretBox } from '@latchkey/core';
import { createTotp } from '@latchkey/two-factor';
import { d1Stores, migrateD1 } from './src/d1.ts';

let totp;
export default {
  async fetch(request, env) {
    if (!totp) {
      await migrateD1(env.DB);
      const secrets = createSecretBox(btoa('w'.repeat(32)), { purpose: 'latchkey-totp' });
      totp = createTotp({ store: d1Stores(env.DB).totp, secrets, issuer: 'Worker' });
    }
    const url = new URL(request.url);
    const code = url.searchParams.get('code') ?? '';
    if (url.pathname === '/enrol') {
      const { secret, qrSvg } = await totp.enrol('u1', 'alice');
      return Response.json({ secret, svg: qrSvg.startsWith('<svg') });
    }
    if (url.pathname === '/confirm') return Response.json({ codes: await totp.confirm('u1', code) });
    return Response.json({ ok: await totp.verify('u1', code), required: await totp.isRequired('u1') });
  },
};
`;

describe('TOTP inside a Worker', () => {
  it('enrols with a sealed seed and an SVG, confirms and verifies codes from another implementation, on D1', { timeout: 30_000 }, async () => {
    const bundle = await build({
      stdin: { contents: TOTP_IN_A_WORKER, resolveDir: fileURLToPath(new URL('..', import.meta.url)), loader: 'ts' },
      bundle: true,
      write: false,
      format: 'esm',
      platform: 'neutral',
      target: 'es2022',
      conditions: ['source', 'workerd', 'worker', 'browser'],
      mainFields: ['browser', 'module', 'main'],
      logLevel: 'silent',
    });
    const mf = new Miniflare({ modules: true, script: bundle.outputFiles[0]!.text, compatibilityDate: COMPATIBILITY_DATE, d1Databases: ['DB'] });
    try {
      const ask = async (path: string) => (await mf.dispatchFetch(`http://worker.test${path}`)).json() as Promise<Record<string, unknown>>;
      const enrolled = await ask('/enrol');
      expect(enrolled.svg).toBe(true);
      const app = new OTPAuth.TOTP({ secret: OTPAuth.Secret.fromBase32(enrolled.secret as string), digits: 6, period: 30 });
      const now = Date.now();
      // The worker's own clock: this step's code confirms, the next step's (inside the window
      // even if a step boundary passes meanwhile) verifies.
      expect((await ask(`/confirm?code=${app.generate({ timestamp: now })}`)).codes).toHaveLength(10);
      const current = app.generate({ timestamp: now + 30_000 });
      expect(await ask(`/verify?code=${current}`)).toEqual({ ok: true, required: true });
      expect(await ask(`/verify?code=${current}`)).toEqual({ ok: false, required: true });
      const { results } = await (await mf.getD1Database('DB')).prepare('SELECT sealed_seed FROM latchkey_totp').all<{ sealed_seed: string }>();
      expect(results[0]!.sealed_seed).not.toContain(enrolled.secret as string);
    } finally {
      await mf.dispose();
    }
  });
});
