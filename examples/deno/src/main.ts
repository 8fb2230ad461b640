/**
 * The entry point (`npm start` here, or `deno run` below): in-memory stores, a demo user,
 * and the app on `Deno.serve`.
 *
 *   deno run --allow-net --allow-env=PORT,HOST --conditions=source src/main.ts
 *
 * Environment: PORT (default 8787; 0 picks a free one), HOST (default 127.0.0.1).
 */
import { createPasswordHasher, createTokenService, MemoryTokenStore, MemoryUserStore } from '@latchkey/core';
import { createApp, DEMO_PASSWORD, DEMO_USERNAME } from './app.ts';

const port = Number(Deno.env.get('PORT') ?? 8787);
const hostname = Deno.env.get('HOST') ?? '127.0.0.1';
if (!Number.isInteger(port) || port < 0 || port > 65_535) {
  console.error(`PORT must be a port number (0-65535), got "${Deno.env.get('PORT')}".`);
  Deno.exit(1);
}

// Memory stores: everything is gone when the process stops, which suits a demo.
const users = new MemoryUserStore();
const passwords = createPasswordHasher();
const tokens = createTokenService({ store: new MemoryTokenStore(), ttl: 10 * 60 * 60 * 1000, cache: true });
await users.createUser({ username: DEMO_USERNAME, passwordHash: await passwords.hash(DEMO_PASSWORD) });
const app = createApp({ users, tokens, passwords });

try {
  Deno.serve({ hostname, port, onListen: ({ port }) => printWalkThrough(`http://localhost:${port}`) }, app);
} catch (error) {
  // The usual ways listening fails get one readable line, not a stack trace.
  if (error instanceof Deno.errors.AddrInUse) {
    console.error(`Port ${port} is already in use on ${hostname}: stop what uses it, or pick another port, e.g. PORT=${port + 1} npm start`);
  } else if (error instanceof Deno.errors.PermissionDenied) {
    console.error(`Not allowed to listen on port ${port}: pick one above 1023, e.g. PORT=8787 npm start`);
  } else {
    throw error;
  }
  Deno.exit(1);
}

function printWalkThrough(origin: string) {
  const credentials = JSON.stringify({ username: DEMO_USERNAME, password: DEMO_PASSWORD });
  console.log(
    [
      `Latchkey demo (Deno) listening on ${origin}`,
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
}
