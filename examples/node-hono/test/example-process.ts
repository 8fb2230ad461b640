/** The example as a real process (`tsx src/server.ts`, as `npm start` runs it), for the end-to-end tests. */
import { type ChildProcess, spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const exampleDir = fileURLToPath(new URL('..', import.meta.url));
// tsx's command-line entry, as the example's `start` script runs it.
const tsxPackage = createRequire(import.meta.url).resolve('tsx/package.json');
const tsx = join(dirname(tsxPackage), (createRequire(import.meta.url)(tsxPackage) as { bin: string }).bin);

export interface Started {
  readonly child: ChildProcess;
  readonly stdout: () => string;
  readonly stderr: () => string;
  readonly exited: Promise<number | null>;
}

/** Starts the example with `env` added to this process's environment. */
export function start(env: Record<string, string>): Started {
  const child = spawn(process.execPath, [tsx, '--conditions=source', 'src/server.ts'], {
    cwd: exampleDir,
    env: { ...process.env, HOST: '127.0.0.1', ...env },
    // Its own process group, so stopping it also stops the Node process tsx starts.
    detached: true,
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (chunk) => (stdout += chunk));
  child.stderr!.on('data', (chunk) => (stderr += chunk));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, stdout: () => stdout, stderr: () => stderr, exited };
}

/** Resolves with the origin the server printed, or rejects if it exits first. */
export function listening(started: Started): Promise<string> {
  return new Promise((resolve, reject) => {
    const check = () => {
      // The whole banner, up to the walk-through's last command.
      const port = /listening on http:\/\/localhost:(\d+)[^]*curl -si \S+\n/.exec(started.stdout())?.[1];
      if (port) resolve(`http://127.0.0.1:${port}`);
    };
    started.child.stdout!.on('data', check);
    void started.exited.then((code) => reject(new Error(`example exited with ${code}: ${started.stderr()}`)));
  });
}

export async function stop(started: Started): Promise<void> {
  if (started.child.exitCode === null && started.child.signalCode === null) process.kill(-started.child.pid!, 'SIGTERM');
  await started.exited;
}
