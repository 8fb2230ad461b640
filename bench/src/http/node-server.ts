/** The Node server: the bench app on @hono/node-server, on a free loopback port. */
import { serve } from '@hono/node-server';
import type { AddressInfo } from 'node:net';
import { announce, exitWithParent, requiredEnv } from '../child.ts';
import { createBenchApp } from './app.ts';
import { createServerFixture } from './fixture.ts';
import type { ServerReady } from './routes.ts';

const fixture = await createServerFixture(requiredEnv('BENCH_DATABASE_URL'), requiredEnv('BENCH_USERNAME'), process.env.BENCH_POSTGRES_URL);
const server = serve({ fetch: createBenchApp(fixture).fetch, hostname: '127.0.0.1', port: 0 }, (info: AddressInfo) => {
  const ready: ServerReady = { port: info.port, version: process.version, credentials: fixture.credentials };
  announce(ready);
});
exitWithParent(() => {
  server.close();
  void fixture.close();
});
