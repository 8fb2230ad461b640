/** A fresh database on the project's test Postgres server (scripts/test-servers/postgres-setup.ts). */
import pg from 'pg';
import { inject } from 'vitest';

/** Creates database `name` on the test server; its URL. */
export async function createTestDatabase(name: string): Promise<string> {
  const serverUrl = inject('postgresUrl');
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  return serverUrl.replace(/\/postgres$/, `/${name}`);
}
