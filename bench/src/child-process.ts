/**
 * Children of the bench (servers, the Bun microbenchmarks): started with a deadline, read
 * until they print their ready line, and killed by pid when the bench ends, however it ends.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { READY_PREFIX } from './child.ts';

/** A running child and what it announced. */
export interface Child<T> {
  readonly pid: number;
  readonly message: T;
  /** Kills the process (SIGKILL after a grace period); resolves once it has exited. */
  stop(): Promise<void>;
}

export interface ChildOptions {
  /** Prefixes the child's other output on stderr. */
  readonly name: string;
  readonly command: string;
  readonly args: readonly string[];
  /** Added to this process's environment. */
  readonly env: Record<string, string>;
  readonly cwd: string;
  /** How long the child may take to announce itself. */
  readonly timeoutMs: number;
}

const STOP_GRACE_MS = 2_000;
const running = new Set<ChildProcess>();

/** Kills every child still running, synchronously: safe in an `exit` handler. */
export function killAllChildren(): void {
  for (const child of running) child.kill('SIGKILL');
  running.clear();
}

/** Starts a child and waits for its `READY <json>` line. */
export async function startChild<T>(options: ChildOptions): Promise<Child<T>> {
  const { name } = options;
  // stdin stays a pipe: the child exits when it closes, even if this process is killed.
  const child = spawn(options.command, options.args, {
    cwd: options.cwd,
    env: { ...process.env, ...options.env },
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  running.add(child);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  exited.then(() => running.delete(child));

  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
    await exited;
    clearTimeout(timer);
  };

  try {
    let timer: NodeJS.Timeout | undefined;
    const message = await new Promise<T>((resolve, reject) => {
      timer = setTimeout(() => reject(new Error(`${name} did not get ready within ${options.timeoutMs} ms`)), options.timeoutMs);
      createInterface({ input: child.stdout! }).on('line', (line) => {
        if (!line.startsWith(READY_PREFIX)) return process.stderr.write(`[${name}] ${line}\n`);
        resolve(JSON.parse(line.slice(READY_PREFIX.length)) as T);
      });
      child.once('error', (error) => reject(new Error(`${name} failed to start`, { cause: error })));
      exited.then(() => reject(new Error(`${name} exited before it was ready (code ${child.exitCode})`)));
    }).finally(() => clearTimeout(timer));
    return { pid: child.pid!, message, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
