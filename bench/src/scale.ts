/**
 * Verify latency as the libSQL file grows: 1 thousand, 100 thousand, 1 million tokens.
 * Bystander rows are seeded directly; the presented tokens are issued by the token service
 * and verified through it, so a lookup walks the same digest index a real one would.
 */
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { createTokenService } from '@latchkey/core';
import { openLibsqlStores } from '@latchkey/drizzle/libsql';
import { measure } from 'mitata';
import { seedTokenRows } from './seed.ts';
import { unknownToken } from './tokens.ts';

/** One size's figures; times in nanoseconds. */
export interface ScaleResult {
  readonly tokens: number;
  readonly seedMs: number;
  readonly hit: ScaleTiming;
  readonly miss: ScaleTiming;
}

export interface ScaleTiming {
  readonly avg: number;
  readonly p50: number;
  readonly p99: number;
  readonly samples: number;
}

export interface ScaleOptions {
  readonly sizes: readonly number[];
  readonly dir: string;
  readonly minTimeNs: number;
  readonly log: (line: string) => void;
}

/** Real tokens among the bystanders; verification cycles through them. */
const PRESENTED = 100;

async function timing(fn: () => unknown, minTimeNs: number): Promise<ScaleTiming> {
  const stats = await measure(fn, { min_cpu_time: minTimeNs });
  return { avg: stats.avg, p50: stats.p50, p99: stats.p99, samples: stats.samples.length };
}

export async function runScale(options: ScaleOptions): Promise<ScaleResult[]> {
  const results: ScaleResult[] = [];
  for (const size of options.sizes) {
    const path = join(options.dir, `scale-${size}.db`);
    const url = `file:${path}`;
    options.log(`scale: seeding ${size.toLocaleString('en')} tokens`);
    const seedMs = await seedTokenRows(url, size - PRESENTED);
    const stores = await openLibsqlStores({ url, migrate: false });
    try {
      const service = createTokenService({ store: stores.tokens });
      const user = await stores.users.createUser({ username: 'bench-scale', passwordHash: null });
      if (!user) throw new Error('could not create the scale user');
      const tokens: string[] = [];
      for (let i = 0; i < PRESENTED; i++) {
        const created = await service.create(user.id);
        if (!created.ok) throw new Error('could not issue a scale token');
        tokens.push(created.token);
      }
      // The first verify of each token records lastUsedAt; afterwards verification only reads.
      for (const token of tokens) {
        if (!(await service.verify(token)).ok) throw new Error('a scale token did not verify');
      }
      const missing = await unknownToken(service);
      let next = 0;
      options.log(`scale: verifying among ${size.toLocaleString('en')} tokens`);
      const hit = await timing(() => service.verify(tokens[next++ % PRESENTED]!), options.minTimeNs);
      const miss = await timing(() => service.verify(missing), options.minTimeNs);
      results.push({ tokens: size, seedMs, hit, miss });
    } finally {
      stores.close();
      await rm(path, { force: true });
      await rm(`${path}-wal`, { force: true });
      await rm(`${path}-shm`, { force: true });
    }
  }
  return results;
}
