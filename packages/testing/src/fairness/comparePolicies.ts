import type { FairnessVerdict } from './checkFairness.js';

/**
 * The max-load gap of per-backend counts: the busiest backend's count minus the mean (0 when even).
 *
 * @example
 * ```ts
 * maxLoadGap([12, 10, 8]); // 2
 * ```
 */
export function maxLoadGap(counts: readonly number[]): number {
  if (counts.length === 0) return 0;
  let max = -Infinity;
  let total = 0;
  for (const count of counts) {
    if (count > max) max = count;
    total += count;
  }
  return max - total / counts.length;
}

/**
 * `maxLoadGap(a) / maxLoadGap(b)`: below 1 when `a` spreads load more evenly than `b` (1 when both
 * are perfectly even; Infinity when only `b` is).
 *
 * @example
 * ```ts
 * relativeMaxLoadGap(p2cCounts, randomCounts); // e.g. 0.08
 * ```
 */
export function relativeMaxLoadGap(a: readonly number[], b: readonly number[]): number {
  const gapA = maxLoadGap(a);
  const gapB = maxLoadGap(b);
  if (gapB === 0) return gapA === 0 ? 1 : Infinity;
  return gapA / gapB;
}

/** One policy's counts on a workload: one count vector, or one per seed (paired with the other side's). */
export interface PolicyCounts {
  readonly policy: string;
  readonly counts: readonly number[] | readonly (readonly number[])[];
}

function samples(side: PolicyCounts): (readonly number[])[] {
  const counts = side.counts;
  return counts.length > 0 && Array.isArray(counts[0])
    ? [...(counts as readonly (readonly number[])[])]
    : [counts as readonly number[]];
}

/**
 * A relative fairness claim for policies without a closed-form bound (adaptive ones such as
 * power of two choices): `candidate` keeps a smaller max-load gap than `baseline` on the same
 * workload and seed, i.e. {@link relativeMaxLoadGap} < `1 - margin` (default margin 0). With
 * several seeds (count vectors paired by position), the claim must hold for each; `observed` is
 * the worst ratio. Honest, not absolute: it says nothing about how uneven either policy is, and
 * on one seed it is one sample of a random comparison, so pin the seed (or test many).
 *
 * @example
 * ```ts
 * comparePolicies({ policy: 'p2c', counts: p2c }, { policy: 'random', counts: random }).ok; // true
 * ```
 */
export function comparePolicies(
  candidate: PolicyCounts,
  baseline: PolicyCounts,
  options: { readonly margin?: number } = {},
): FairnessVerdict {
  const margin = options.margin ?? 0;
  const a = samples(candidate);
  const b = samples(baseline);
  if (a.length !== b.length)
    throw new RangeError(
      `comparePolicies: ${a.length} samples of ${candidate.policy} for ${b.length} of ${baseline.policy}`,
    );
  const ratios = a.map((counts, i) => relativeMaxLoadGap(counts, b[i] as readonly number[]));
  const worst = Math.max(...ratios);
  const bound = 1 - margin;
  const ok = ratios.every((ratio) => ratio < bound);
  const first = a[0] as readonly number[];
  const other = b[0] as readonly number[];
  return {
    ok,
    method: 'relative',
    bound,
    observed: worst,
    failureProbability: Number.NaN,
    explanation:
      `${candidate.policy} keeps a smaller max-load gap (max - mean) than ${baseline.policy}: ratio ${ratios.map((r) => r.toFixed(3)).join(', ')} ` +
      `${ok ? '<' : 'not all <'} ${bound} over ${ratios.length} paired sample(s) (first: ${maxLoadGap(first).toFixed(1)} vs ${maxLoadGap(other).toFixed(1)}); ` +
      'a relative claim on the same workload and seed, no absolute bound (adaptive policies have none)',
  };
}
