#!/usr/bin/env node
// `npm test`: every suite in its own runtime (Vitest on Node, bun test, deno test,
// workerd through Miniflare inside Vitest), then one closing line that CI counts:
// "N passed, N failed". Any failing runner makes the exit code non-zero.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const bin = (name) => join(root, 'node_modules', '.bin', name);
// Folders holding tests for each non-Node runtime (those files are not Vitest's).
const bunTests = ['packages/bun/test', 'packages/drizzle/test/bun', 'examples/bun/test'];
const denoTests = ['packages/deno/test', 'examples/deno/test'];

let passed = 0;
let failed = 0;
let broken = false;

function run(label, command, args, options = {}) {
  console.log(`\n── ${label}: ${[command, ...args].map((a) => a.replace(root, '')).join(' ')}`);
  const result = spawnSync(command, args, { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 15 * 60_000, ...options });
  process.stdout.write(result.stdout ?? '');
  process.stderr.write(result.stderr ?? '');
  if (result.status !== 0) broken = true;
  if (result.error) console.error(`${label} did not run: ${result.error.message}`);
  // Colour codes would split the summaries the counts are read from.
  return `${result.stdout}\n${result.stderr}`.replace(/\x1b\[[0-9;]*m/g, '');
}

// Vitest: counts from its JSON report.
const report = join(mkdtempSync(join(tmpdir(), 'latchkey-test-')), 'vitest.json');
run('vitest (node, workerd)', bin('vitest'), ['run', '--reporter=default', '--reporter=json', `--outputFile.json=${report}`]);
if (existsSync(report)) {
  const json = JSON.parse(readFileSync(report, 'utf8'));
  passed += json.numPassedTests;
  failed += json.numFailedTests;
  rmSync(report);
} else {
  broken = true;
}

const hasTests = (folder) =>
  existsSync(join(root, folder)) &&
  readdirSync(join(root, folder), { recursive: true }).some((file) => String(file).endsWith('.test.ts'));
const present = (folders) => folders.filter(hasTests);

const bunFolders = present(bunTests);
if (bunFolders.length > 0) {
  const out = run('bun', bin('bun'), ['test', '--conditions=source', ...bunFolders.map((f) => `./${f}`)]);
  const pass = /^\s*(\d+) pass$/m.exec(out);
  const fail = /^\s*(\d+) fail$/m.exec(out);
  if (!pass || !fail) broken = true; // no summary: the count would be a lie
  passed += Number(pass?.[1] ?? 0);
  failed += Number(fail?.[1] ?? 0);
}

const denoFolders = present(denoTests);
if (denoFolders.length > 0) {
  const out = run('deno', bin('deno'), ['test', '-A', '--conditions=source', ...denoFolders]);
  const summary = /(?:ok|FAILED) \| (\d+) passed(?: \(\d+ steps?\))? \| (\d+) failed/.exec(out);
  if (!summary) broken = true; // no summary: the count would be a lie
  passed += Number(summary?.[1] ?? 0);
  failed += Number(summary?.[2] ?? 0);
}

if (broken && failed === 0) failed = 1; // a runner that crashed counts as a failure
console.log(`\n${passed} passed, ${failed} failed`);
process.exit(broken || failed > 0 ? 1 : 0);
