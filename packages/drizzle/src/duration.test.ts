import { describe, expect, it } from 'vitest';
import { parseDuration } from './duration.ts';

describe('parseDuration', () => {
  it('reads seconds, minutes, hours and days as milliseconds', () => {
    expect([parseDuration('90s'), parseDuration('15m'), parseDuration('12h'), parseDuration('30d')]).toEqual([
      90_000, 900_000, 43_200_000, 2_592_000_000,
    ]);
  });

  it('refuses zero, negative, fractional, unitless, unknown units and padding', () => {
    for (const text of ['0d', '-1d', '1.5h', '30', 'd', '3w', ' 3d', '3d ', '3D', '', '1234567890d']) {
      expect(parseDuration(text), text).toBeNull();
    }
  });
});
