/** Runs the microbenchmarks in a fresh process of whichever runtime started it, and announces the results. */
import { announce, exitWithParent, requiredEnv } from './child.ts';
import { runMicro } from './micro.ts';

const runtime = typeof Bun === 'undefined' ? 'node' : 'bun';
const results = await runMicro({
  runtime,
  databaseUrl: requiredEnv('BENCH_DATABASE_URL'),
  username: requiredEnv('BENCH_USERNAME'),
  minTimeNs: Number(requiredEnv('BENCH_MICRO_TIME_NS')),
  passwordSamples: Number(requiredEnv('BENCH_PASSWORD_SAMPLES')),
  log: (line) => process.stderr.write(`[micro ${runtime}] ${line}\n`),
});
announce({ version: runtime === 'bun' ? Bun.version : process.version, results });
exitWithParent();
