/**
 * Fairness as a property with an honest bound. Load-balancing tests should not assert "looks
 * even": each policy has a provable bound, and these functions state and check it.
 *
 * - Indices: Jain's index J = (Σx)² / (n Σx²) = 1 / (1 + CV²) = 1 / (1 + X²/N), so a chi-square
 *   bound is a Jain bound; max/mean; coefficient of variation.
 * - Deterministic policies: round robin from R uncoordinated schedulers keeps max - min <= R;
 *   smooth weighted round robin puts exactly w_i picks of backend i in every block of Σw picks.
 * - Random policies: every backend's count lies inside exact binomial quantiles at a
 *   Bonferroni-split failure budget delta (delta / (2k) per tail), or Pearson's X² stays below its
 *   critical value. With a fixed seed such a test is deterministic; over random seeds it fails
 *   falsely with probability at most delta.
 *
 * All functions take plain count arrays; a backend that received nothing must appear as a 0
 * (see `BackendCounters.counts`), or the test silently ignores it.
 *
 * @module
 */
import { binomialCdf, binomialSurvival, chiSquareSurvival } from './distributions.js';

/** The outcome of checking a bound: whether it holds, what was observed, and a readable reason. */
export interface FairnessCheck {
  readonly holds: boolean;
  /** The quantity the bound limits (a spread, a statistic, a count of violations). */
  readonly observed: number;
  /** The limit `observed` is compared with. */
  readonly bound: number;
  /** One line saying what was checked and, when it fails, the first violation. */
  readonly detail: string;
}

/** Jain's index, max/mean and coefficient of variation of one set of per-backend counts. */
export interface FairnessReport {
  readonly backends: number;
  readonly total: number;
  readonly min: number;
  readonly max: number;
  readonly mean: number;
  readonly jain: number;
  readonly maxOverMean: number;
  readonly cv: number;
}

/** Interval [lo, hi] of counts accepted for one backend; counts outside it fail the test. */
export type BinomialBounds = readonly [lo: number, hi: number];

// No backends at all is treated like all-zero counts: nothing was shared unfairly, so reports of
// a workload that never reached a backend need no special case.
function checkCounts(name: string, counts: readonly number[]): void {
  for (const count of counts) {
    if (!(count >= 0) || !Number.isFinite(count)) {
      throw new RangeError(`${name}: count ${count} is not a finite non-negative number`);
    }
  }
}

function sum(values: readonly number[]): number {
  let total = 0;
  for (const value of values) total += value;
  return total;
}

// Loops, not Math.max(...values): spreading thousands of backends can overflow the call stack.
function largest(values: readonly number[]): number {
  let max = -Infinity;
  for (const value of values) if (value > max) max = value;
  return max;
}

function smallest(values: readonly number[]): number {
  let min = Infinity;
  for (const value of values) if (value < min) min = value;
  return min;
}

/**
 * Jain's fairness index (Σx)² / (n Σx²): 1 when all counts are equal, 1/n when one backend gets
 * everything. All-zero counts (and no backends at all) are perfectly even and give 1.
 *
 * @example
 * ```ts
 * jainIndex([10, 10, 10]); // 1
 * jainIndex([30, 0, 0]); // 1/3
 * ```
 */
export function jainIndex(counts: readonly number[]): number {
  checkCounts('jainIndex', counts);
  let total = 0;
  let squares = 0;
  for (const count of counts) {
    total += count;
    squares += count * count;
  }
  return squares === 0 ? 1 : (total * total) / (counts.length * squares);
}

/**
 * The busiest backend's count over the mean count (1 when even, n when one-hot); all-zero gives 1.
 *
 * @example
 * ```ts
 * maxOverMean([5, 10, 15]); // 1.5
 * ```
 */
export function maxOverMean(counts: readonly number[]): number {
  checkCounts('maxOverMean', counts);
  const mean = counts.length === 0 ? 0 : sum(counts) / counts.length;
  return mean === 0 ? 1 : largest(counts) / mean;
}

/**
 * Coefficient of variation: the population standard deviation (divide by n, not n - 1) over the
 * mean. Population, because that is what makes J = 1 / (1 + CV²) exact. All-zero gives 0.
 *
 * @example
 * ```ts
 * coefficientOfVariation([5, 15]); // 0.5
 * ```
 */
export function coefficientOfVariation(counts: readonly number[]): number {
  checkCounts('coefficientOfVariation', counts);
  const mean = counts.length === 0 ? 0 : sum(counts) / counts.length;
  if (mean === 0) return 0;
  let squares = 0;
  for (const count of counts) squares += (count - mean) * (count - mean);
  return Math.sqrt(squares / counts.length) / mean;
}

function normalizedWeights(name: string, counts: readonly number[], weights?: readonly number[]): number[] {
  if (weights === undefined) return counts.map(() => 1 / counts.length);
  if (weights.length !== counts.length) {
    throw new RangeError(`${name}: ${weights.length} weights for ${counts.length} counts`);
  }
  for (const weight of weights) {
    if (!(weight >= 0) || !Number.isFinite(weight)) throw new RangeError(`${name}: bad weight ${weight}`);
  }
  const total = sum(weights);
  if (total === 0) throw new RangeError(`${name}: all weights are 0`);
  return weights.map((weight) => weight / total);
}

/**
 * Pearson's chi-square statistic X² = Σ (x_i - e_i)² / e_i of the counts against the expected
 * shares: uniform by default, or proportional to `weights` (weighted random policies). A count on
 * a backend with expected share 0 gives Infinity. For uniform shares, J = 1 / (1 + X²/N).
 *
 * @example
 * ```ts
 * chiSquareStatistic([90, 110]); // (10² + 10²) / 100 = 2
 * chiSquareStatistic([100, 300], [1, 3]); // 0
 * ```
 */
export function chiSquareStatistic(counts: readonly number[], weights?: readonly number[]): number {
  checkCounts('chiSquareStatistic', counts);
  const shares = normalizedWeights('chiSquareStatistic', counts, weights);
  const total = sum(counts);
  let statistic = 0;
  for (let i = 0; i < counts.length; i++) {
    const expected = total * (shares[i] as number);
    const observed = counts[i] as number;
    if (expected === 0) {
      if (observed > 0) return Infinity;
      continue;
    }
    statistic += ((observed - expected) * (observed - expected)) / expected;
  }
  return statistic;
}

/**
 * The chi-square critical value: the x with P(X² > x) = alpha for `dof` degrees of freedom.
 * Computed by bisecting the exact survival function (regularized incomplete gamma) to double
 * precision, so it is right at alpha = 1e-9, where the Wilson–Hilferty approximation is not.
 *
 * @example
 * ```ts
 * chiSquareCriticalValue(9, 0.05); // 16.918977604620…
 * chiSquareCriticalValue(9, 1e-9); // 60.660308373772…
 * ```
 */
export function chiSquareCriticalValue(dof: number, alpha: number): number {
  if (!(dof > 0) || !Number.isFinite(dof))
    throw new RangeError(`chiSquareCriticalValue: dof ${dof} must be positive`);
  if (!(alpha > 0 && alpha < 1))
    throw new RangeError(`chiSquareCriticalValue: alpha ${alpha} must lie in (0, 1)`);
  let lo = 0;
  let hi = Math.max(dof, 1);
  while (chiSquareSurvival(hi, dof) > alpha) {
    lo = hi;
    hi *= 2;
  }
  // The survival function decreases in x: halve [lo, hi] until the floats run out.
  for (;;) {
    const mid = lo + (hi - lo) / 2;
    if (mid <= lo || mid >= hi) return hi;
    if (chiSquareSurvival(mid, dof) > alpha) lo = mid;
    else hi = mid;
  }
}

/**
 * The exact acceptance interval [lo, hi] for one of `k` backends whose count is Binomial(n, p),
 * at total failure budget `delta` split Bonferroni-style over 2k tails: P(X < lo) <= delta/(2k)
 * and P(X > hi) <= delta/(2k), and the interval is the narrowest such (lo is the largest and hi
 * the smallest value with that property). Checking all k backends against it then fails falsely
 * with probability at most delta.
 *
 * @param n - total draws (requests or connections)
 * @param p - one backend's probability per draw (1/k for uniform random)
 * @param delta - total false-failure budget, in (0, 1)
 * @param k - number of backends checked (the Bonferroni divisor)
 *
 * @example
 * ```ts
 * binomialQuantileBounds(10_000, 0.1, 1e-9, 10); // [812, 1199]
 * ```
 */
export function binomialQuantileBounds(n: number, p: number, delta: number, k: number): BinomialBounds {
  if (!Number.isSafeInteger(n) || n < 0)
    throw new RangeError(`binomialQuantileBounds: n=${n} must be a non-negative integer`);
  if (!(p >= 0 && p <= 1)) throw new RangeError(`binomialQuantileBounds: p=${p} must lie in [0, 1]`);
  if (!(delta > 0 && delta < 1))
    throw new RangeError(`binomialQuantileBounds: delta=${delta} must lie in (0, 1)`);
  if (!Number.isSafeInteger(k) || k < 1)
    throw new RangeError(`binomialQuantileBounds: k=${k} must be a positive integer`);
  const tail = delta / (2 * k);
  // lo: the smallest x with P(X <= x) > tail, so P(X < lo) <= tail. Both tail functions are
  // monotone, so binary search over [0, n] takes log2(n) evaluations.
  let a = 0;
  let b = n;
  while (a < b) {
    const mid = Math.floor((a + b) / 2);
    if (binomialCdf(mid, n, p) > tail) b = mid;
    else a = mid + 1;
  }
  const lo = a;
  // hi: the smallest x with P(X > x) <= tail.
  a = 0;
  b = n;
  while (a < b) {
    const mid = Math.floor((a + b) / 2);
    if (binomialSurvival(mid, n, p) <= tail) b = mid;
    else a = mid + 1;
  }
  return [lo, a];
}

/**
 * Checks the round-robin bound: `schedulers` uncoordinated round-robin instances (one per node for
 * IPVS rr) leave per-backend counts differing by at most `schedulers` (one scheduler: at most 1).
 *
 * @example
 * ```ts
 * roundRobinBound([4, 3, 3], 1).holds; // true
 * roundRobinBound([5, 3, 3], 1).holds; // false: spread 2 > 1
 * ```
 */
export function roundRobinBound(counts: readonly number[], schedulers = 1): FairnessCheck {
  checkCounts('roundRobinBound', counts);
  if (!Number.isSafeInteger(schedulers) || schedulers < 1) {
    throw new RangeError(`roundRobinBound: schedulers=${schedulers} must be a positive integer`);
  }
  const max = counts.length === 0 ? 0 : largest(counts);
  const min = counts.length === 0 ? 0 : smallest(counts);
  const spread = max - min;
  const holds = spread <= schedulers;
  return {
    holds,
    observed: spread,
    bound: schedulers,
    detail: `round robin over ${counts.length} backends from ${schedulers} scheduler(s): max - min = ${max} - ${min} = ${spread} ${holds ? '<=' : '>'} ${schedulers}`,
  };
}

/**
 * Checks the smooth weighted round robin property (nginx): every aligned block of Σw consecutive
 * picks holds exactly w_i picks of backend i, and a trailing partial block at most w_i. `picks`
 * are backend indices into `weights`, or keys of a weight map. It holds for a sequence from one
 * scheduler started fresh with fixed weights.
 *
 * `observed` is the largest |picks of i in a block - w_i| seen (0 when it holds).
 *
 * @example
 * ```ts
 * smoothWrrCheck([0, 1, 0, 2, 0, 1, 0], [4, 2, 1]).holds; // true: a, b, a, c, a, b, a
 * smoothWrrCheck(['a', 'a', 'b'], new Map([['a', 2], ['b', 1]])).holds; // true
 * ```
 */
export function smoothWrrCheck(picks: readonly number[], weights: readonly number[]): FairnessCheck;
export function smoothWrrCheck<K>(picks: readonly K[], weights: ReadonlyMap<K, number>): FairnessCheck;
export function smoothWrrCheck<K>(
  picks: readonly K[],
  weights: ReadonlyMap<K, number> | readonly number[],
): FairnessCheck {
  const weightOf = new Map<unknown, number>(
    Array.isArray(weights)
      ? weights.map((weight, index) => [index, weight] as const)
      : (weights as ReadonlyMap<K, number>),
  );
  let period = 0;
  for (const [backend, weight] of weightOf) {
    if (!Number.isSafeInteger(weight) || weight < 0) {
      throw new RangeError(
        `smoothWrrCheck: weight ${weight} of ${String(backend)} must be a non-negative integer`,
      );
    }
    period += weight;
  }
  if (period === 0) throw new RangeError('smoothWrrCheck: all weights are 0');
  let worst = 0;
  let firstViolation: string | undefined;
  const inBlock = new Map<unknown, number>();
  for (let start = 0; start < picks.length; start += period) {
    const end = Math.min(start + period, picks.length);
    const complete = end - start === period;
    inBlock.clear();
    for (let i = start; i < end; i++) {
      const backend = picks[i];
      if (!weightOf.has(backend)) {
        worst = Math.max(worst, 1);
        firstViolation ??= `pick ${i} is ${String(backend)}, which has no weight`;
        continue;
      }
      inBlock.set(backend, (inBlock.get(backend) ?? 0) + 1);
    }
    for (const [backend, weight] of weightOf) {
      const got = inBlock.get(backend) ?? 0;
      const off = complete ? Math.abs(got - weight) : Math.max(0, got - weight);
      if (off > 0) {
        worst = Math.max(worst, off);
        firstViolation ??= `block ${start / period} (picks ${start}..${end - 1}) holds ${got} of ${String(backend)}, expected ${complete ? '' : 'at most '}${weight}`;
      }
    }
  }
  return {
    holds: firstViolation === undefined,
    observed: worst,
    bound: 0,
    detail:
      firstViolation ??
      `smooth WRR: all ${Math.floor(picks.length / period)} complete block(s) of ${period} picks hold exactly w_i`,
  };
}

/**
 * Checks a random policy: each backend's count lies inside {@link binomialQuantileBounds} for
 * n = Σcounts, p_i = its share (uniform, or proportional to `weights`), k = number of backends and
 * failure budget `delta`. `observed` is the number of backends outside their interval.
 *
 * @example
 * ```ts
 * binomialCheck([1000, 990, 1010, 1005, 995, 1003, 997, 1001, 999, 1000], 1e-9).holds; // true
 * ```
 */
export function binomialCheck(
  counts: readonly number[],
  delta = 1e-9,
  weights?: readonly number[],
): FairnessCheck {
  checkCounts('binomialCheck', counts);
  const shares = normalizedWeights('binomialCheck', counts, weights);
  const n = sum(counts);
  let outside = 0;
  let firstViolation: string | undefined;
  for (let i = 0; i < counts.length; i++) {
    const [lo, hi] = binomialQuantileBounds(n, shares[i] as number, delta, counts.length);
    const count = counts[i] as number;
    if (count < lo || count > hi) {
      outside++;
      firstViolation ??= `backend ${i} got ${count}, outside [${lo}, ${hi}]`;
    }
  }
  return {
    holds: outside === 0,
    observed: outside,
    bound: 0,
    detail: `binomial bounds for ${counts.length} backends, n=${n}, delta=${delta}: ${firstViolation ?? 'all inside'}`,
  };
}

/**
 * Checks a random policy with Pearson's test: X² (against uniform or `weights` shares) is at most
 * the critical value for k - 1 degrees of freedom at level `alpha`.
 *
 * @example
 * ```ts
 * chiSquareCheck([1000, 990, 1010, 1005, 995], 1e-9).holds; // true
 * ```
 */
export function chiSquareCheck(
  counts: readonly number[],
  alpha = 1e-9,
  weights?: readonly number[],
): FairnessCheck {
  const statistic = chiSquareStatistic(counts, weights);
  const dof = (weights === undefined ? counts.length : weights.filter((weight) => weight > 0).length) - 1;
  if (dof < 1) {
    return {
      holds: statistic === 0,
      observed: statistic,
      bound: 0,
      detail: `chi-square with one backend: X² = ${statistic}`,
    };
  }
  const critical = chiSquareCriticalValue(dof, alpha);
  const holds = statistic <= critical;
  return {
    holds,
    observed: statistic,
    bound: critical,
    detail: `chi-square: X² = ${statistic} ${holds ? '<=' : '>'} ${critical} (dof ${dof}, alpha ${alpha})`,
  };
}

/**
 * Jain's index, max/mean and coefficient of variation together, with the basic counts, for
 * reports.
 *
 * @example
 * ```ts
 * fairnessReport([10, 10, 20]); // { backends: 3, total: 40, min: 10, max: 20, mean: 13.33…, jain: 0.888…, … }
 * ```
 */
export function fairnessReport(counts: readonly number[]): FairnessReport {
  checkCounts('fairnessReport', counts);
  const total = sum(counts);
  const empty = counts.length === 0;
  return {
    backends: counts.length,
    total,
    min: empty ? 0 : smallest(counts),
    max: empty ? 0 : largest(counts),
    mean: empty ? 0 : total / counts.length,
    jain: jainIndex(counts),
    maxOverMean: maxOverMean(counts),
    cv: coefficientOfVariation(counts),
  };
}
