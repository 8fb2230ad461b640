/** The Node server: the bench app on @hono/node-server, on a free loopback port. */
import { serve } from '@hono/node-server';
import type { AddressInfo } from 'node:net';
import { createBenchApp } from './app.ts';
import { createServerFixture } from './fixture.ts';
import { READY_PREFIX, type ServerReady } from './routes.ts';
import { exitWithParent, serveOptionsFromEnv } from './serve-options.ts';

const { databaseUrl, username } = serveOptionsFromEnv(process.env);
const fixture = await createServerFixture(databaseUrl, username);
const server = serve({ fetch: createBenchApp(fixture).fetch, hostname: '127.0.0.1', port: 0 }, (info: AddressInfo) => {
  const ready: ServerReady = { port: info.port, version: process.version, credentials: fixture.credentials };
  process.stdout.write(`${READY_PREFIX}${JSON.stringify(ready)}\n`);
});
exitWithParent(() => {
  server.close();
  fixture.close();
});
