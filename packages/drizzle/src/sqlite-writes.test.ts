// serialWrites on real connections to one file, for each synchronous driver Node loads: a
// second connection plays the other process holding the write lock. The clock and the
// sleep between attempts are injected, so waiting is tested without waiting.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import Libsql from 'libsql';
import { afterAll, describe, expect, it } from 'vitest';
import { serialWrites, type SyncConnection } from './sqlite-writes.ts';

type Connection = SyncConnection & {
  prepare(sql: string): { all(...args: unknown[]): unknown[]; run(...args: unknown[]): unknown };
  close(): unknown;
};

const dir = mkdtempSync(join(tmpdir(), 'latchkey-writes-'));
let files = 0;
afterAll(() => rmSync(dir, { recursive: true, force: true }));

for (const [driver, connect] of [
  ['better-sqlite3', (path: string) => new BetterSqlite3(path) as unknown as Connection],
  ['libsql', (path: string) => new Libsql(path) as unknown as Connection],
] as const) {
  describe(`serialWrites (${driver})`, () => {
    /** Two connections to a new WAL file with table t; `ids()` reads it through the other. */
    function twoConnections() {
      const path = join(dir, `${driver}-${++files}.db`);
      const mine = connect(path);
      const other = connect(path);
      for (const connection of [mine, other]) connection.exec('PRAGMA busy_timeout = 0');
      mine.exec('PRAGMA journal_mode = WAL');
      mine.exec('CREATE TABLE t (id TEXT PRIMARY KEY)');
      const ids = () => other.prepare('SELECT id FROM t ORDER BY id').all().map((row) => (row as { id: string }).id);
      const insert = (id: string) => async () => mine.prepare('INSERT INTO t VALUES (?) RETURNING id').all(id);
      return { mine, other, ids, insert };
    }

    it('waits on a timer for a lock held by another connection, then commits', async () => {
      const { mine, other, ids, insert } = twoConnections();
      other.exec('BEGIN IMMEDIATE');
      const sleeps: number[] = [];
      const writes = serialWrites(mine, {
        sleep: async (ms) => {
          sleeps.push(ms);
          if (sleeps.length === 3) other.exec('COMMIT');
        },
      });
      expect(await writes(insert('a'))).toEqual([{ id: 'a' }]);
      expect(sleeps).toEqual([1, 2, 4]);
      expect(ids()).toEqual(['a']);
    });

    it('gives up after busyTimeout by its clock, writes nothing, and leaves the connection usable', async () => {
      const { mine, other, ids, insert } = twoConnections();
      let now = 0;
      const writes = serialWrites(mine, { busyTimeout: 100, now: () => now, sleep: async (ms) => void (now += ms) });
      other.exec('BEGIN IMMEDIATE');
      const refused = await writes(insert('a')).catch((error: unknown) => error);
      expect(refused).toBeInstanceOf(Error);
      expect((refused as Error).message).toBe('SQLite write lock not free within 100 ms: held by another connection');
      expect(((refused as Error).cause as { code: string }).code).toMatch(/^SQLITE_BUSY/);
      expect(now).toBeGreaterThanOrEqual(100);
      other.exec('COMMIT');
      // Acknowledged after the refusal, so committed: the other connection sees it, and can
      // take the lock again (a lost write would keep it).
      await writes(insert('b'));
      expect(ids()).toEqual(['b']);
      other.exec('BEGIN IMMEDIATE');
      other.exec('ROLLBACK');
    });

    it('rolls back a write that fails, and commits the next', async () => {
      const { mine, ids, insert } = twoConnections();
      const writes = serialWrites(mine);
      await expect(
        writes(async () => {
          await insert('a')();
          return insert('a')(); // the same key again: a constraint error
        }),
      ).rejects.toThrow(/UNIQUE/);
      expect(ids()).toEqual([]);
      await writes(insert('b'));
      expect(ids()).toEqual(['b']);
    });

    it('counts time spent queued behind another write against busyTimeout', async () => {
      const { mine, other, ids, insert } = twoConnections();
      let now = 0;
      const writes = serialWrites(mine, { busyTimeout: 100, now: () => now, sleep: async (ms) => void (now += ms) });
      other.exec('BEGIN IMMEDIATE');
      const [first, second] = await Promise.allSettled([writes(insert('a')), writes(insert('b'))]);
      expect([first.status, second.status]).toEqual(['rejected', 'rejected']);
      // The second gave up at its first attempt: its 100 ms had passed while it queued.
      expect(now).toBeLessThan(200);
      other.exec('COMMIT');
      expect(ids()).toEqual([]);
    });

    it('runs writes one at a time, each in its own transaction', async () => {
      const { mine, ids, insert } = twoConnections();
      const writes = serialWrites(mine);
      const slow = (id: string) => async () => {
        await new Promise((resolve) => setImmediate(resolve));
        return insert(id)();
      };
      const results = await Promise.allSettled(['a', 'b', 'c'].map((id) => writes(slow(id))));
      expect(results.map((result) => result.status)).toEqual(['fulfilled', 'fulfilled', 'fulfilled']);
      expect(ids()).toEqual(['a', 'b', 'c']);
    });
  });
}

it('refuses a negative busyTimeout at construction', () => {
  expect(() => serialWrites({ exec: () => undefined }, { busyTimeout: -1 })).toThrow(RangeError);
});
