/** The README's walk-throughs as steps a test can run: each command with the comment after it. */
import { readFile } from 'node:fs/promises';

const README = new URL('../README.md', import.meta.url);

/** One command of a walk-through, or a `NAME=…` line where a reader pastes a value. */
export interface Step {
  readonly command: string;
  expected: string | null;
}

/** The first `sh` block after the heading `heading`, as steps. */
export async function readmeSteps(heading: string): Promise<Step[]> {
  const readme = await readFile(README, 'utf8');
  const section = readme.slice(readme.indexOf(heading));
  const block = /```sh\n([^]*?)```/.exec(section)?.[1] ?? '';
  const steps: Step[] = [];
  let pending = '';
  for (const line of block.split('\n')) {
    if (pending) {
      pending += `\n${line}`;
      if (!line.endsWith('\\')) steps.push({ command: pending, expected: null }), (pending = '');
    } else if (line.startsWith('# ') && steps.length > 0 && steps.at(-1)!.expected === null && !/^# \d+\./.test(line)) {
      steps.at(-1)!.expected = line.slice(2);
    } else if (line.startsWith('curl ') || /^[A-Z_]+=/.test(line)) {
      if (line.endsWith('\\')) pending = line;
      else steps.push({ command: line, expected: null });
    }
  }
  return steps;
}

/** True when `output` fits `expected`, where "…" stands for anything. */
export function fits(output: string, expected: string): boolean {
  if (expected.startsWith('(nothing')) return output === '';
  const pattern = expected
    .split('…')
    .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
    .join('.*');
  return new RegExp(`^${pattern}$`, 's').test(output);
}
