// Every ```ts block in the READMEs compiles as written. TypeScript 7's `tsc` is a Go binary
// with no compiler API, so the blocks are written out as files of a throwaway project in
// .readme-blocks/ (git-ignored; below the root, so the workspace packages resolve, and not in
// node_modules, whose files Deno does not check) and `tsc` (or `deno check`, for the Deno
// README) is run on them. tsc reads the packages' built declarations, as an app does: run it
// after `tsc -b` (CI does).
//
// Each block is its own module. A block whose first line is `// file: name.ts` is written
// under that name, so a later block of the same README can import it.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));
const work = join(root, '.readme-blocks');

/** The types each README's blocks are checked against: the host its code runs on. */
const READMES: Record<string, 'node' | 'bun' | 'workers' | 'deno'> = {
  'README.md': 'node',
  'packages/core/README.md': 'node',
  'packages/drizzle/README.md': 'node',
  'packages/hono/README.md': 'node',
  'packages/bun/README.md': 'bun',
  'packages/cloudflare/README.md': 'workers',
  'packages/deno/README.md': 'deno',
  'packages/two-factor/README.md': 'node',
  'packages/signatures/README.md': 'node',
  'examples/node-hono/README.md': 'node',
  'packages/redis/README.md': 'node',
};

const TYPES = {
  node: { lib: ['ES2022', 'WebWorker'], types: ['node'] },
  bun: { lib: ['ES2022', 'WebWorker'], types: ['bun'] },
  workers: { lib: ['ES2022'], types: ['@cloudflare/workers-types/2023-07-01'] },
} as const;

interface Block {
  readonly file: string;
  readonly line: number;
  readonly code: string;
}

function blocksOf(readme: string): Block[] {
  const lines = readFileSync(join(root, readme), 'utf8').split('\n');
  const blocks: Block[] = [];
  for (let i = 0; i < lines.length; i++) {
    if (lines[i]!.trim() !== '```ts') continue;
    const start = i + 1;
    while (i + 1 < lines.length && lines[i + 1]!.trim() !== '```') i++;
    const code = lines.slice(start, i + 1).join('\n');
    const named = /^\/\/ file: (\S+\.ts)\b/.exec(code);
    // A D1 block in the Drizzle README is Workers code: it is checked with Workers' types.
    blocks.push({ file: named?.[1] ?? `block-line-${start}.ts`, line: start, code: `${code}\n` });
    i++;
  }
  return blocks;
}

function check(readme: string): { status: number | null; output: string; blocks: number } {
  const host = READMES[readme]!;
  const dir = join(work, readme.replace(/[/.]/g, '-'));
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const blocks = blocksOf(readme);
  const groups: Record<string, Block[]> = {};
  for (const block of blocks) {
    const env = host === 'node' && block.code.includes('D1Database') ? 'workers' : host;
    (groups[env] ??= []).push(block);
  }
  let output = '';
  let status: number | null = 0;
  for (const [env, group] of Object.entries(groups)) {
    const sub = join(dir, env);
    mkdirSync(sub, { recursive: true });
    for (const block of group) writeFileSync(join(sub, block.file), block.code);
    let result;
    if (env === 'deno') {
      result = spawnSync(join(root, 'node_modules/.bin/deno'), ['check', '--quiet', '--conditions=source', ...group.map((b) => join(sub, b.file))], {
        cwd: root,
        encoding: 'utf8',
      });
    } else {
      const config = {
        extends: join(root, 'tsconfig.base.json'),
        compilerOptions: { noEmit: true, composite: false, declaration: false, declarationMap: false, sourceMap: false, moduleDetection: 'force', customConditions: [], ...TYPES[env as keyof typeof TYPES] },
        include: ['*.ts'],
      };
      writeFileSync(join(sub, 'tsconfig.json'), JSON.stringify(config));
      result = spawnSync(join(root, 'node_modules/.bin/tsc'), ['-p', join(sub, 'tsconfig.json'), '--pretty', 'false'], { cwd: sub, encoding: 'utf8' });
    }
    // Point each error at its README line rather than at the throwaway file.
    let text = `${result.stdout}${result.stderr}`;
    for (const block of group) {
      text = text.replace(new RegExp(`[^\\s(]*${block.file.replace('.', '\\.')}[(:](\\d+)`, 'g'), (_, line: string) => `${readme}:${block.line + Number(line)}`);
    }
    output += text;
    if (result.status !== 0) status = result.status;
  }
  return { status, output, blocks: blocks.length };
}

describe('README TypeScript blocks compile as written', () => {
  it('knows the host of every README with a TypeScript block', () => {
    const listed = spawnSync('git', ['ls-files', '*.md'], { cwd: root, encoding: 'utf8' }).stdout.split('\n').filter(Boolean);
    const withBlocks = listed.filter((file) => /^```ts\s*$/m.test(readFileSync(join(root, file), 'utf8')));
    expect(withBlocks.filter((file) => !(file in READMES))).toEqual([]);
  });

  for (const readme of Object.keys(READMES)) {
    it(readme, { timeout: 120_000 }, () => {
      const { status, output, blocks } = check(readme);
      expect(blocks).toBeGreaterThan(0);
      expect(output.trim()).toBe('');
      expect(status).toBe(0);
    });
  }
});
