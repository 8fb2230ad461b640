/** Durations as people type them on a command line: `90s`, `15m`, `12h`, `30d`. */

const UNIT_MS = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;
const DURATION = /^([1-9][0-9]{0,8})([smhd])$/;

/** Milliseconds in `text` (a positive whole number and one of s, m, h, d), or null. */
export function parseDuration(text: string): number | null {
  const match = DURATION.exec(text);
  if (!match) return null;
  const [, amount = '', unit = 's'] = match;
  return Number(amount) * UNIT_MS[unit as keyof typeof UNIT_MS];
}
