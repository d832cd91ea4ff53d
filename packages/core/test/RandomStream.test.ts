import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import seedrandom from 'seedrandom';
import { RandomStream, RandomStreams } from '@knsim/core';

const draw = (streams: RandomStreams, name: string, count = 20) =>
  Array.from({ length: count }, () => streams.stream(name).next());

describe('RandomStreams', () => {
  it('reproduces a stream from (seed, name)', () => {
    expect(draw(new RandomStreams(42), 'a')).toEqual(draw(new RandomStreams(42), 'a'));
    expect(draw(new RandomStreams(42), 'a')).not.toEqual(draw(new RandomStreams(43), 'a'));
    expect(draw(new RandomStreams(42), 'a')).not.toEqual(draw(new RandomStreams(42), 'b'));
  });

  it('numeric and string seeds of the same text agree', () => {
    expect(draw(new RandomStreams(7), 'x')).toEqual(draw(new RandomStreams('7'), 'x'));
  });

  it('adding a consumer leaves other streams unchanged (seed 99)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.string({ minLength: 1, maxLength: 8 }), { minLength: 1, maxLength: 5 }),
        (others) => {
          const alone = new RandomStreams(99);
          const expected = draw(alone, 'victim');
          const crowded = new RandomStreams(99);
          const interleaved: number[] = [];
          for (let i = 0; i < 20; i++) {
            for (const other of others) if (other !== 'victim') crowded.stream(other).next();
            interleaved.push(crowded.stream('victim').next());
          }
          expect(interleaved).toEqual(expected);
        },
      ),
      { seed: 99, numRuns: 50 },
    );
  });

  it('returns the same stream object for the same name and lists names', () => {
    const streams = new RandomStreams(1);
    expect(streams.stream('b')).toBe(streams.stream('b'));
    streams.stream('a');
    expect(streams.names()).toEqual(['a', 'b']);
  });
});

describe('RandomStream helpers', () => {
  const rng = () => new RandomStreams(5).stream('helpers');

  it('int covers [low, high] inclusive and rejects bad bounds', () => {
    const r = rng();
    const seen = new Set<number>();
    for (let i = 0; i < 2000; i++) seen.add(r.int(3, 7));
    expect([...seen].sort()).toEqual([3, 4, 5, 6, 7]);
    expect(() => r.int(5, 4)).toThrow(RangeError);
    expect(() => r.int(0.5, 4)).toThrow(RangeError);
  });

  it('exponential, normal and lognormal have the right moments', () => {
    const r = rng();
    const n = 50_000;
    let sumExp = 0;
    let sumNormal = 0;
    let sumSquares = 0;
    const logs: number[] = [];
    for (let i = 0; i < n; i++) {
      sumExp += r.exponential(2);
      const x = r.normal(1, 3);
      sumNormal += x;
      sumSquares += (x - 1) ** 2;
      logs.push(r.lognormal(Math.log(10), 0.5));
    }
    expect(sumExp / n).toBeCloseTo(2, 1);
    expect(sumNormal / n).toBeCloseTo(1, 1);
    expect(Math.sqrt(sumSquares / n)).toBeCloseTo(3, 1);
    logs.sort((a, b) => a - b);
    expect(logs[n / 2]!).toBeGreaterThan(9.7);
    expect(logs[n / 2]!).toBeLessThan(10.3);
  });

  it('normal samples follow the standard normal law: Kolmogorov-Smirnov, quantiles and the tail (10^6 draws, seed 7)', () => {
    // Φ by Abramowitz and Stegun 7.1.26 (|error| < 1.5e-7, far below the statistics' resolution).
    const cdf = (x: number): number => {
      const z = Math.abs(x) / Math.SQRT2;
      const t = 1 / (1 + 0.3275911 * z);
      const erf =
        1 -
        ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) *
          t *
          Math.exp(-z * z);
      return x >= 0 ? 0.5 * (1 + erf) : 0.5 * (1 - erf);
    };
    const r = new RandomStreams(7).stream('normal');
    const n = 1_000_000;
    const xs = new Float64Array(n);
    for (let i = 0; i < n; i++) xs[i] = r.normal();
    xs.sort();
    let d = 0;
    for (let i = 0; i < n; i++) {
      const f = cdf(xs[i]!);
      d = Math.max(d, f - i / n, (i + 1) / n - f);
    }
    // The 1% critical value of the KS statistic.
    expect(d).toBeLessThan(1.63 / Math.sqrt(n));
    const share = (test: (x: number) => boolean): number => xs.filter(test).length / n;
    // Within five standard errors of the exact shares.
    const near = (observed: number, p: number): void =>
      expect(Math.abs(observed - p)).toBeLessThan(5 * Math.sqrt((p * (1 - p)) / n));
    near(
      share((x) => x < 0),
      0.5,
    );
    near(
      share((x) => Math.abs(x) < 1),
      0.682689492,
    );
    near(
      share((x) => Math.abs(x) < 2),
      0.954499736,
    );
    // Beyond the ziggurat's base layer (3.4426...): drawn by the tail method.
    near(
      share((x) => Math.abs(x) > 3.442619855899),
      2 * (1 - cdf(3.442619855899)),
    );
    near(
      share((x) => Math.abs(x) > 4),
      6.334248e-5,
    );
  });

  it('choice, weightedChoice and shuffle', () => {
    const r = rng();
    const counts = { a: 0, b: 0, c: 0 };
    for (let i = 0; i < 30_000; i++) counts[r.weightedChoice(['a', 'b', 'c'] as const, [1, 0, 3])]++;
    expect(counts.b).toBe(0);
    expect(counts.c / counts.a).toBeGreaterThan(2.8);
    expect(counts.c / counts.a).toBeLessThan(3.2);
    expect(() => r.weightedChoice(['a'], [0])).toThrow(/all weights are 0/);
    expect(() => r.weightedChoice(['a'], [-1])).toThrow(/bad weight/);
    expect(() => r.choice([])).toThrow(/empty/);
    const items = [...Array(50).keys()];
    const shuffled = r.shuffle(items);
    expect(shuffled).not.toEqual(items);
    expect([...shuffled].sort((a, b) => a - b)).toEqual(items);
    expect(items).toEqual([...Array(50).keys()]);
  });
});

describe('RandomStream generator', () => {
  it("draws exactly seedrandom's Alea sequence for the key `seed\\0name` (fast-check seed 2024)", () => {
    fc.assert(
      fc.property(
        fc.oneof(fc.integer(), fc.string({ maxLength: 12 })),
        fc.string({ maxLength: 40, unit: 'binary' }),
        (seed, name) => {
          const ours = new RandomStream(String(seed), name);
          const reference = seedrandom.alea(`${String(seed)}\u0000${name}`);
          for (let i = 0; i < 200; i++) expect(ours.next()).toBe(reference());
        },
      ),
      { seed: 2024, numRuns: 300 },
    );
  });

  it('stays equal over a long run (10^6 draws), where the carry takes every value', () => {
    const ours = new RandomStream('1', 'kube-proxy/balancer/node-7\u0000team-3/svc-42\u0000/TCP');
    const reference = seedrandom.alea('1\u0000kube-proxy/balancer/node-7\u0000team-3/svc-42\u0000/TCP');
    let mismatches = 0;
    for (let i = 0; i < 1_000_000; i++) if (ours.next() !== reference()) mismatches++;
    expect(mismatches).toBe(0);
  });
});
