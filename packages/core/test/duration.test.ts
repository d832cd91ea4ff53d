import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  DurationParseError,
  formatDuration,
  HOUR,
  MILLISECOND,
  MINUTE,
  parseDuration,
  SECOND,
  toDuration,
} from '@knsim/core';

describe('parseDuration', () => {
  it.each([
    ['250ms', 250 * MILLISECOND],
    ['1m30s', 90 * SECOND],
    ['2h', 2 * HOUR],
    ['1.5s', 1_500_000],
    ['10us', 10],
    ['1h2m3s4ms5us', HOUR + 2 * MINUTE + 3 * SECOND + 4 * MILLISECOND + 5],
    ['0', 0],
    [' 30s ', 30 * SECOND],
    ['1d', 24 * HOUR],
  ])('reads %s', (input, expected) => {
    expect(parseDuration(input)).toBe(expected);
  });

  it.each([
    ['', 'empty string'],
    ['30', 'missing unit after 30'],
    ['5x', 'unexpected "5x"'],
    ['-1s', 'negative'],
    ['1s1s', 'unit s appears twice'],
    ['0.5us', 'finer than one microsecond'],
    ['1 s', 'unexpected'],
    ['s', 'unexpected'],
  ])('rejects %j with a reason', (input, reason) => {
    expect(() => parseDuration(input)).toThrow(DurationParseError);
    expect(() => parseDuration(input)).toThrow(reason);
  });

  it('toDuration takes integers of microseconds and rejects fractions', () => {
    expect(toDuration(1500)).toBe(1500);
    expect(() => toDuration(1.5)).toThrow('non-negative integer');
    expect(toDuration('2s')).toBe(2 * SECOND);
  });
});

describe('formatDuration', () => {
  it.each([
    [0, '0s'],
    [90 * SECOND, '1m30s'],
    [1_500, '1.5ms'],
    [7, '7us'],
    [2 * HOUR, '2h'],
    [HOUR + 1, '1h0.000001s'],
    [1_250_000, '1.25s'],
  ])('formats %d as %s', (input, expected) => {
    expect(formatDuration(input)).toBe(expected);
  });

  it('round-trips every non-negative integer (seed 1)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 45 }), (d) => parseDuration(formatDuration(d)) === d),
      { seed: 1, numRuns: 2000 },
    );
  });
});
