/**
 * The README's JWT walk-through, run as written in bash against the example started for real.
 * Its own server and database: its logins must not count against the throttle the other
 * suite's Basic guesses are counted by.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listening, type Started, start, stop } from './example-process.ts';

describe('the example\'s JWT walk-through', { timeout: 30_000 }, () => {
  let dir: string;
  let server: Started | undefined;
  let origin: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'latchkey-node-hono-jwt-'));
    origin = await listening((server = start({ PORT: '0', LATCHKEY_DATABASE_URL: `file:${join(dir, 'demo.db')}` })));
  }, 30_000);
  afterAll(async () => (server && (await stop(server)), rm(dir, { recursive: true, force: true })));

  it('runs the README\'s JWT walk-through as written in bash: every answer as the README shows it', async () => {
    const readme = await readFile(new URL('../README.md', import.meta.url), 'utf8');
    const block = /## JWT walk-through[^]*?```sh\n([^]*?)```/.exec(readme)![1]!;
    expect(block.startsWith('ORIGIN=http://localhost:8787\n')).toBe(true);
    const script = block.replace('ORIGIN=http://localhost:8787', `ORIGIN=${origin}`);
    const { stdout } = await promisify(execFile)('bash', ['-euo', 'pipefail', '-c', script]);
    // The README's answers: the comment line after each command; "…" stands for anything.
    const expected = block
      .split('\n')
      .filter((line) => /^# [{[\w]/.test(line) && !/^# \d\./.test(line))
      .map((line) => line.slice(2));
    const lines = stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(expected.length);
    expected.forEach((answer, index) => {
      const pattern = new RegExp(`^${answer.split('…').map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('.+')}$`);
      expect(lines[index]).toMatch(pattern);
    });
  });

});
