import { describe, expect, it } from 'vitest';
import {
  IptablesRandomPolicy,
  iptablesProbability,
  iptablesRuleProbabilities,
  NftablesRandomPolicy,
  statisticThreshold,
} from '../../src/policies/index.js';
import { backendsOf, binomialBounds, context, rng, scripted, tally } from './support.js';

describe('iptables probabilities (kube-proxy computeProbability, %0.10f)', () => {
  it('prints 1/n with ten decimals for n = 1..5', () => {
    expect([1, 2, 3, 4, 5].map(iptablesProbability)).toEqual([
      '1.0000000000',
      '0.5000000000',
      '0.3333333333',
      '0.2500000000',
      '0.2000000000',
    ]);
  });

  it('gives rule i of n the probability 1/(n-i), the last rule none', () => {
    expect(iptablesRuleProbabilities(1)).toEqual([]);
    expect(iptablesRuleProbabilities(2)).toEqual(['0.5000000000']);
    expect(iptablesRuleProbabilities(3)).toEqual(['0.3333333333', '0.5000000000']);
    expect(iptablesRuleProbabilities(5)).toEqual([
      '0.2000000000',
      '0.2500000000',
      '0.3333333333',
      '0.5000000000',
    ]);
    expect(iptablesProbability(7)).toBe('0.1428571429');
  });

  it("rounds exact ties half-to-even like Go's fmt (1/2048 = 0.00048828125)", () => {
    expect(iptablesProbability(2048)).toBe('0.0004882812');
    expect(iptablesProbability(1024)).toBe('0.0009765625');
  });

  it('stores the threshold lround(2^31 * p) that xt_statistic compares against', () => {
    expect(statisticThreshold(2)).toBe(2 ** 30);
    expect(statisticThreshold(3)).toBe(715827883);
    expect(statisticThreshold(1)).toBe(2 ** 31);
  });

  it('the rounded cascade is uniform to within 1e-9 per backend for n up to 100', () => {
    for (let n = 1; n <= 100; n++) {
      let remaining = 1;
      let worst = 0;
      for (let i = 0; i < n; i++) {
        const p = i === n - 1 ? 1 : statisticThreshold(n - i) / 2 ** 31;
        worst = Math.max(worst, Math.abs(remaining * p - 1 / n));
        remaining *= 1 - p;
      }
      expect(worst).toBeLessThan(1e-9);
    }
  });
});

describe('random selection', () => {
  it('walks the cascade literally: one 31-bit draw per rule until one matches', () => {
    const backends = backendsOf(3);
    // 0.3333333333 -> threshold 715827883: a draw of 0.33 * 2^31 matches rule 0.
    expect(new IptablesRandomPolicy(scripted(0.33)).pick(backends, context())?.id).toBe('10.0.0.1:80');
    // Rule 0 misses (0.34), rule 1 (probability 0.5) matches with 0.49.
    expect(new IptablesRandomPolicy(scripted(0.34, 0.49)).pick(backends, context())?.id).toBe('10.0.0.2:80');
    // Both miss: the last rule is unconditional.
    expect(new IptablesRandomPolicy(scripted(0.34, 0.5)).pick(backends, context())?.id).toBe('10.0.0.3:80');
  });

  it('nftables maps one u32 draw with reciprocal_scale', () => {
    const backends = backendsOf(3);
    expect(new NftablesRandomPolicy(scripted(0)).pick(backends, context())?.id).toBe('10.0.0.1:80');
    expect(new NftablesRandomPolicy(scripted(0.5)).pick(backends, context())?.id).toBe('10.0.0.2:80');
    expect(new NftablesRandomPolicy(scripted(0.9999)).pick(backends, context())?.id).toBe('10.0.0.3:80');
  });

  // Reference section 10: delta = 1e-9 split over k = 10 backends and two tails; N = 10^4 gives [812, 1199].
  const SEED = 20240610;
  const [low, high] = binomialBounds(10_000, 0.1, 1e-9 / 20);
  it('uses the reference binomial bound', () => {
    expect([low, high]).toEqual([812, 1199]);
  });

  for (const make of [
    (seed: number) => new IptablesRandomPolicy(rng(seed)),
    (seed: number) => new NftablesRandomPolicy(rng(seed)),
  ]) {
    const name = make(0).name;
    it(`${name}: each of 10 backends gets a count within [${low}, ${high}] of 10^4 picks (seed ${SEED})`, () => {
      const policy = make(SEED);
      const backends = backendsOf(10);
      const ids: string[] = [];
      for (let i = 0; i < 10_000; i++) ids.push(policy.pick(backends, context(i))!.id);
      const counts = tally(ids);
      expect(counts.size).toBe(10);
      for (const count of counts.values()) {
        expect(count).toBeGreaterThanOrEqual(low);
        expect(count).toBeLessThanOrEqual(high);
      }
    });
  }

  it('ignores positive weights and never picks weight 0', () => {
    const policy = new IptablesRandomPolicy(rng(3));
    const backends = backendsOf(3, [5, 0, 1]);
    const counts = tally(Array.from({ length: 3000 }, () => policy.pick(backends, context())!.id));
    expect(counts.has('10.0.0.2:80')).toBe(false);
    expect(counts.get('10.0.0.1:80')).toBeGreaterThan(1300);
    expect(counts.get('10.0.0.3:80')).toBeGreaterThan(1300);
    expect(policy.pick(backendsOf(2, [0, 0]), context())).toBeUndefined();
  });
});
