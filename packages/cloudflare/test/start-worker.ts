/**
 * Bundles a test worker the way Wrangler would and starts it in workerd through Miniflare.
 * The `source` condition makes workspace packages resolve to their TypeScript sources, so
 * the worker runs the code under test, not a stale build.
 */
import { build } from 'esbuild';
import { Miniflare, type MiniflareOptions, type WorkerOptions } from 'miniflare';

/** Pinned: workerd from Miniflare 4.20260426 never starts (and never exits) past 2026-05-03. */
export const COMPATIBILITY_DATE = '2026-04-01';

/** The worker at `entry` as one ES module, with Workers' export conditions. */
export async function bundleWorker(entry: URL): Promise<string> {
  const result = await build({
    entryPoints: [entry.pathname],
    bundle: true,
    write: false,
    format: 'esm',
    platform: 'neutral',
    target: 'es2022',
    conditions: ['source', 'workerd', 'worker', 'browser'],
    mainFields: ['browser', 'module', 'main'],
    logLevel: 'silent',
  });
  return result.outputFiles[0]!.text;
}

/** Extra options for one worker: bindings, D1 databases, a name when there are several. */
export type TestWorkerOptions = Omit<WorkerOptions, 'modules' | 'script' | 'scriptPath' | 'compatibilityDate'>;

/** Starts workerd with the worker at `entry` (once per option set in `workers`); dispose it in `afterAll`. */
export async function startWorker(entry: URL, ...workers: TestWorkerOptions[]): Promise<Miniflare> {
  const script = await bundleWorker(entry);
  const options = (workers.length > 0 ? workers : [{}]).map((worker) => ({
    ...worker,
    modules: true,
    script,
    compatibilityDate: COMPATIBILITY_DATE,
  }));
  const mf = new Miniflare({ workers: options } as MiniflareOptions);
  await mf.ready;
  return mf;
}
