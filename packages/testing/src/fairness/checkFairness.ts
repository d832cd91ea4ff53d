import { binomialQuantileBounds, chiSquareCheck, roundRobinBound, smoothWrrCheck } from '@knsim/traffic';
import { maglevSlotBound } from './maglevSlots.js';

/** What was counted per backend. */
export type CountKind = 'connections' | 'requests' | 'slots';

/**
 * What {@link checkFairness} checks.
 *
 * @example
 * ```ts
 * const options: CheckFairnessOptions = { policy: 'random', counts: { 'web-1': 510, 'web-2': 490 }, kind: 'connections' };
 * ```
 */
export interface CheckFairnessOptions {
  /**
   * The balancing policy, as registered (`random`, `nftables`, `rr`, `wrr`, `swrr`, `maglev`,
   * `mh`...). Adaptive (`p2c`, `least_request`, `p2c_peak_ewma`, `lc`, `wlc`, `sed`, `nq`) and
   * hashing (`sh`, `dh`, `ring_hash`) policies have no closed-form bound on counts: they throw,
   * pointing to `comparePolicies`.
   */
  readonly policy: string;
  /** Per-backend counts (a backend that got nothing must appear with 0), or counts by backend name. */
  readonly counts: readonly number[] | Readonly<Record<string, number>>;
  /** Relative weights, in the order (or with the keys) of `counts`; default equal. */
  readonly weights?: readonly number[] | Readonly<Record<string, number>>;
  /** The false-failure budget of random bounds (whole test, all backends); default 1e-9. */
  readonly failureProbability?: number;
  /** The sequence of picks (backend indices or names) of one scheduler, for an exact sequence check (rr, wrr, swrr). */
  readonly picks?: readonly (number | string)[];
  /**
   * What was counted. kube-proxy decides once per connection; requests riding on a keep-alive or
   * multiplexed connection follow it, so for random policies the honest count is connections
   * (default). `slots` for Maglev tables (see `maglevSlotCounts`).
   */
  readonly kind?: CountKind;
  /** How the counted requests used connections; with `kind: 'requests'` anything but `per-request` is refused. */
  readonly connectionMode?: 'per-request' | 'keep-alive' | 'multiplexed';
  /** Independent schedulers whose picks were summed (kube-proxy: one balancer per node); default 1. */
  readonly schedulers?: number;
  /** For random policies: exact binomial quantiles per backend (default) or Pearson's chi-square. */
  readonly test?: 'binomial' | 'chi-square';
}

/**
 * The verdict of a fairness check: whether it holds, the method, the limit and what was
 * observed, and a sentence saying what was assumed.
 *
 * @example
 * ```ts
 * const verdict: FairnessVerdict = checkFairness({ policy: 'rr', counts: [4, 3, 3] });
 * verdict.ok; // true
 * ```
 */
export interface FairnessVerdict {
  readonly ok: boolean;
  /** `round-robin`, `weighted-round-robin`, `smooth-wrr-sequence`, `maglev-slots`, `binomial`, `chi-square`, `relative`. */
  readonly method: string;
  /** The limit `observed` is compared with (a spread, 0 backends outside, a critical value, a ratio). */
  readonly bound: number;
  readonly observed: number;
  /** Per-backend accepted intervals [lo, hi], when the method has them. */
  readonly intervals?: readonly (readonly [number, number])[];
  /** The probability that the check fails although the policy is correct (0 for exact bounds). */
  readonly failureProbability: number;
  readonly explanation: string;
}

/** Thrown for a policy or count kind with no honest bound. */
export class NoFairnessBoundError extends RangeError {
  override readonly name = 'NoFairnessBoundError';
}

const RANDOM = new Set(['random', 'iptables', 'nftables']);
const ROUND_ROBIN = new Set(['rr']);
const WEIGHTED = new Set(['wrr', 'swrr']);
const MAGLEV = new Set(['maglev', 'mh']);
const ADAPTIVE = new Set(['p2c', 'least_request', 'p2c_peak_ewma', 'lc', 'wlc', 'sed', 'nq']);
const HASHING = new Set(['sh', 'dh', 'ring_hash']);

function gcd(a: number, b: number): number {
  while (b !== 0) [a, b] = [b, a % b];
  return a;
}

function named(
  counts: CheckFairnessOptions['counts'],
  weights: CheckFairnessOptions['weights'],
): { names: string[]; counts: number[]; weights: number[] | undefined } {
  if (Array.isArray(counts)) {
    const list = counts as readonly number[];
    if (weights !== undefined && !Array.isArray(weights))
      throw new RangeError('checkFairness: weights by name need counts by name');
    return {
      names: list.map((_, i) => `backend ${i}`),
      counts: [...list],
      weights: weights === undefined ? undefined : [...(weights as readonly number[])],
    };
  }
  const record = counts as Readonly<Record<string, number>>;
  const names = Object.keys(record).sort();
  if (weights !== undefined && Array.isArray(weights))
    throw new RangeError('checkFairness: counts by name need weights by name');
  const byName = weights as Readonly<Record<string, number>> | undefined;
  return {
    names,
    counts: names.map((name) => record[name] as number),
    weights: byName === undefined ? undefined : names.map((name) => byName[name] ?? 0),
  };
}

function sum(values: readonly number[]): number {
  return values.reduce((a, b) => a + b, 0);
}

function firstOutside(
  names: readonly string[],
  counts: readonly number[],
  intervals: readonly (readonly [number, number])[],
) {
  const i = counts.findIndex(
    (c, j) =>
      c < (intervals[j] as readonly [number, number])[0] ||
      c > (intervals[j] as readonly [number, number])[1],
  );
  if (i < 0) return { outside: 0, first: '' };
  const [lo, hi] = intervals[i] as readonly [number, number];
  const outside = counts.filter(
    (c, j) =>
      c < (intervals[j] as readonly [number, number])[0] ||
      c > (intervals[j] as readonly [number, number])[1],
  ).length;
  return { outside, first: `; ${names[i]} got ${counts[i]}, outside [${lo}, ${hi}]` };
}

/**
 * Checks per-backend counts against the bound the policy actually guarantees, and says which:
 *
 * - `rr` (IPVS round robin): one scheduler's counts differ by at most 1 (R schedulers: R); with
 *   `picks`, every window of k consecutive picks holds each backend once. Exact.
 * - `wrr`, `swrr`: with weights w (reduced by their gcd g, period P = Σw/g), R schedulers keep
 *   n·w_i/Σw − R·w_i/g < count_i <= n·w_i/Σw + R·w_i/g; with `picks`, every aligned block of P
 *   picks holds exactly w_i/g of backend i (`smoothWrrCheck`). Exact.
 * - `maglev`, `mh`: `counts` are table slots (`kind: 'slots'`, see `maglevSlotCounts`): each
 *   backend owns floor(M/N) or ceil(M/N) of the M = Σcounts slots ({@link maglevSlotBound}). Exact.
 * - `random`, `nftables` (iptables/nftables random choice): each backend's count lies inside its
 *   exact binomial quantiles with the failure budget split Bonferroni-style over the 2k tails
 *   (δ/(2k) each), so a correct policy fails with probability at most δ; or Pearson's X² below its
 *   critical value at level δ (`test: 'chi-square'`). Counts must be connections when requests ride
 *   on keep-alive or multiplexed connections (kube-proxy picks once per connection).
 *
 * Deterministic bounds hold for a fixed backend set; counts spanning an endpoint change mix
 * schedules and are not covered.
 *
 * @example
 * ```ts
 * checkFairness({ policy: 'rr', counts: [4, 3, 3] }).ok; // true
 * checkFairness({ policy: 'random', counts: [5050, 4950], failureProbability: 1e-9 }).ok; // true
 * checkFairness({ policy: 'maglev', counts: [3, 2, 2], kind: 'slots' }).ok; // true (M = 7)
 * ```
 */
export function checkFairness(options: CheckFairnessOptions): FairnessVerdict {
  const policy = options.policy;
  const delta = options.failureProbability ?? 1e-9;
  const schedulers = options.schedulers ?? 1;
  const { names, counts, weights } = named(options.counts, options.weights);
  if (counts.length === 0) throw new RangeError('checkFairness: no backends');
  if (ADAPTIVE.has(policy))
    throw new NoFairnessBoundError(
      `checkFairness: ${policy} is adaptive (it picks by load), so its counts have no closed-form bound; ` +
        'test a relative claim instead, e.g. comparePolicies({ policy: "p2c", counts }, { policy: "random", counts }) on the same workload and seed',
    );
  if (HASHING.has(policy))
    throw new NoFairnessBoundError(
      `checkFairness: ${policy} hashes a key, so its counts depend on the keys' distribution and have no closed-form bound`,
    );
  const kind = options.kind ?? (MAGLEV.has(policy) ? 'slots' : 'connections');
  const n = sum(counts);

  if (MAGLEV.has(policy)) {
    if (kind !== 'slots')
      throw new NoFairnessBoundError(
        `checkFairness: ${policy} picks by a hash of the key, so per-${kind === 'requests' ? 'request' : 'connection'} counts have no closed-form bound; pass the table's slot counts (maglevSlotCounts) with kind: 'slots'`,
      );
    const { min, max } = maglevSlotBound(n, counts.length);
    const intervals = counts.map(() => [min, max] as const);
    const { outside, first } = firstOutside(names, counts, intervals);
    return {
      ok: outside === 0,
      method: 'maglev-slots',
      bound: 0,
      observed: outside,
      intervals,
      failureProbability: 0,
      explanation: `Maglev table of M = ${n} slots over N = ${counts.length} equal-weight backends: each owns floor(M/N) = ${min} or ceil(M/N) = ${max} slots (exact); ${outside} outside${first}`,
    };
  }
  if (kind === 'slots')
    throw new RangeError(`checkFairness: kind 'slots' is for Maglev tables, not ${policy}`);

  if (ROUND_ROBIN.has(policy)) {
    if (options.picks !== undefined) {
      const k = counts.length;
      const picks = options.picks;
      let violation: string | undefined;
      for (let i = 0; i < picks.length && violation === undefined; i++) {
        if (i >= k && picks[i] !== picks[i - k])
          violation = `pick ${i} is ${String(picks[i])}, but pick ${i - k} was ${String(picks[i - k])}`;
        else if (i < k && picks.indexOf(picks[i] as number | string) < i)
          violation = `pick ${i} repeats ${String(picks[i])} within the first round`;
      }
      return {
        ok: violation === undefined,
        method: 'round-robin-sequence',
        bound: 0,
        observed: violation === undefined ? 0 : 1,
        failureProbability: 0,
        explanation: `round robin over ${k} backends from one scheduler: every ${k} consecutive picks hold each backend once (exact)${violation === undefined ? '' : `; ${violation}`}`,
      };
    }
    const check = roundRobinBound(counts, schedulers);
    return {
      ok: check.holds,
      method: 'round-robin',
      bound: check.bound,
      observed: check.observed,
      failureProbability: 0,
      explanation: `${check.detail} (exact: each scheduler's counts are floor or ceil of its picks / k)`,
    };
  }

  if (WEIGHTED.has(policy)) {
    const w = weights ?? counts.map(() => 1);
    if (w.length !== counts.length)
      throw new RangeError(`checkFairness: ${w.length} weights for ${counts.length} counts`);
    if (w.some((x) => !Number.isSafeInteger(x) || x < 0))
      throw new RangeError('checkFairness: weighted round robin needs non-negative integer weights');
    const g = w.reduce((a, b) => gcd(a, b), 0);
    if (g === 0) throw new RangeError('checkFairness: all weights are 0');
    const reduced = w.map((x) => x / g);
    const period = sum(reduced);
    if (options.picks !== undefined) {
      const index = new Map(names.map((name, i) => [name, i]));
      const picks = options.picks.map((pick) => (typeof pick === 'number' ? pick : (index.get(pick) ?? -1)));
      const check = smoothWrrCheck(picks, reduced);
      return {
        ok: check.holds,
        method: 'weighted-round-robin-sequence',
        bound: 0,
        observed: check.observed,
        failureProbability: 0,
        explanation: `${policy} from one fresh scheduler with weights ${w.join(', ')} (period ${period} after dividing by their gcd ${g}): ${check.detail} (exact)`,
      };
    }
    const intervals = reduced.map((wi) => {
      // n·w_i/P ± R·w_i, in integers: lower strict, upper inclusive.
      const lo = Math.floor((n * wi - schedulers * wi * period) / period) + 1;
      const hi = Math.floor((n * wi + schedulers * wi * period) / period);
      return [Math.max(0, lo), hi] as const;
    });
    const { outside, first } = firstOutside(names, counts, intervals);
    return {
      ok: outside === 0,
      method: 'weighted-round-robin',
      bound: 0,
      observed: outside,
      intervals,
      failureProbability: 0,
      explanation: `${policy} with weights ${w.join(', ')} over n = ${n} picks from ${schedulers} scheduler(s): every block of ${period} picks holds w_i/${g} of backend i, so n·w_i/Σw - ${schedulers}·w_i/${g} < count_i <= n·w_i/Σw + ${schedulers}·w_i/${g} (exact); ${outside} outside${first}`,
    };
  }

  if (RANDOM.has(policy)) {
    if (
      kind === 'requests' &&
      options.connectionMode !== undefined &&
      options.connectionMode !== 'per-request'
    )
      throw new NoFairnessBoundError(
        `checkFairness: with ${options.connectionMode} connections kube-proxy picks once per connection and the requests follow it, so request counts are not independent draws; check connection counts (kind: 'connections')`,
      );
    const countNote =
      kind === 'connections'
        ? 'counting connections, the unit kube-proxy decides on'
        : 'counting requests, valid only if every request opened its own connection (per-request); with keep-alive or multiplexed connections count connections';
    const k = counts.length;
    const shares = weights === undefined ? counts.map(() => 1 / k) : weights.map((x) => x / sum(weights));
    if (options.test === 'chi-square') {
      const check = chiSquareCheck(counts, delta, weights);
      return {
        ok: check.holds,
        method: 'chi-square',
        bound: check.bound,
        observed: check.observed,
        failureProbability: delta,
        explanation: `${policy}: ${check.detail}; a correct random policy fails this with probability at most ${delta} (${countNote})`,
      };
    }
    const intervals = shares.map((p) => binomialQuantileBounds(n, p, delta, k));
    const { outside, first } = firstOutside(names, counts, intervals);
    return {
      ok: outside === 0,
      method: 'binomial',
      bound: 0,
      observed: outside,
      intervals,
      failureProbability: delta,
      explanation:
        `${policy}: each of k = ${k} backends' count is Binomial(n = ${n}, p_i) and must lie in its exact quantile interval at ` +
        `${delta}/(2k) = ${delta / (2 * k)} per tail; by the union (Bonferroni) bound over the 2k tails a correct policy fails with probability at most ${delta} ` +
        `(${countNote}); ${outside} outside${first}`,
    };
  }
  throw new NoFairnessBoundError(
    `checkFairness: no bound is known for policy ${JSON.stringify(policy)} (known: rr, wrr, swrr, maglev, mh, random, nftables; adaptive policies: comparePolicies)`,
  );
}
