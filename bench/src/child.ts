/**
 * The child side of the parent–child protocol: settings come in through the environment,
 * one `READY <json>` line goes out on stdout, and the child lives until the parent closes
 * its stdin (which also happens when the parent dies without the chance to kill it).
 */

/** The line prefix the parent waits for. */
export const READY_PREFIX = 'READY ';

/** The environment variable `name`, which the parent must have set. */
export function requiredEnv(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} must be set (this script is started by bench/src/main.ts)`);
  return value;
}

/** Tells the parent this child is ready, with `message` as JSON. */
export function announce(message: unknown): void {
  process.stdout.write(`${READY_PREFIX}${JSON.stringify(message)}\n`);
}

/** Runs `onExit` and exits when the parent closes stdin. */
export function exitWithParent(onExit: () => void = () => {}): void {
  process.stdin.on('end', () => {
    onExit();
    process.exit(0);
  });
  process.stdin.resume();
}
