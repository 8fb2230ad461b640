/**
 * Vitest globalSetup: one Postgres server for a project's test files, each of which makes
 * its own database on it (`inject('postgresUrl')` is the server's default database).
 */
import type { TestProject } from 'vitest/node';
import { startPostgresServer } from './postgres.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    postgresUrl: string;
  }
}

export default async function setup(project: TestProject) {
  const server = await startPostgresServer();
  project.provide('postgresUrl', server.url);
  return () => server.destroy();
}
