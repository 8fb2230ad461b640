/**
 * The entry point (`npm start`): opens the database (creating the schema on first run),
 * makes sure the demo user exists, and serves the app on Node. Tokens, users and the login
 * throttle's counters all live in the database, so several `npm start` processes on one
 * database share revocations and throttles.
 *
 * Environment: PORT (default 8787; 0 picks a free one), HOST (default 127.0.0.1),
 * LATCHKEY_DATABASE_URL (default: latchkey.db in this example's folder; `postgres://…` for a
 * Postgres server; `libsql://…` for a remote libSQL database, with LATCHKEY_DATABASE_AUTH_TOKEN),
 * LATCHKEY_LINK_BASE (where mailed links point; default the origin it listens on),
 * LATCHKEY_SECRET_KEY (base64 of 32 bytes: the server key sealing TOTP seeds and Hawk /
 * hmac-sha256 secrets at rest; default a key made on first run and kept in `secret.key` beside
 * the database — set it to use `latchkey createkey --hawk`), LATCHKEY_JWT_KEY (a private JWK as
 * JSON that signs JWTs; default a new Ed25519 key per start).
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { createPasswordHasher, createSecretBox } from '@latchkey/core';
import { generateSigningKey } from '@latchkey/jwt';
import { openStores } from '@latchkey/drizzle/open';
import { createAdaptorServer } from '@hono/node-server';
import { createApp } from './app.ts';
import { ensureDemoUser, walkThrough } from './demo.ts';

const port = Number(process.env.PORT ?? 8787);
const hostname = process.env.HOST ?? '127.0.0.1';
const url = process.env.LATCHKEY_DATABASE_URL ?? new URL('../latchkey.db', import.meta.url).href;

/** The URL without its password, fit for a banner. */
function shownUrl(database: string): string {
  if (!URL.canParse(database)) return database;
  const parsed = new URL(database);
  if (parsed.password) parsed.password = '***';
  return parsed.href;
}

if (!Number.isInteger(port) || port < 0 || port > 65_535) {
  console.error(`PORT must be a port number (0-65535), got "${process.env.PORT}".`);
  process.exit(1);
}

/** The server key: from the environment, else made once and kept (owner-only) beside the demo. */
function secretKey(): string {
  if (process.env.LATCHKEY_SECRET_KEY) return process.env.LATCHKEY_SECRET_KEY;
  const file = new URL('../secret.key', import.meta.url);
  if (!existsSync(file)) {
    writeFileSync(file, Buffer.from(crypto.getRandomValues(new Uint8Array(32))).toString('base64'), { mode: 0o600, flag: 'wx' });
  }
  return readFileSync(file, 'utf8').trim();
}

const key = secretKey();
let secrets;
try {
  secrets = createSecretBox(key);
} catch {
  console.error('LATCHKEY_SECRET_KEY must be base64 of 32 bytes, e.g. LATCHKEY_SECRET_KEY=$(openssl rand -base64 32)');
  process.exit(1);
}

const authToken = process.env.LATCHKEY_DATABASE_AUTH_TOKEN;
const stores = await openStores({ url, secrets, ...(authToken && { authToken }) });
const passwords = createPasswordHasher();
const created = await ensureDemoUser(stores.users, passwords);
// LATCHKEY_JWT_KEY: a private JWK as JSON. Without one a new Ed25519 key is made per start,
// so JWTs last until the server stops.
const jwtSigningKey = process.env.LATCHKEY_JWT_KEY
  ? JSON.parse(process.env.LATCHKEY_JWT_KEY)
  : { ...(await generateSigningKey('EdDSA')), alg: 'EdDSA', kid: `demo-${new Date().toISOString().slice(0, 10)}` };
// Built once listening, when the origin that mailed links point at is known (PORT=0 picks it).
let app: ReturnType<typeof createApp> | undefined;
const server = createAdaptorServer({
  fetch: (request, env) => app?.fetch(request, env) ?? Response.json({ detail: 'Starting.' }, { status: 503 }),
});

server.once('error', async (error: NodeJS.ErrnoException) => {
  // The usual ways listening fails get one readable line, not a stack trace.
  if (error.code === 'EADDRINUSE') {
    console.error(`Port ${port} is already in use on ${hostname}: stop what uses it, or pick another port, e.g. PORT=${port + 1} npm start`);
  } else if (error.code === 'EACCES') {
    console.error(`Not allowed to listen on port ${port}: pick one above 1023, e.g. PORT=8787 npm start`);
  } else {
    console.error(error);
  }
  await stores.close();
  process.exit(1);
});

server.listen(port, hostname, () => {
  const { port: actual } = server.address() as AddressInfo;
  // A wildcard or loopback address is reached as localhost; any other as itself.
  const shown = ['127.0.0.1', '::1', '0.0.0.0', '::'].includes(hostname) ? 'localhost' : hostname;
  const origin = `http://${shown.includes(':') ? `[${shown}]` : shown}:${actual}`;
  app = createApp({
    jwtSigningKey,
    // Refresh tokens in the database, so every process serving it rotates and revokes them alike.
    refreshTokens: stores.refreshTokens,
    tokens: stores.tokens,
    users: stores.users,
    throttles: stores.throttles,
    passwords,
    // The client's address comes from the socket: the Hono adapter's default on Node.
    account: { oneTime: stores.oneTime, linkBase: process.env.LATCHKEY_LINK_BASE ?? origin },
    signIn: { oneTime: stores.oneTime, totp: stores.totp, secretKey: key, linkBase: process.env.LATCHKEY_LINK_BASE ?? origin },
    signingKeys: stores.signingKeys,
    // In the database, so every process serving it refuses a replay any of them admitted.
    nonces: stores.nonces,
  });
  console.log(
    [
      `Latchkey demo (Node + Hono) listening on ${origin}`,
      `Database: ${shownUrl(url)}${created ? ' (schema and demo user created)' : ''}`,
      walkThrough(origin),
    ].join('\n'),
  );
});

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, async () => {
    server.close();
    await stores.close();
    process.exit(0);
  });
}
