/**
 * Filling a libSQL file with token rows fast enough for a million in seconds. The rows are
 * generated inside SQLite (random 32-byte digests, ids in ascending order) by one
 * INSERT … SELECT, with the secondary indexes dropped first and rebuilt after: building an
 * index from sorted data is about twice as fast as a million random B-tree inserts. Only
 * the tokens a benchmark presents go through the token service; the rest are bystanders
 * that make the table and its digest index as large as a real deployment's.
 */
import { openLibsqlStores } from '@latchkey/drizzle/libsql';
import { createClient } from '@libsql/client';

const TABLE = 'latchkey_tokens';
const SEED_USERS = 1_000;

/** Migrates the file at `url` and adds `rows` bystander tokens; returns the milliseconds spent. */
export async function seedTokenRows(url: string, rows: number): Promise<number> {
  (await openLibsqlStores({ url, migrate: true })).close();
  if (rows < 1) return 0;
  const client = createClient({ url });
  try {
    const started = performance.now();
    // A scratch file: losing it in a crash costs nothing, so seeding keeps no journal and
    // skips fsync. The larger page cache, which helps the index rebuild, goes with this
    // connection; benchmarks open their own (back in WAL mode, with the default cache).
    await client.execute('PRAGMA journal_mode = OFF');
    await client.execute('PRAGMA synchronous = OFF');
    await client.execute('PRAGMA cache_size = -262144');
    // The indexes as the migrations made them, read back so this never repeats the schema.
    const indexes = await client.execute({
      sql: "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ? AND sql IS NOT NULL",
      args: [TABLE],
    });
    await client.batch(
      [
        ...indexes.rows.map((index) => `DROP INDEX "${String(index.name)}"`),
        {
          sql: `WITH RECURSIVE seq(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM seq WHERE i < ?)
                INSERT INTO ${TABLE} (id, user_id, digest, name, scopes, created_at, expires_at, last_used_at)
                SELECT printf('seed%09d', i), 'seed' || (i % ?), lower(hex(randomblob(32))), NULL, '', 0, NULL, NULL FROM seq`,
          args: [rows, SEED_USERS],
        },
        ...indexes.rows.map((index) => String(index.sql)),
      ],
      'write',
    );
    return performance.now() - started;
  } finally {
    client.close();
  }
}
