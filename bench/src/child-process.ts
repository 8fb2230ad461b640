/**
 * Bench servers as child processes: started with a deadline, read until they print their
 * ready line, and killed by pid when the bench ends, however it ends.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { READY_PREFIX, type ServerReady } from './routes.ts';

/** A running server. */
export interface ServerProcess {
  readonly ready: ServerReady;
  /** Kills the process (SIGKILL after a grace period); resolves once it has exited. */
  stop(): Promise<void>;
}

const STARTUP_TIMEOUT_MS = 30_000;
const STOP_GRACE_MS = 2_000;
const running = new Set<ChildProcess>();

/** Kills every server still running, synchronously: safe in an `exit` handler. */
export function killAllServers(): void {
  for (const child of running) child.kill('SIGKILL');
  running.clear();
}

/** Starts `command args` with `env` added, and waits for its ready line. */
export async function startServer(
  name: string,
  command: string,
  args: readonly string[],
  env: Record<string, string>,
  cwd: string,
): Promise<ServerProcess> {
  // stdin stays a pipe: the server exits when it closes, even if this process is killed.
  const child = spawn(command, args, { cwd, env: { ...process.env, ...env }, stdio: ['pipe', 'pipe', 'inherit'] });
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
    const ready = await new Promise<ServerReady>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${name} server did not start within ${STARTUP_TIMEOUT_MS} ms`)), STARTUP_TIMEOUT_MS);
      const lines = createInterface({ input: child.stdout! });
      lines.on('line', (line) => {
        if (!line.startsWith(READY_PREFIX)) return process.stderr.write(`[${name}] ${line}\n`);
        clearTimeout(timer);
        resolve(JSON.parse(line.slice(READY_PREFIX.length)) as ServerReady);
      });
      child.once('error', (error) => reject(new Error(`${name} server failed to start`, { cause: error })));
      exited.then(() => reject(new Error(`${name} server exited before it was ready (code ${child.exitCode})`)));
    });
    return { ready, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
