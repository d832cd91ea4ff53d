import type { RandomStream } from '@knsim/core';
import { BasePolicy } from './BasePolicy.js';
import type { Backend, PickContext } from './LoadBalancingPolicy.js';

/**
 * The text kube-proxy writes for `--probability` when `n` endpoints remain: Go's
 * `fmt.Sprintf("%0.10f", 1.0/float64(n))` (`computeProbability` in `pkg/proxy/iptables/proxier.go`).
 * Go rounds the exact binary value half-to-even; JavaScript's `toFixed` rounds exact ties up, which
 * differs for n = 2048 (`0.0004882812` in Go), so ties are resolved here as Go does.
 *
 * @example
 * ```ts
 * iptablesProbability(3); // '0.3333333333'
 * iptablesProbability(2); // '0.5000000000'
 * ```
 */
export function iptablesProbability(n: number): string {
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`iptablesProbability(${n}): need an integer >= 1`);
  const value = 1 / n;
  const text = value.toFixed(10);
  // An exact tie needs the exact expansion to stop right after a 5 in the 11th decimal.
  const exact = value.toFixed(60);
  if (exact.charCodeAt(12) === 53 && /^0*$/.test(exact.slice(13))) {
    const truncated = exact.slice(0, 12);
    const lastDigit = truncated.charCodeAt(11) - 48;
    if (lastDigit % 2 === 0) return truncated;
  }
  return text;
}

/**
 * The `--probability` texts of the rules of one service chain with `n` endpoints, in rule order:
 * rule i (0-based) matches with probability 1/(n-i); the last rule has none (it always matches),
 * so the list has n-1 entries.
 *
 * @example
 * ```ts
 * iptablesRuleProbabilities(3); // ['0.3333333333', '0.5000000000'] (then an unconditional rule)
 * ```
 */
export function iptablesRuleProbabilities(n: number): string[] {
  const out: string[] = [];
  for (let i = 0; i < n - 1; i++) out.push(iptablesProbability(n - i));
  return out;
}

// The statistic match stores lround(2^31 * atof(text)) (iptables' libxt_statistic) and matches a
// packet when (random u32 & 0x7fffffff) < stored. Cached per remaining-endpoint count k, like
// kube-proxy's precomputedProbabilities.
const thresholds: number[] = [0];
const TWO_31 = 0x80000000;

/**
 * The integer threshold the kernel compares a 31-bit random number against for a rule written
 * with `iptablesProbability(k)`.
 *
 * @example
 * ```ts
 * statisticThreshold(3); // 715827883 = lround(0x80000000 * 0.3333333333)
 * ```
 */
export function statisticThreshold(k: number): number {
  for (let j = thresholds.length; j <= k; j++) {
    // Math.round equals C's lround for positive values.
    thresholds.push(Math.round(TWO_31 * Number.parseFloat(iptablesProbability(j))));
  }
  return thresholds[k] as number;
}

/**
 * kube-proxy's iptables (and legacy) mode: a `KUBE-SVC-*` chain of one rule per endpoint, rule i
 * of n matching with probability 1/(n-i) via `-m statistic --mode random`, the last rule
 * unconditional. Implemented literally: each rule draws a fresh 31-bit number and compares it with
 * the threshold the kernel derives from the rounded text, so the tiny bias of `%0.10f` rounding is
 * reproduced. O(n) draws per pick, like the chain walk. Positive weights are ignored (iptables has
 * none); weight-0 backends are left out of the chain.
 *
 * @example
 * ```ts
 * const policy = new IptablesRandomPolicy(sim.rng('kube-proxy/node-1/web'));
 * policy.pick(backends, { sourceIp: '10.244.3.7', now: 0 });
 * ```
 */
export class IptablesRandomPolicy extends BasePolicy {
  readonly name: string = 'random';

  constructor(readonly rng: RandomStream) {
    super();
  }

  pick(backends: readonly Backend[], _context: PickContext): Backend | undefined {
    const chain = this.positive(backends);
    const n = chain.length;
    if (n === 0) return undefined;
    return chain[iptablesCascade(this.rng, n)];
  }
}

/**
 * The rule of a chain of `n` (>= 1) endpoint rules that matches a new connection: rule i draws a
 * 31-bit number and matches when it is below the threshold for n - i remaining endpoints; the
 * last rule always matches. What {@link IptablesRandomPolicy.pick} does, for a caller that knows
 * its chain (the data plane's routes, which then read neither the policy nor the list).
 */
export function iptablesCascade(rng: RandomStream, n: number): number {
  for (let i = 0; i < n - 1; i++) {
    const threshold = statisticThreshold(n - i);
    if (Math.floor(rng.next() * TWO_31) < threshold) return i;
  }
  return n - 1;
}
