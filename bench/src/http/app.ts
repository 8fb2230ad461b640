/**
 * The Hono app both runtimes serve: one path per configuration, every handler answering
 * the same two bytes, so the paths differ only in the authentication in front of them.
 */
import { latchkey } from '@latchkey/hono';
import { Hono } from 'hono';
import { bearerAuth } from 'hono/bearer-auth';
import type { ServerFixture } from './fixture.ts';
import { KEYWORD, STATS_PATH } from './routes.ts';

export function createBenchApp(fixture: ServerFixture): Hono {
  const { pipelines, credentials } = fixture;
  const ok = () => new Response('ok');
  const app = new Hono();
  if (pipelines.postgres) app.get('/latchkey/postgres', latchkey(pipelines.postgres), ok);
  return app
    .get('/bare', ok)
    .get('/latchkey/memory', latchkey(pipelines.memory), ok)
    .get('/latchkey/memory-cache', latchkey(pipelines.memoryCache), ok)
    .get('/latchkey/libsql', latchkey(pipelines.libsql), ok)
    .get('/latchkey/libsql-cache', latchkey(pipelines.libsqlCache), ok)
    .get('/hono/bearer-auth', bearerAuth({ token: credentials.static, prefix: KEYWORD }), ok)
    .get('/latchkey/unknown', latchkey(pipelines.unknown), ok)
    .get('/latchkey/garbage', latchkey(pipelines.garbage), ok)
    .get(STATS_PATH, (c) => c.json(fixture.storeCalls()));
}
