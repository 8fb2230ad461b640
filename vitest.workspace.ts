// The Vitest projects (Node, and workerd through Miniflare). Vitest 4 no longer reads
// this file by itself: vitest.config.ts imports it into `test.projects`.
// Bun and Deno suites are run by scripts/test-all.mjs in their own runtimes.
import type { TestProjectConfiguration } from 'vitest/config';

export default [
  { extends: true, test: { name: 'core', include: ['packages/core/src/**/*.test.ts'] } },
  {
    extends: true,
    // test/bun is bun test's (bun:sqlite).
    test: {
      name: 'drizzle',
      include: ['packages/drizzle/src/**/*.test.ts', 'packages/drizzle/test/**/*.test.ts'],
      exclude: ['packages/drizzle/test/bun/**'],
      // A throwaway Postgres server for the project (Debian's postgresql package).
      globalSetup: ['scripts/test-servers/postgres-setup.ts'],
    },
  },
  { extends: true, test: { name: 'redis', include: ['packages/redis/src/**/*.test.ts'] } },
  { extends: true, test: { name: 'two-factor', include: ['packages/two-factor/src/**/*.test.ts'] } },
  { extends: true, test: { name: 'signatures', include: ['packages/signatures/src/**/*.test.ts'] } },
  { extends: true, test: { name: 'hono', include: ['packages/hono/src/**/*.test.ts'] } },
  { extends: true, test: { name: 'cloudflare', include: ['packages/cloudflare/test/**/*.test.ts'] } },
  { extends: true, test: { name: 'docs', include: ['scripts/**/*.test.ts'] } },
  { extends: true, test: { name: 'examples', include: ['examples/node-hono/test/**/*.test.ts', 'examples/workers/test/**/*.test.ts'] } },
] satisfies TestProjectConfiguration[];
