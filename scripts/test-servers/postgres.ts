/**
 * A throwaway Postgres server for tests, from the Debian `postgresql` package (`.ci/run`
 * installs it): a fresh cluster in a temporary folder, listening on a free loopback port
 * with its socket in that folder, trusted for local use only, deleted afterwards.
 * As root (CI), the server runs as the `postgres` user, since Postgres refuses root.
 */
import { execFile, execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort } from './free-port.ts';

const run = promisify(execFile);

/** A running test server; `stop` and `start` take it down and up again on the same port. */
export interface PostgresServer {
  /** `postgres://postgres@127.0.0.1:<port>/postgres`. */
  readonly url: string;
  /** A new empty database on the server; its URL. */
  createDatabase(name: string): Promise<string>;
  /**
   * Stops the server (`pg_ctl -m fast`): open connections are cut at once, and what was
   * committed is kept (an immediate stop would lose the last commits, which the server's
   * test settings do not sync).
   */
  stop(): Promise<void>;
  /** Starts it again after `stop`. */
  start(): Promise<void>;
  /** Stops it and deletes the cluster. */
  destroy(): Promise<void>;
  /** The same, synchronously: for a process 'exit' handler, where nothing can be awaited. */
  destroySync(): void;
}

function binDir(): string {
  const root = '/usr/lib/postgresql';
  const versions = existsSync(root) ? readdirSync(root).filter((v) => /^\d+$/.test(v)).sort((a, b) => Number(b) - Number(a)) : [];
  if (versions.length === 0) throw new Error('Postgres is not installed: apt-get install -y postgresql');
  return join(root, versions[0]!, 'bin');
}

/** Initialises and starts a cluster. */
export async function startPostgresServer(): Promise<PostgresServer> {
  const bin = binDir();
  const asRoot = process.getuid?.() === 0;
  const dir = mkdtempSync(join(tmpdir(), 'latchkey-postgres-'));
  if (asRoot) await run('chown', ['postgres:postgres', dir]);
  const command = (tool: string, args: string[]): [string, string[]] =>
    asRoot ? ['runuser', ['-u', 'postgres', '--', join(bin, tool), ...args]] : [join(bin, tool), args];
  const pg = (tool: string, args: string[]) => run(...command(tool, args));
  const data = join(dir, 'data');
  await pg('initdb', ['-D', data, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--no-sync', '--no-instructions']);
  const port = await freePort();
  // No durability needed: fsync off makes the tests' many small transactions cheap.
  const options = `-c listen_addresses=127.0.0.1 -p ${port} -k ${dir} -c fsync=off -c synchronous_commit=off -c full_page_writes=off`;
  const start = async () => {
    await pg('pg_ctl', ['-D', data, '-l', join(dir, 'log'), '-o', options, '-w', 'start']);
  };
  const stop = async () => {
    await pg('pg_ctl', ['-D', data, '-m', 'fast', '-w', 'stop']);
  };
  await start();
  const url = `postgres://postgres@127.0.0.1:${port}/postgres`;
  let running = true;
  return {
    url,
    async createDatabase(name) {
      if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new RangeError(`bad database name ${name}`);
      await pg('psql', ['-h', dir, '-p', String(port), '-U', 'postgres', '-qc', `CREATE DATABASE ${name}`]);
      return `postgres://postgres@127.0.0.1:${port}/${name}`;
    },
    stop: async () => {
      await stop();
      running = false;
    },
    start: async () => {
      await start();
      running = true;
    },
    destroy: async () => {
      if (running) await stop();
      running = false;
      rmSync(dir, { recursive: true, force: true });
    },
    destroySync: () => {
      if (running) execFileSync(...command('pg_ctl', ['-D', data, '-m', 'fast', '-w', 'stop']), { stdio: 'ignore' });
      running = false;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
