import { describe, expect, it } from 'vitest';
import { describeBadIntOrPercent, resolveIntOrPercent } from '@knsim/api';

describe('resolveIntOrPercent', () => {
  it.each([
    // maxSurge rounds up, maxUnavailable rounds down, as the Deployment controller does.
    ['25%', 10, true, 3],
    ['25%', 10, false, 2],
    ['25%', 4, true, 1],
    ['25%', 4, false, 1],
    ['25%', 1, true, 1],
    ['25%', 1, false, 0],
    ['0%', 7, true, 0],
    ['100%', 7, false, 7],
    ['33%', 3, true, 1],
    [2, 100, true, 2],
    [0, 100, false, 0],
  ] as const)('%j of %i (round up: %j) is %i', (value, total, roundUp, expected) => {
    expect(resolveIntOrPercent(value, total, roundUp)).toBe(expected);
  });

  it.each([
    ['25', 'must be an integer or a percentage (e.g. 5 or 10%)'],
    ['1.5%', 'must be an integer or a percentage (e.g. 5 or 10%)'],
    ['-5%', 'must be an integer or a percentage (e.g. 5 or 10%)'],
    [-1, 'must be a non-negative integer'],
    [1.5, 'must be a non-negative integer'],
  ])('rejects %j', (value, reason) => {
    expect(describeBadIntOrPercent(value)).toBe(reason);
    expect(() => resolveIntOrPercent(value, 10, true)).toThrow(RangeError);
  });
});
