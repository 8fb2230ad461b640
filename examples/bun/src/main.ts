/**
 * The entry point (`npm start` here, or `bun --conditions=source src/main.ts`): opens the
 * libSQL database through Drizzle (creating the schema on first run), makes sure the demo
 * user exists, and serves the app on `Bun.serve`.
 *
 * Environment: PORT (default 8787; 0 picks a free one), HOST (default 127.0.0.1),
 * LATCHKEY_DATABASE_URL (default: latchkey.db in this example's folder).
 */
import { createPasswordHasher, createTokenService } from '@latchkey/core';
import { openLibsqlStores } from '@latchkey/drizzle/libsql';
import { createRoutes, DEMO_PASSWORD, DEMO_USERNAME } from './app.ts';

const port = Number(process.env.PORT ?? 8787);
const hostname = process.env.HOST ?? '127.0.0.1';
const url = process.env.LATCHKEY_DATABASE_URL ?? new URL('../latchkey.db', import.meta.url).href;
if (!Number.isInteger(port) || port < 0 || port > 65_535) {
  console.error(`PORT must be a port number (0-65535), got "${process.env.PORT}".`);
  process.exit(1);
}

const stores = await openLibsqlStores({ url });
const passwords = createPasswordHasher();
// The verified-token cache: revocations by another process sharing the file are seen within a second.
const tokens = createTokenService({ store: stores.tokens, ttl: 10 * 60 * 60 * 1000, cache: true });
// Looked up first, so a restart costs no password hash.
const created =
  !(await stores.users.findByUsername(DEMO_USERNAME)) &&
  (await stores.users.createUser({ username: DEMO_USERNAME, passwordHash: await passwords.hash(DEMO_PASSWORD) })) !== null;

let server;
try {
  server = Bun.serve({
    hostname,
    port,
    // The login throttle counts in the database, shared by every process on it.
    routes: createRoutes({ users: stores.users, tokens, passwords, throttles: stores.throttles }),
    fetch: () => Response.json({ detail: 'Not found.' }, { status: 404 }),
  });
} catch (error) {
  // The usual ways listening fails get one readable line, not a stack trace.
  if ((error as { code?: string }).code === 'EADDRINUSE') {
    console.error(`Port ${port} is already in use on ${hostname}: stop what uses it, or pick another port, e.g. PORT=${port + 1} npm start`);
    stores.close();
    process.exit(1);
  }
  throw error;
}

const origin = `http://localhost:${server.port}`;
const credentials = JSON.stringify({ username: DEMO_USERNAME, password: DEMO_PASSWORD });
console.log(
  [
    `Latchkey demo (Bun) listening on ${origin}`,
    `Database: ${url}${created ? ' (schema and demo user created)' : ''}`,
    `Demo user: ${DEMO_USERNAME} / ${DEMO_PASSWORD}`,
    '',
    '  # 1. Get a token (copy "token" from the answer; it is shown only once)',
    `  curl -s -X POST ${origin}/auth/token -H 'Content-Type: application/json' -d '${credentials}'`,
    '  # 2. Call a protected route with it',
    `  curl -s ${origin}/api/me -H 'Authorization: Token <token>'`,
    '  # 3. Without it: 401 and a WWW-Authenticate challenge',
    `  curl -si ${origin}/api/me`,
  ].join('\n'),
);

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, async () => {
    await server.stop();
    stores.close();
    process.exit(0);
  });
}
