/**
 * One load run with autocannon's programmatic API. Latency percentiles come from each
 * response's own time (autocannon's histogram keeps whole milliseconds, too coarse for
 * loopback responses that take about one).
 */
import autocannon from 'autocannon';
import { percentile } from '../stats.ts';

/** What one run measured. */
export interface LoadResult {
  /** Completed responses per second. */
  readonly rps: number;
  /** Milliseconds. */
  readonly p50: number;
  /** Milliseconds. */
  readonly p99: number;
  readonly responses: number;
  /** Requests sent: responses plus those still in flight when the run stopped. */
  readonly sent: number;
  /** Responses by status code, and transport errors and timeouts under "error"/"timeout". */
  readonly outcomes: Readonly<Record<string, number>>;
}

/** Options for `load`. */
export interface LoadOptions {
  readonly url: string;
  readonly headers: Record<string, string>;
  /** Seconds. */
  readonly duration: number;
  readonly connections: number;
}

export function load(options: LoadOptions): Promise<LoadResult> {
  const latencies: number[] = [];
  return new Promise((resolve, reject) => {
    const instance = autocannon(
      { url: options.url, headers: options.headers, duration: options.duration, connections: options.connections, timeout: 10 },
      (error, result) => {
        if (error) return reject(error);
        latencies.sort((a, b) => a - b);
        const outcomes: Record<string, number> = {};
        for (const [status, { count }] of Object.entries(result.statusCodeStats)) outcomes[status] = count;
        if (result.errors) outcomes.error = result.errors;
        if (result.timeouts) outcomes.timeout = result.timeouts;
        resolve({
          rps: result.requests.total / result.duration,
          p50: percentile(latencies, 0.5),
          p99: percentile(latencies, 0.99),
          responses: result.requests.total,
          sent: result.requests.sent,
          outcomes,
        });
      },
    );
    instance.on('response', (_client, _status, _bytes, responseTime) => latencies.push(responseTime));
  });
}
