/**
 * Reading a Django project's users and DRF tokens from its Postgres database, for
 * `latchkey import-django --from postgres://…`. Node only (node-postgres), like the command.
 * One read-only transaction, so the users and tokens read belong together.
 */
import pg from 'pg';
import { DJANGO_TOKENS_QUERY, DJANGO_USERS_QUERY, type DjangoData, djangoData } from './import-django.ts';

/** Reads `auth_user` and `authtoken_token` (none when DRF's authtoken app is not installed). */
export async function readDjangoPostgres(url: string): Promise<DjangoData> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query('BEGIN TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY');
    const users = await client.query(DJANGO_USERS_QUERY);
    const present = await client.query<{ present: boolean }>("SELECT to_regclass('authtoken_token') IS NOT NULL AS present");
    const tokens = present.rows[0]?.present ? (await client.query(DJANGO_TOKENS_QUERY)).rows : [];
    await client.query('COMMIT');
    return djangoData(users.rows, tokens);
  } finally {
    await client.end();
  }
}
