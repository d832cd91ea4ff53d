import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalJson, HOUR } from '@knsim/core';
import { Float64Histogram } from 'hdr-histogram-js';
import { LatencyHistogram, type SignificantDigits } from '../../src/metrics/LatencyHistogram.js';

const PERCENTILES = [0, 1, 25, 50, 90, 99, 99.9, 100];

// The exact percentile HdrHistogram approximates: the value at rank max(1, ceil(p/100 · n)).
function reference(sorted: readonly number[], p: number): number {
  const rank = Math.max(1, Math.ceil((p * sorted.length) / 100 - 1e-7));
  return sorted[rank - 1]!;
}

const latency = fc.oneof(
  fc.integer({ min: 0, max: 2_000 }),
  fc.integer({ min: 0, max: 200_000 }),
  fc.integer({ min: 0, max: HOUR }),
);

describe('LatencyHistogram', () => {
  it('records and summarizes a small example exactly', () => {
    const h = new LatencyHistogram();
    for (const us of [120, 250, 250, 900, 40_000]) h.record(us);
    expect(h.count).toBe(5);
    expect(h.percentile(50)).toBe(250);
    expect(h.min).toBe(120);
    expect(h.max).toBe(40_000);
    expect(h.mean).toBe(41_520 / 5);
    expect(h.summary()).toEqual({
      count: 5,
      min: 120,
      mean: 8304,
      p50: 250,
      p90: 40_000,
      p99: 40_000,
      p999: 40_000,
      max: 40_000,
    });
  });

  it('is NaN (methods) or null (JSON) when empty', () => {
    const h = new LatencyHistogram();
    expect(h.count).toBe(0);
    expect(h.percentile(50)).toBeNaN();
    expect(h.mean).toBeNaN();
    expect(h.summary()).toEqual({
      count: 0,
      min: null,
      mean: null,
      p50: null,
      p90: null,
      p99: null,
      p999: null,
      max: null,
    });
    expect(() => canonicalJson(h.toJSON())).not.toThrow();
  });

  it('rejects negative, fractional and non-finite latencies and bad percentiles', () => {
    const h = new LatencyHistogram();
    expect(() => h.record(-1)).toThrow(RangeError);
    expect(() => h.record(1.5)).toThrow(RangeError);
    expect(() => h.record(NaN)).toThrow(RangeError);
    h.record(1);
    expect(() => h.percentile(101)).toThrow(RangeError);
    expect(() => h.percentile(-1)).toThrow(RangeError);
  });

  for (const [digits, counts] of [
    [3, 'float64'],
    [2, 'int32'],
  ] as const) {
    it(`percentiles match a sorted reference within 10^-${digits} (${counts}, seed ${200 + digits})`, () => {
      fc.assert(
        fc.property(fc.array(latency, { minLength: 1, maxLength: 3000 }), (values) => {
          const h = new LatencyHistogram({ significantDigits: digits as SignificantDigits, counts });
          for (const value of values) h.record(value);
          const sorted = values.slice().sort((a, b) => a - b);
          for (const p of PERCENTILES) {
            const exact = reference(sorted, p);
            const got = h.percentile(p);
            expect(got).toBeGreaterThanOrEqual(p === 0 ? sorted[0]! : exact);
            expect(got).toBeLessThanOrEqual(exact + exact * 10 ** -digits);
          }
          expect(h.count).toBe(values.length);
          expect(h.min).toBe(sorted[0]);
          expect(h.max).toBe(sorted.at(-1));
          expect(h.percentile(100)).toBe(sorted.at(-1));
          expect(h.mean).toBeCloseTo(values.reduce((a, b) => a + b, 0) / values.length, 6);
        }),
        { seed: 200 + digits, numRuns: 100 },
      );
    });
  }

  it('the integer fast path buckets exactly like hdr-histogram-js recordValue (seed 212)', () => {
    fc.assert(
      fc.property(
        fc.constantFrom<SignificantDigits>(1, 2, 3, 4),
        fc.array(fc.oneof(latency, fc.constantFrom(0, 1, 2047, 2048, 2 ** 31, 2 ** 32 - 1)), {
          maxLength: 400,
        }),
        (digits, values) => {
          const ours = new LatencyHistogram({ significantDigits: digits, highest: 2 ** 33 });
          expect(ours.fastPath).toBe(true);
          const library = new Float64Histogram(1, 2, digits);
          library.autoResize = true;
          for (const value of values) {
            ours.record(value);
            library.recordValue(value);
          }
          const buckets: [number, number][] = [];
          for (let i = 0; i < library.countsArrayLength; i++) {
            const count = library.getCountAtIndex(i);
            if (count > 0) buckets.push([library.valueFromIndex(i), count]);
          }
          expect(ours.toJSON().buckets).toEqual(buckets);
          expect(ours.count).toBe(library.totalCount);
          for (const p of PERCENTILES) {
            if (values.length > 0) {
              const expected = Math.min(Math.max(library.getValueAtPercentile(p), ours.min), ours.max);
              expect(ours.percentile(p)).toBe(expected);
            }
          }
        },
      ),
      { seed: 212, numRuns: 150 },
    );
  });

  it('recordMany equals recording each value, whatever the sizes, clamping and ranges (seed 213)', () => {
    fc.assert(
      fc.property(
        fc.constantFrom<SignificantDigits>(1, 2, 3),
        fc.constantFrom<'float64' | 'int32'>('float64', 'int32'),
        fc.array(
          fc.array(fc.oneof(latency, fc.constantFrom(0, 1, 2048, HOUR + 1, 2 ** 33)), { maxLength: 60 }),
          {
            maxLength: 8,
          },
        ),
        (digits, counts, batches) => {
          const one = new LatencyHistogram({ significantDigits: digits, counts });
          const many = new LatencyHistogram({ significantDigits: digits, counts });
          for (const batch of batches) {
            for (const value of batch) one.record(value);
            // Some padding around the range: only [from, to) is read.
            const padded = new Float64Array([-1, ...batch, -1]);
            many.recordMany(padded, 1, batch.length + 1);
          }
          expect(canonicalJson(many.toJSON())).toBe(canonicalJson(one.toJSON()));
          expect(many.clamped).toBe(one.clamped);
        },
      ),
      { seed: 213, numRuns: 200 },
    );
  });

  it('recordMany records nothing from a batch with an invalid value', () => {
    const h = new LatencyHistogram();
    h.recordMany([5, 7]);
    expect(() => h.recordMany([9, -1, 11])).toThrow(RangeError);
    expect(() => h.recordMany([9, 1.5])).toThrow(RangeError);
    expect(h.summary()).toMatchObject({ count: 2, min: 5, max: 7, mean: 6 });
  });

  it('takes the fast path at 5 digits too', () => {
    const h = new LatencyHistogram({ significantDigits: 5 });
    expect(h.fastPath).toBe(true);
    for (const value of [0, 1, 99_999, 100_000, 262_143, 262_144, 1_000_003, HOUR]) h.record(value);
    expect(h.percentile(50)).toBe(100_000);
    expect(h.percentile(62.5)).toBe(262_143);
    expect(h.percentile(87.5)).toBeGreaterThanOrEqual(1_000_003);
    expect(h.percentile(87.5)).toBeLessThanOrEqual(1_000_003 * (1 + 1e-5));
  });

  it('merge equals recording everything into one histogram (seed 210)', () => {
    fc.assert(
      fc.property(
        fc.array(latency, { maxLength: 500 }),
        fc.array(latency, { maxLength: 500 }),
        (left, right) => {
          const all = new LatencyHistogram();
          const a = new LatencyHistogram();
          const b = new LatencyHistogram();
          for (const value of left) {
            a.record(value);
            all.record(value);
          }
          for (const value of right) {
            b.record(value);
            all.record(value);
          }
          const before = b.toJSON();
          expect(a.merge(b).toJSON()).toEqual(all.toJSON());
          expect(b.toJSON()).toEqual(before);
        },
      ),
      { seed: 210, numRuns: 100 },
    );
  });

  it('round-trips through JSON and clones (seed 211)', () => {
    fc.assert(
      fc.property(fc.array(latency, { maxLength: 500 }), (values) => {
        const h = new LatencyHistogram();
        for (const value of values) h.record(value);
        const json = JSON.parse(JSON.stringify(h)) as ReturnType<LatencyHistogram['toJSON']>;
        expect(LatencyHistogram.fromJSON(json).toJSON()).toEqual(h.toJSON());
        expect(h.clone().toJSON()).toEqual(h.toJSON());
        expect(canonicalJson(h.toJSON())).toBe(canonicalJson(LatencyHistogram.fromJSON(json).toJSON()));
      }),
      { seed: 211, numRuns: 60 },
    );
  });

  it('JSON buckets are sparse and sum to the count', () => {
    const h = new LatencyHistogram();
    for (let i = 0; i < 1000; i++) h.record(5000);
    h.record(7);
    const json = h.toJSON();
    expect(json.buckets).toEqual([
      [7, 1],
      [5000, 1000],
    ]);
    expect(json).toMatchObject({
      unit: 'us',
      significantDigits: 3,
      highest: HOUR,
      count: 1001,
      sum: 5_000_007,
    });
  });

  it('clamps values above the highest trackable value but keeps min/max/mean exact', () => {
    const h = new LatencyHistogram({ highest: 10_000 });
    h.record(100);
    h.record(50_000);
    expect(h.clamped).toBe(1);
    expect(h.max).toBe(50_000);
    expect(h.mean).toBe(25_050);
    expect(h.percentile(100)).toBeGreaterThanOrEqual(10_000);
    expect(h.percentile(100)).toBeLessThanOrEqual(50_000);
    const big = new LatencyHistogram();
    big.record(2 * HOUR);
    expect(big.clamped).toBe(1);
  });

  it('reset forgets everything', () => {
    const h = new LatencyHistogram();
    h.record(42);
    h.reset();
    expect(h.count).toBe(0);
    expect(h.toJSON().buckets).toEqual([]);
    h.record(7);
    expect(h.summary()).toMatchObject({ count: 1, min: 7, max: 7, p50: 7 });
  });

  it('records a million values quickly (the hot path stays O(1))', () => {
    const h = new LatencyHistogram();
    let x = 12345;
    for (let i = 0; i < 1_000_000; i++) {
      x = (x * 1103515245 + 12345) % 2147483648;
      h.record(x % 5_000_000);
    }
    expect(h.count).toBe(1_000_000);
    expect(h.percentile(50)).toBeGreaterThan(2_000_000);
    expect(h.percentile(50)).toBeLessThan(3_000_000);
  });
});

describe('LatencyHistogram expectedMax', () => {
  it('only sizes the counts: the same values give the same statistics and JSON (seed 5150)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 2 * HOUR }), { maxLength: 200 }),
        fc.integer({ min: 0, max: 3 * HOUR }),
        fc.constantFrom<'int32' | 'float64'>('int32', 'float64'),
        fc.constantFrom<SignificantDigits>(1, 2, 3),
        (values, expectedMax, counts, significantDigits) => {
          const grown = new LatencyHistogram({ significantDigits, counts });
          const sized = new LatencyHistogram({ significantDigits, counts, expectedMax });
          for (const value of values) {
            grown.record(value);
            sized.record(value);
          }
          expect(canonicalJson(sized.toJSON())).toBe(canonicalJson(grown.toJSON()));
          expect(sized.percentile(99.9)).toBe(grown.percentile(99.9));
        },
      ),
      { seed: 5150, numRuns: 200 },
    );
  });
});
