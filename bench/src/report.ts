/**
 * The one table the bench prints, built from every phase's results: a row per figure, each
 * with its ratios to a named baseline measured in the same run.
 */
import type { HttpResult } from './http/suite.ts';
import type { MicroResult } from './micro.ts';
import type { ScaleResult } from './scale.ts';

/** One printed row; times in nanoseconds. */
export interface TableRow {
  readonly group: string;
  readonly label: string;
  /** Requests or operations per second. */
  readonly rate: number;
  readonly rateUnit: 'req/s' | 'op/s';
  readonly p50: number;
  readonly p99: number;
  /** HTTP only: the server's CPU time per response (all its threads); null elsewhere or without /proc. */
  readonly cpu: number | null;
  /** Each figure divided by the baseline's; null on a baseline's own row. */
  readonly ratio: Figures | null;
  /** What the ratios are taken against. */
  readonly relativeTo: string;
  /** Set when some responses were not the expected status. */
  readonly warning?: string;
}

interface Figures {
  readonly rate: number;
  readonly p50: number;
  readonly p99: number;
  readonly cpu: number | null;
}

const ratio = (row: Figures, base: Figures): Figures => ({
  rate: row.rate / base.rate,
  p50: row.p50 / base.p50,
  p99: row.p99 / base.p99,
  cpu: row.cpu === null || base.cpu === null ? null : row.cpu / base.cpu,
});

const cpuNs = (ms: number | null) => (ms === null ? null : ms * MS);

const MS = 1e6;

export function httpRows(results: readonly HttpResult[]): TableRow[] {
  return results.map((result) => {
    const base = results.find((other) => other.runtime === result.runtime && other.route.id === result.route.baseline);
    const row = { rate: result.rps, p50: result.p50 * MS, p99: result.p99 * MS, cpu: cpuNs(result.cpu) };
    const own = base === result || !base;
    return {
      group: `HTTP ${result.runtime === 'node' ? 'Node + Hono (@hono/node-server)' : 'Bun (Bun.serve)'}`,
      label: result.route.label,
      rateUnit: 'req/s',
      ...row,
      ratio: own ? null : ratio(row, { rate: base.rps, p50: base.p50 * MS, p99: base.p99 * MS, cpu: cpuNs(base.cpu) }),
      relativeTo: own ? '' : base.route.label,
      ...(result.unexpected > 0 && { warning: `${result.unexpected} unexpected responses` }),
    };
  });
}

export function microRows(results: readonly MicroResult[]): TableRow[] {
  return results.map((result) => {
    const base = results.find((other) => other.runtime === result.runtime && other.id === result.baseline);
    const row = { rate: 1e9 / result.avg, p50: result.p50, p99: result.p99, cpu: null };
    const own = base === result || !base;
    return {
      group: result.group,
      label: result.label,
      rateUnit: 'op/s',
      ...row,
      ratio: own ? null : ratio(row, { rate: 1e9 / base.avg, p50: base.p50, p99: base.p99, cpu: null }),
      relativeTo: own ? '' : base.label,
    };
  });
}

export function scaleRows(results: readonly ScaleResult[]): TableRow[] {
  const smallest = results[0];
  return results.flatMap((result) =>
    (['hit', 'miss'] as const).map((kind): TableRow => {
      const timing = result[kind];
      const base = smallest?.[kind];
      const row = { rate: 1e9 / timing.avg, p50: timing.p50, p99: timing.p99, cpu: null };
      const own = result === smallest || !base;
      const label = (tokens: number) => `verify() ${kind === 'hit' ? 'known' : 'unknown'}, ${tokens.toLocaleString('en')} tokens`;
      return {
        group: 'scale (libSQL file, in-process)',
        label: label(result.tokens),
        rateUnit: 'op/s',
        ...row,
        ratio: own ? null : ratio(row, { rate: 1e9 / base.avg, p50: base.p50, p99: base.p99, cpu: null }),
        relativeTo: own || !smallest ? '' : label(smallest.tokens),
      };
    }),
  );
}

function formatTime(ns: number | null): string {
  if (ns === null) return '';
  if (!Number.isFinite(ns)) return '-';
  if (ns < 1e3) return `${ns.toFixed(0)} ns`;
  if (ns < 1e6) return `${(ns / 1e3).toFixed(ns < 1e4 ? 2 : 1)} µs`;
  if (ns < 1e9) return `${(ns / 1e6).toFixed(ns < 1e7 ? 2 : 1)} ms`;
  return `${(ns / 1e9).toFixed(2)} s`;
}

function formatRate(rate: number, unit: string): string {
  if (!Number.isFinite(rate)) return '-';
  const digits = rate < 10 ? 1 : 0;
  return `${rate.toLocaleString('en', { maximumFractionDigits: digits, minimumFractionDigits: digits })} ${unit}`;
}

const formatRatio = (value: number | null | undefined) => (value === undefined || value === null || !Number.isFinite(value) ? '' : `${value.toFixed(2)}x`);

/** The table as aligned plain text: a heading line per group, then its rows. */
export function formatTable(rows: readonly TableRow[]): string {
  const header = ['', 'rate', 'p50', 'p99', 'cpu/req', 'x rate', 'x p50', 'x p99', 'x cpu', 'ratios against'];
  const body = rows.map((row) => [
    `  ${row.label}${row.warning ? ` (! ${row.warning})` : ''}`,
    formatRate(row.rate, row.rateUnit),
    formatTime(row.p50),
    formatTime(row.p99),
    formatTime(row.cpu),
    formatRatio(row.ratio?.rate),
    formatRatio(row.ratio?.p50),
    formatRatio(row.ratio?.p99),
    formatRatio(row.ratio?.cpu),
    row.relativeTo,
  ]);
  const widths = header.map((title, column) => Math.max(title.length, ...body.map((cells) => cells[column]!.length)));
  // Text columns are left-aligned, figures right-aligned.
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, column) => (column === 0 || column === cells.length - 1 ? cell.padEnd(widths[column]!) : cell.padStart(widths[column]!)))
      .join('  ')
      .trimEnd();
  const out = [line(header), '-'.repeat(line(header).length)];
  let group = '';
  rows.forEach((row, index) => {
    if (row.group !== group) {
      group = row.group;
      out.push(row.group);
    }
    out.push(line(body[index]!));
  });
  return out.join('\n');
}
