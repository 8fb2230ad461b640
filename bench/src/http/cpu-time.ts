import { readFileSync } from 'node:fs';

// /proc reports CPU time in USER_HZ ticks, which Linux fixes at 100 per second.
const MS_PER_TICK = 10;

/**
 * CPU time a process has used so far, user and system, all threads (JIT, GC and I/O
 * threads included), in milliseconds; null where there is no /proc (not Linux), in which
 * case the bench reports no CPU figures rather than wrong ones.
 */
export function processCpuMs(pid: number): number | null {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return null;
  }
  // Fields follow the command name in parentheses; utime and stime are the 14th and 15th.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) * MS_PER_TICK;
}
