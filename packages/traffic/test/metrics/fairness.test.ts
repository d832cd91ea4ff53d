import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  binomialCdf,
  binomialSurvival,
  chiSquareSurvival,
  regularizedGammaP,
  regularizedGammaQ,
} from '../../src/metrics/distributions.js';
import {
  binomialCheck,
  binomialQuantileBounds,
  chiSquareCheck,
  chiSquareCriticalValue,
  chiSquareStatistic,
  coefficientOfVariation,
  fairnessReport,
  jainIndex,
  maxOverMean,
  roundRobinBound,
  smoothWrrCheck,
} from '../../src/metrics/fairness.js';

const relativeError = (actual: number, expected: number) => Math.abs(actual - expected) / Math.abs(expected);

describe('fairness indices', () => {
  it('Jain is 1 for equal counts and 1/k for one-hot', () => {
    expect(jainIndex([7, 7, 7, 7])).toBe(1);
    expect(jainIndex([0, 0, 12, 0, 0])).toBeCloseTo(1 / 5, 15);
    expect(jainIndex([0, 0, 0])).toBe(1);
    expect(jainIndex([])).toBe(1);
  });

  it('max/mean, CV and the report agree on small cases', () => {
    expect(maxOverMean([5, 10, 15])).toBe(1.5);
    expect(maxOverMean([0, 0])).toBe(1);
    expect(coefficientOfVariation([5, 15])).toBe(0.5);
    expect(coefficientOfVariation([4, 4, 4])).toBe(0);
    const report = fairnessReport([10, 10, 20]);
    expect(report).toMatchObject({ backends: 3, total: 40, min: 10, max: 20 });
    expect(report.jain).toBeCloseTo(1600 / 1800, 15);
    expect(fairnessReport([])).toEqual({
      backends: 0,
      total: 0,
      min: 0,
      max: 0,
      mean: 0,
      jain: 1,
      maxOverMean: 1,
      cv: 0,
    });
    expect(() => jainIndex([1, -1])).toThrow(RangeError);
    expect(() => jainIndex([1, NaN])).toThrow(RangeError);
  });

  const counts = fc
    .array(fc.nat(100_000), { minLength: 1, maxLength: 50 })
    .filter((c) => c.some((x) => x > 0));

  it('J = 1/(1+CV²) = 1/(1+X²/N) for any counts (seed 101)', () => {
    fc.assert(
      fc.property(counts, (c) => {
        const n = c.reduce((a, b) => a + b, 0);
        const jain = jainIndex(c);
        const cv = coefficientOfVariation(c);
        expect(jain).toBeCloseTo(1 / (1 + cv * cv), 12);
        expect(jain).toBeCloseTo(1 / (1 + chiSquareStatistic(c) / n), 12);
        expect(jain).toBeGreaterThanOrEqual(1 / c.length - 1e-12);
        expect(jain).toBeLessThanOrEqual(1 + 1e-12);
      }),
      { seed: 101, numRuns: 300 },
    );
  });

  it('chi-square statistic against weighted shares', () => {
    expect(chiSquareStatistic([90, 110])).toBe(2);
    expect(chiSquareStatistic([100, 300], [1, 3])).toBe(0);
    expect(chiSquareStatistic([1, 3], [0, 1])).toBe(Infinity);
    expect(chiSquareStatistic([0, 3], [0, 1])).toBe(0);
    expect(() => chiSquareStatistic([1, 2], [1])).toThrow(RangeError);
  });
});

describe('chi-square distribution', () => {
  // References: 50-digit mpmath, solving gammainc(dof/2, x/2, inf, regularized=True) = alpha.
  const table: [dof: number, alpha: number, critical: number][] = [
    [1, 0.05, 3.841458820694126],
    [9, 0.05, 16.91897760462045],
    [9, 0.01, 21.665994333461924],
    [3, 0.5, 2.365973884375338],
    [0.5, 0.1, 1.5007857444736712],
    [1, 1e-9, 37.32489305136233],
    [2, 1e-9, 41.44653167389282],
    [9, 1e-9, 60.6603083737724],
    [10, 1e-9, 62.94545742055857],
    [99, 1e-9, 207.89752083721038],
    [999, 1e-9, 1290.8239141889294],
    [9, 1e-15, 91.05447017059734],
  ];

  it.each(table)('critical value dof %d alpha %d is %d', (dof, alpha, critical) => {
    expect(relativeError(chiSquareCriticalValue(dof, alpha), critical)).toBeLessThan(1e-11);
  });

  it('agrees with table values to the printed digits', () => {
    expect(chiSquareCriticalValue(9, 0.05).toFixed(3)).toBe('16.919');
    expect(chiSquareCriticalValue(1, 0.05).toFixed(3)).toBe('3.841');
  });

  it('matches closed forms: even dof is a Poisson tail, dof 2 is exp(-x/2) (seed 102)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 40 }),
        fc.double({ min: 0.01, max: 400, noNaN: true }),
        (half, x) => {
          // Q(k, x/2) = e^{-x/2} Σ_{j<k} (x/2)^j / j!, summed in log space.
          const m = x / 2;
          let sum = 0;
          let logTerm = -m;
          for (let j = 0; j < half; j++) {
            sum += Math.exp(logTerm);
            logTerm += Math.log(m) - Math.log(j + 1);
          }
          const q = chiSquareSurvival(x, 2 * half);
          expect(relativeError(q, sum)).toBeLessThan(1e-11);
          expect(regularizedGammaP(half, m) + regularizedGammaQ(half, m)).toBeCloseTo(1, 14);
        },
      ),
      { seed: 102, numRuns: 300 },
    );
    expect(chiSquareSurvival(40, 2)).toBeCloseTo(Math.exp(-20), 20);
    expect(relativeError(chiSquareSurvival(60, 2), Math.exp(-30))).toBeLessThan(1e-13);
  });

  it('the critical value inverts the survival function (seed 103)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 500 }),
        fc.double({ min: -12, max: -0.01, noNaN: true }),
        (dof, logAlpha) => {
          const alpha = 10 ** logAlpha;
          const x = chiSquareCriticalValue(dof, alpha);
          expect(relativeError(chiSquareSurvival(x, dof), alpha)).toBeLessThan(1e-9);
        },
      ),
      { seed: 103, numRuns: 200 },
    );
  });

  it('rejects bad arguments', () => {
    expect(() => chiSquareCriticalValue(0, 0.05)).toThrow(RangeError);
    expect(() => chiSquareCriticalValue(3, 0)).toThrow(RangeError);
    expect(() => chiSquareCriticalValue(3, 1)).toThrow(RangeError);
  });
});

describe('binomial bounds', () => {
  it('reproduces the worked example: k=10, N=10^4, delta=1e-9 gives [812, 1199]', () => {
    expect(binomialQuantileBounds(10_000, 0.1, 1e-9, 10)).toEqual([812, 1199]);
    // And the interval is tight: one step in on either side breaks the tail budget.
    const tail = 1e-9 / 20;
    expect(binomialCdf(811, 10_000, 0.1)).toBeLessThanOrEqual(tail);
    expect(binomialCdf(812, 10_000, 0.1)).toBeGreaterThan(tail);
    expect(binomialSurvival(1199, 10_000, 0.1)).toBeLessThanOrEqual(tail);
    expect(binomialSurvival(1198, 10_000, 0.1)).toBeGreaterThan(tail);
  });

  it('tail probabilities match 40-digit exact sums', () => {
    // mpmath: Σ C(n, j) p^j (1-p)^(n-j) at 40 digits; scipy.stats.binom agrees.
    expect(relativeError(binomialCdf(811, 10_000, 0.1), 4.89422652563203e-11)).toBeLessThan(1e-9);
    expect(relativeError(binomialCdf(812, 10_000, 0.1), 6.184653637821483e-11)).toBeLessThan(1e-9);
    expect(relativeError(binomialSurvival(1199, 10_000, 0.1), 4.802632937312988e-11)).toBeLessThan(1e-9);
    expect(relativeError(binomialSurvival(1198, 10_000, 0.1), 5.916958454883432e-11)).toBeLessThan(1e-9);
    expect(binomialCdf(5, 10, 0.5)).toBeCloseTo(638 / 1024, 15);
    expect(binomialSurvival(5, 10, 0.5)).toBeCloseTo(386 / 1024, 15);
  });

  // References: scipy.stats.binom.ppf(t, n, p) and isf(t, n, p) with t = delta / (2k), checked
  // against exact 40-digit sums where n <= 10^4.
  const table: [n: number, p: number, delta: number, k: number, lo: number, hi: number][] = [
    [1000, 0.5, 0.05, 2, 465, 535],
    [10_000, 0.1, 1e-6, 10, 844, 1163],
    [10_000, 0.1, 1e-3, 10, 885, 1119],
    [100, 0.3, 0.01, 1, 19, 42],
    [1_000_000, 0.25, 1e-9, 4, 247_264, 252_743],
    [10_000_000, 0.001, 1e-9, 1000, 9296, 10_721],
    [50, 0.02, 1e-9, 50, 0, 13],
  ];

  it.each(table)('n=%d p=%d delta=%d k=%d gives [%d, %d]', (n, p, delta, k, lo, hi) => {
    expect(binomialQuantileBounds(n, p, delta, k)).toEqual([lo, hi]);
  });

  it('edge cases: p = 0, p = 1, n = 0', () => {
    expect(binomialQuantileBounds(100, 0, 1e-9, 3)).toEqual([0, 0]);
    expect(binomialQuantileBounds(100, 1, 1e-9, 3)).toEqual([100, 100]);
    expect(binomialQuantileBounds(0, 0.5, 1e-9, 3)).toEqual([0, 0]);
    expect(() => binomialQuantileBounds(10, 0.5, 0, 1)).toThrow(RangeError);
    expect(() => binomialQuantileBounds(10, 0.5, 0.1, 0)).toThrow(RangeError);
  });

  it('contains the mean, holds the budget and widens as delta shrinks (seed 104)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 200_000 }),
        fc.integer({ min: 2, max: 64 }),
        fc.integer({ min: 2, max: 11 }),
        (n, k, exponent) => {
          const p = 1 / k;
          const delta = 10 ** -exponent;
          const [lo, hi] = binomialQuantileBounds(n, p, delta, k);
          expect(lo).toBeLessThanOrEqual(n * p);
          expect(hi).toBeGreaterThanOrEqual(n * p);
          const tail = delta / (2 * k);
          expect(lo === 0 || binomialCdf(lo - 1, n, p) <= tail).toBe(true);
          expect(binomialSurvival(hi, n, p) <= tail).toBe(true);
          const [wideLo, wideHi] = binomialQuantileBounds(n, p, delta / 1000, k);
          expect(wideLo).toBeLessThanOrEqual(lo);
          expect(wideHi).toBeGreaterThanOrEqual(hi);
        },
      ),
      { seed: 104, numRuns: 150 },
    );
  });

  it('binomialCheck and chiSquareCheck accept even counts and reject a skewed one', () => {
    const even = [1000, 990, 1010, 1005, 995, 1003, 997, 1001, 999, 1000];
    expect(binomialCheck(even, 1e-9).holds).toBe(true);
    expect(chiSquareCheck(even, 1e-9).holds).toBe(true);
    const skewed = [1300, 900, 900, 900, 900, 1000, 1000, 1000, 1000, 1100];
    const binomial = binomialCheck(skewed, 1e-9);
    expect(binomial.holds).toBe(false);
    expect(binomial.detail).toContain('backend 0 got 1300');
    expect(chiSquareCheck(skewed, 1e-9).holds).toBe(false);
    expect(binomialCheck([3000, 1000], 1e-9, [3, 1]).holds).toBe(true);
    expect(binomialCheck([], 1e-9).holds).toBe(true);
  });
});

describe('deterministic policy bounds', () => {
  it('round robin: max - min <= schedulers', () => {
    expect(roundRobinBound([4, 3, 3]).holds).toBe(true);
    const check = roundRobinBound([5, 3, 3]);
    expect(check).toMatchObject({ holds: false, observed: 2, bound: 1 });
    expect(roundRobinBound([5, 3, 3], 2).holds).toBe(true);
  });

  it('round robin from R uncoordinated schedulers stays within R (seed 105)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 20 }),
        fc.array(fc.tuple(fc.nat(100), fc.nat(1000)), { minLength: 1, maxLength: 8 }),
        (k, schedulers) => {
          const counts = new Array<number>(k).fill(0);
          for (const [start, picks] of schedulers) {
            for (let i = 0; i < picks; i++) counts[(start + i) % k]! += 1;
          }
          expect(roundRobinBound(counts, schedulers.length).holds).toBe(true);
        },
      ),
      { seed: 105, numRuns: 200 },
    );
  });

  // nginx's smooth weighted round robin, the reference the check is written against.
  function smoothWrr(weights: readonly number[], picks: number): number[] {
    const current = weights.map(() => 0);
    const total = weights.reduce((a, b) => a + b, 0);
    const out: number[] = [];
    for (let n = 0; n < picks; n++) {
      let best = -1;
      for (let i = 0; i < weights.length; i++) {
        current[i]! += weights[i]!;
        if (weights[i]! > 0 && (best < 0 || current[i]! > current[best]!)) best = i;
      }
      current[best]! -= total;
      out.push(best);
    }
    return out;
  }

  it('smooth WRR: nginx sequences pass, perturbed ones fail (seed 106)', () => {
    expect(smoothWrr([4, 2, 1], 7)).toEqual([0, 1, 0, 2, 0, 1, 0]);
    expect(smoothWrrCheck([0, 1, 0, 2, 0, 1, 0], [4, 2, 1]).holds).toBe(true);
    fc.assert(
      fc.property(
        fc
          .array(fc.integer({ min: 0, max: 6 }), { minLength: 1, maxLength: 6 })
          .filter((w) => w.some((x) => x > 0)),
        fc.integer({ min: 0, max: 200 }),
        fc.nat(),
        (weights, length, where) => {
          const picks = smoothWrr(weights, length);
          expect(smoothWrrCheck(picks, weights).holds).toBe(true);
          const period = weights.reduce((a, b) => a + b, 0);
          const nonzero = weights.filter((w) => w > 0).length;
          if (picks.length >= period && nonzero > 1) {
            // Swap one pick in the first complete block for another backend: that block breaks.
            const at = where % period;
            const other = weights.findIndex((w, i) => w > 0 && i !== picks[at]);
            const broken = picks.slice();
            broken[at] = other;
            expect(smoothWrrCheck(broken, weights).holds).toBe(false);
          }
        },
      ),
      { seed: 106, numRuns: 300 },
    );
  });

  it('smooth WRR with named backends, unknown picks and partial blocks', () => {
    const weights = new Map([
      ['a', 2],
      ['b', 1],
    ]);
    expect(smoothWrrCheck(['a', 'b', 'a', 'a'], weights).holds).toBe(true);
    expect(smoothWrrCheck(['a', 'b', 'a', 'b', 'b'], weights).holds).toBe(false);
    const unknown = smoothWrrCheck(['a', 'c', 'a'], weights);
    expect(unknown.holds).toBe(false);
    expect(unknown.detail).toContain('no weight');
    expect(() => smoothWrrCheck([0], [0, 0])).toThrow(RangeError);
  });
});
