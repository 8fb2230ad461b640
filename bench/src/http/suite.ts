/**
 * The HTTP phase: a Node server and a Bun server, every configuration checked once, warmed
 * up, then measured in interleaved rounds (each round starts one configuration later, so
 * none always runs first or last), medians kept.
 */
import { type Child, startChild } from '../child-process.ts';
import type { Runtime, RuntimeCommand } from '../runtimes.ts';
import { median } from '../stats.ts';
import { processCpuMs } from './cpu-time.ts';
import { load, type LoadResult } from './load.ts';
import { KEYWORD, type Route, ROUTES, type ServerReady, STATS_PATH, type StoreCalls } from './routes.ts';

type Server = Child<ServerReady>;

/** One round of one configuration. */
export interface RoundResult extends LoadResult {
  /** The server's CPU time per response, milliseconds; null without /proc. */
  readonly cpu: number | null;
}

/** One configuration on one runtime, as measured. */
export interface HttpResult {
  readonly runtime: Runtime;
  readonly route: Route;
  /** Medians over the rounds; milliseconds for times. */
  readonly rps: number;
  readonly p50: number;
  readonly p99: number;
  readonly cpu: number | null;
  readonly rounds: readonly RoundResult[];
  /** Responses other than the configuration's expected status, and errors, over all rounds. */
  readonly unexpected: number;
}

/** Proof of which requests reached the token store, per runtime. */
export interface StoreCallCheck {
  readonly runtime: Runtime;
  /** Token-store calls made while serving the unknown- and garbage-token paths. */
  readonly calls: StoreCalls;
  /** Requests answered on those paths over the same time. */
  readonly responses: StoreCalls;
  /** Requests sent: those answered and those in flight when a load run stopped. */
  readonly requests: StoreCalls;
}

export interface HttpSuiteOptions {
  readonly benchDir: string;
  /** The runtimes to serve from. */
  readonly runtimes: readonly RuntimeCommand[];
  readonly databaseUrl: string;
  /** The seeded Postgres database, when there is a server; its configuration is skipped otherwise. */
  readonly postgresUrl: string | null;
  readonly rounds: number;
  readonly duration: number;
  readonly warmup: number;
  readonly connections: number;
  readonly log: (line: string) => void;
}

export interface HttpSuiteResult {
  readonly results: readonly HttpResult[];
  readonly storeCalls: readonly StoreCallCheck[];
  /** Each server's runtime version. */
  readonly versions: Readonly<Partial<Record<Runtime, string>>>;
}

const SERVER_STARTUP_MS = 30_000;

interface Target {
  readonly runtime: Runtime;
  readonly server: Server;
  readonly route: Route;
  readonly url: string;
  readonly headers: Record<string, string>;
  readonly rounds: RoundResult[];
  /** Requests answered so far, check and warm-up included. */
  responses: number;
  /** Requests sent so far, check and warm-up included. */
  requests: number;
}

export async function runHttpSuite(options: HttpSuiteOptions): Promise<HttpSuiteResult> {
  const { benchDir, databaseUrl, log } = options;
  const servers = new Map<Runtime, Server>();
  try {
    for (const { runtime, command, args } of options.runtimes) {
      servers.set(
        runtime,
        await startChild<ServerReady>({
          name: `${runtime} server`,
          command,
          args: [...args, `src/http/${runtime}-server.ts`],
          env: {
            BENCH_DATABASE_URL: databaseUrl,
            BENCH_USERNAME: `bench-${runtime}`,
            ...(options.postgresUrl && { BENCH_POSTGRES_URL: options.postgresUrl }),
          },
          cwd: benchDir,
          timeoutMs: SERVER_STARTUP_MS,
        }),
      );
    }

    const targets: Target[] = [];
    for (const [runtime, server] of servers) {
      for (const route of ROUTES) {
        if (route.bunOnly && runtime !== 'bun') continue;
        const token = route.credential === 'none' ? null : server.message.credentials[route.credential];
        if (token === undefined) continue; // no Postgres server in this run
        targets.push({
          runtime,
          server,
          route,
          url: `http://127.0.0.1:${server.message.port}${route.path}`,
          headers: token === null ? {} : { authorization: `${KEYWORD} ${token}` },
          rounds: [],
          responses: 0,
          requests: 0,
        });
      }
    }

    // Check: every configuration answers what it should before anything is timed.
    for (const target of targets) {
      const response = await fetch(target.url, { headers: target.headers });
      await response.arrayBuffer();
      if (response.status !== target.route.status) {
        throw new Error(`${target.runtime} ${target.route.path}: expected ${target.route.status}, got ${response.status}`);
      }
      target.responses++;
      target.requests++;
    }

    log(`warming up ${targets.length} configurations, ${options.warmup} s each`);
    for (const target of targets) {
      const warm = await load({ url: target.url, headers: target.headers, duration: options.warmup, connections: options.connections });
      target.responses += warm.responses;
      target.requests += warm.sent;
    }

    for (let round = 0; round < options.rounds; round++) {
      log(`round ${round + 1} of ${options.rounds}: ${targets.length} configurations, ${options.duration} s each`);
      for (let i = 0; i < targets.length; i++) {
        const target = targets[(i + round) % targets.length]!;
        const cpuBefore = processCpuMs(target.server.pid);
        const result = await load({ url: target.url, headers: target.headers, duration: options.duration, connections: options.connections });
        const cpuAfter = processCpuMs(target.server.pid);
        const cpu = cpuBefore === null || cpuAfter === null ? null : (cpuAfter - cpuBefore) / result.responses;
        target.rounds.push({ ...result, cpu });
        target.responses += result.responses;
        target.requests += result.sent;
      }
    }

    const storeCalls: StoreCallCheck[] = [];
    for (const [runtime, server] of servers) {
      const response = await fetch(`http://127.0.0.1:${server.message.port}${STATS_PATH}`);
      const calls = (await response.json()) as StoreCalls;
      const count = (id: string, key: 'responses' | 'requests') =>
        targets.find((target) => target.runtime === runtime && target.route.id === id)?.[key] ?? 0;
      const check: StoreCallCheck = {
        runtime,
        calls,
        responses: { unknown: count('unknown-401', 'responses'), garbage: count('garbage-401', 'responses') },
        requests: { unknown: count('unknown-401', 'requests'), garbage: count('garbage-401', 'requests') },
      };
      // The promise the garbage path exists to keep: the checksum refuses before any store call.
      if (calls.garbage !== 0) throw new Error(`${runtime}: garbage tokens reached the token store ${calls.garbage} times`);
      // And the other side: a well-formed unknown token costs one lookup (requests cut off
      // when a load run stopped may or may not have been served).
      if (calls.unknown < check.responses.unknown || calls.unknown > check.requests.unknown) {
        throw new Error(`${runtime}: unknown tokens made ${calls.unknown} store calls for ${check.requests.unknown} requests`);
      }
      storeCalls.push(check);
    }

    const results = targets.map((target): HttpResult => {
      const unexpected = target.rounds.reduce(
        (sum, round) =>
          sum + Object.entries(round.outcomes).reduce((n, [status, count]) => n + (status === String(target.route.status) ? 0 : count), 0),
        0,
      );
      return {
        runtime: target.runtime,
        route: target.route,
        rps: median(target.rounds.map((round) => round.rps)),
        p50: median(target.rounds.map((round) => round.p50)),
        p99: median(target.rounds.map((round) => round.p99)),
        cpu: target.rounds.some((round) => round.cpu === null) ? null : median(target.rounds.map((round) => round.cpu!)),
        rounds: target.rounds,
        unexpected,
      };
    });
    const versions = Object.fromEntries([...servers].map(([runtime, server]) => [runtime, server.message.version]));
    return { results, storeCalls, versions };
  } finally {
    await Promise.all([...servers.values()].map((server) => server.stop()));
  }
}
