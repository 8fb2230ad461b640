/**
 * The Bun server: the same Hono app as Node's on Bun.serve, plus configurations on
 * Bun.serve's own routes without Hono (a bare handler, and @latchkey/bun's `withLatchkey`
 * over each store, with and without the cache), to show what Hono itself costs on Bun.
 */
import { withLatchkey } from '@latchkey/bun';
import { announce, exitWithParent, requiredEnv } from '../child.ts';
import { createBenchApp } from './app.ts';
import { createServerFixture } from './fixture.ts';
import type { ServerReady } from './routes.ts';

const fixture = await createServerFixture(requiredEnv('BENCH_DATABASE_URL'), requiredEnv('BENCH_USERNAME'), process.env.BENCH_POSTGRES_URL);
const app = createBenchApp(fixture);
const ok = () => new Response('ok');
const server = Bun.serve({
  hostname: '127.0.0.1',
  port: 0,
  routes: {
    '/native/bare': ok,
    '/native/latchkey/memory': withLatchkey(ok, fixture.pipelines.memory),
    '/native/latchkey/memory-cache': withLatchkey(ok, fixture.pipelines.memoryCache),
    '/native/latchkey/libsql': withLatchkey(ok, fixture.pipelines.libsql),
    '/native/latchkey/libsql-cache': withLatchkey(ok, fixture.pipelines.libsqlCache),
  },
  fetch: app.fetch,
});
const ready: ServerReady = { port: server.port ?? 0, version: Bun.version, credentials: fixture.credentials };
announce(ready);
exitWithParent(() => {
  server.stop(true);
  void fixture.close();
});
