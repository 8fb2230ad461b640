/**
 * How long and how hard the bench runs. The defaults fit a full run in about three minutes
 * on two cores; `BENCH_QUICK=1` shrinks everything (and skips the million-token case) for
 * development runs. Individual settings can be overridden for experiments.
 */

export type Phase = 'http' | 'micro' | 'scale';

export interface BenchConfig {
  readonly quick: boolean;
  /** Phases to run; `BENCH_ONLY=http,micro`. Default all three. */
  readonly phases: ReadonlySet<Phase>;
  /** Measurement rounds per HTTP configuration; the table shows the median. `BENCH_ROUNDS`. */
  readonly rounds: number;
  /** Seconds per HTTP measurement. `BENCH_DURATION`. */
  readonly duration: number;
  /** Seconds of load per path before the first round. */
  readonly warmup: number;
  /** Concurrent connections per HTTP measurement. `BENCH_CONNECTIONS`. */
  readonly connections: number;
  /** Token rows in the libSQL file the HTTP servers use. */
  readonly httpTokenRows: number;
  /** Token rows for the scale phase. */
  readonly scaleSizes: readonly number[];
  /** Least time mitata spends on each microbenchmark, nanoseconds. */
  readonly microTimeNs: number;
  /** Samples of each 100k-iteration password hash. */
  readonly passwordSamples: number;
}

function positive(env: Record<string, string | undefined>, name: string, fallback: number): number {
  const text = env[name];
  if (text === undefined || text === '') return fallback;
  const value = Number(text);
  if (!Number.isFinite(value) || value <= 0) throw new RangeError(`${name} must be a positive number`);
  return value;
}

export function benchConfig(env: Record<string, string | undefined>): BenchConfig {
  const quick = env.BENCH_QUICK === '1';
  const phases = new Set((env.BENCH_ONLY ?? 'http,micro,scale').split(',').map((phase) => phase.trim()));
  for (const phase of phases) {
    if (phase !== 'http' && phase !== 'micro' && phase !== 'scale') throw new RangeError(`unknown phase in BENCH_ONLY: ${phase}`);
  }
  return {
    quick,
    phases: phases as Set<Phase>,
    rounds: Math.round(positive(env, 'BENCH_ROUNDS', quick ? 2 : 3)),
    duration: positive(env, 'BENCH_DURATION', quick ? 1 : 3),
    warmup: quick ? 0.5 : 1,
    connections: Math.round(positive(env, 'BENCH_CONNECTIONS', 32)),
    httpTokenRows: 20_000,
    scaleSizes: quick ? [1_000, 100_000] : [1_000, 100_000, 1_000_000, 10_000_000],
    microTimeNs: (quick ? 150 : 500) * 1e6,
    passwordSamples: quick ? 3 : 10,
  };
}
