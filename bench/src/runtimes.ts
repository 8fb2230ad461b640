/** How the parent runs a TypeScript entry point under each runtime. */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

export type Runtime = 'node' | 'bun';

/** A runtime's command line; the script (relative to the bench folder) goes last. */
export interface RuntimeCommand {
  readonly runtime: Runtime;
  readonly command: string;
  readonly args: readonly string[];
}

/** The `bun` binary the workspace installed, looked for from `dir` upwards; null when absent. */
function findBun(dir: string): string | null {
  for (let at = dir; ; at = dirname(at)) {
    const candidate = join(at, 'node_modules', '.bin', 'bun');
    if (existsSync(candidate)) return candidate;
    if (dirname(at) === at) return null;
  }
}

/**
 * Node, and Bun when the workspace installed it. Both resolve workspace packages to their
 * sources (`--conditions=source`). Node loads TypeScript through tsx's loader in the same
 * process, so the pid the parent holds is the child's own; Bun reads TypeScript itself.
 */
export function runtimeCommands(benchDir: string): RuntimeCommand[] {
  const node: RuntimeCommand = { runtime: 'node', command: process.execPath, args: ['--conditions=source', '--import', 'tsx'] };
  const bun = findBun(benchDir);
  return bun ? [node, { runtime: 'bun', command: bun, args: ['--conditions=source'] }] : [node];
}
