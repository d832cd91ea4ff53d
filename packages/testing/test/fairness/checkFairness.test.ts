import { describe, expect, it } from 'vitest';
import { RandomStream } from '@knsim/core';
import {
  createPolicy,
  IpvsRoundRobinPolicy,
  IpvsWeightedRoundRobinPolicy,
  MaglevPolicy,
  SmoothWeightedRoundRobinPolicy,
  type Backend,
  type LoadBalancingPolicy,
} from '@knsim/kube-proxy';
import { checkFairness, NoFairnessBoundError } from '../../src/fairness/checkFairness.js';
import { comparePolicies, maxLoadGap, relativeMaxLoadGap } from '../../src/fairness/comparePolicies.js';
import { maglevSlotBound, maglevSlotCounts } from '../../src/fairness/maglevSlots.js';

const context = { sourceIp: '10.244.0.5', now: 0 };

function backends(weights: readonly number[]): Backend[] {
  return weights.map((weight, i) => ({ id: `10.244.${i + 1}.10:80`, weight }));
}

function picks(policy: LoadBalancingPolicy, list: readonly Backend[], n: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < n; i++) out.push(list.indexOf(policy.pick(list, context) as Backend));
  return out;
}

function countsOf(sequence: readonly number[], k: number): number[] {
  const counts = new Array<number>(k).fill(0);
  for (const i of sequence) counts[i] = (counts[i] ?? 0) + 1;
  return counts;
}

describe('checkFairness: round robin (exact)', () => {
  it('given IPVS rr picks over 3 backends, then counts differ by at most 1 and the sequence repeats every 3', () => {
    const list = backends([1, 1, 1]);
    const sequence = picks(new IpvsRoundRobinPolicy(), list, 100);
    expect(checkFairness({ policy: 'rr', counts: countsOf(sequence, 3) })).toMatchObject({
      ok: true,
      method: 'round-robin',
      bound: 1,
      observed: 1,
      failureProbability: 0,
    });
    expect(checkFairness({ policy: 'rr', counts: countsOf(sequence, 3), picks: sequence }).ok).toBe(true);
  });

  it('given counts spread by 2 from one scheduler, then it fails; from two schedulers it holds', () => {
    expect(checkFairness({ policy: 'rr', counts: [5, 3, 4] }).ok).toBe(false);
    expect(checkFairness({ policy: 'rr', counts: [5, 3, 4], schedulers: 2 }).ok).toBe(true);
    expect(checkFairness({ policy: 'rr', counts: [2, 1, 1], picks: [0, 1, 0, 2] })).toMatchObject({
      ok: false,
      explanation: expect.stringContaining('pick 2 repeats 0'),
    });
  });
});

describe('checkFairness: weighted round robin (exact per-weight bounds)', () => {
  it('given nginx smooth WRR with weights 5, 1, 1, then every block of 7 picks holds 5, 1, 1', () => {
    const list = backends([5, 1, 1]);
    const sequence = picks(new SmoothWeightedRoundRobinPolicy(), list, 70);
    expect(sequence.slice(0, 7)).toEqual([0, 0, 1, 0, 2, 0, 0]);
    expect(
      checkFairness({ policy: 'swrr', counts: countsOf(sequence, 3), weights: [5, 1, 1], picks: sequence })
        .ok,
    ).toBe(true);
    const verdict = checkFairness({
      policy: 'swrr',
      counts: countsOf(sequence.slice(0, 66), 3),
      weights: [5, 1, 1],
    });
    expect(verdict).toMatchObject({ ok: true, method: 'weighted-round-robin' });
  });

  it('given IPVS wrr with weights 4, 2 (gcd 2), then every block of 3 picks holds 2 and 1', () => {
    const list = backends([4, 2]);
    const sequence = picks(new IpvsWeightedRoundRobinPolicy(), list, 30);
    expect(
      checkFairness({ policy: 'wrr', counts: countsOf(sequence, 2), weights: [4, 2], picks: sequence }).ok,
    ).toBe(true);
  });

  it('given counts off by more than one weight, then it fails naming the backend and its interval', () => {
    const verdict = checkFairness({
      policy: 'swrr',
      counts: { a: 60, b: 4, c: 6 },
      weights: { a: 5, b: 1, c: 1 },
    });
    expect(verdict.ok).toBe(false);
    expect(verdict.intervals).toEqual([
      [46, 55],
      [10, 11],
      [10, 11],
    ]);
    expect(verdict.explanation).toContain('a got 60, outside [46, 55]');
  });
});

describe('maglev slot bound (exact)', () => {
  it('given the paper example M = 7 with 3 backends, then each owns 2 or 3 slots', () => {
    const maglev = new MaglevPolicy({
      tableSize: 7,
      permutation: (b) =>
        [
          { offset: 3, skip: 4 },
          { offset: 0, skip: 2 },
          { offset: 3, skip: 1 },
        ][Number(b.id.split('.')[2]) - 1]!,
    });
    const slots = maglevSlotCounts(maglev, backends([1, 1, 1]));
    expect(slots).toEqual([3, 2, 2]);
    expect(maglevSlotBound(7, 3)).toEqual({ min: 2, max: 3 });
    expect(checkFairness({ policy: 'maglev', counts: slots })).toMatchObject({
      ok: true,
      method: 'maglev-slots',
      failureProbability: 0,
    });
  });

  it("given M = 4093 (IPVS mh's prime) with 3 backends and Envoy's hashing, then each owns 1364 or 1365 slots", () => {
    const slots = maglevSlotCounts(new MaglevPolicy({ tableSize: 4093 }), backends([1, 1, 1]));
    expect(slots.reduce((a, b) => a + b)).toBe(4093);
    for (const count of slots) expect([1364, 1365]).toContain(count);
    expect(checkFairness({ policy: 'maglev', counts: slots, kind: 'slots' }).ok).toBe(true);
  });

  it('given a skewed table or per-request counts, then it fails or refuses', () => {
    expect(checkFairness({ policy: 'maglev', counts: [1366, 1364, 1363] }).ok).toBe(false);
    expect(() => checkFairness({ policy: 'maglev', counts: [10, 12], kind: 'requests' })).toThrow(
      NoFairnessBoundError,
    );
  });
});

describe('checkFairness: random policies (binomial at 1e-9)', () => {
  const k = 5;
  const n = 2000;

  it('given the iptables random policy over 200 seeds, then the binomial bound never fails', () => {
    for (let seed = 1; seed <= 200; seed++) {
      const policy = createPolicy('random', new RandomStream(String(seed), 'fairness-test'));
      const verdict = checkFairness({
        policy: 'random',
        counts: countsOf(picks(policy, backends([1, 1, 1, 1, 1]), n), k),
      });
      expect(verdict.ok, `seed ${seed}: ${verdict.explanation}`).toBe(true);
    }
  });

  it('given a policy biased 10% towards one backend, then the bound fails, and chi-square agrees', () => {
    const rng = new RandomStream('7', 'biased');
    const sequence = Array.from({ length: n }, () => (rng.next() < 0.1 ? 0 : rng.int(0, k - 1)));
    const counts = countsOf(sequence, k);
    const verdict = checkFairness({ policy: 'random', counts });
    expect(verdict).toMatchObject({ ok: false, method: 'binomial', failureProbability: 1e-9 });
    expect(verdict.explanation).toMatch(/Bonferroni.*backend 0 got \d+, outside \[\d+, \d+\]/);
    expect(checkFairness({ policy: 'nftables', counts, test: 'chi-square' }).ok).toBe(false);
  });

  it('given the worked example k = 10, n = 10^4 at 1e-9, then each backend must get 812..1199', () => {
    const verdict = checkFairness({ policy: 'random', counts: new Array<number>(10).fill(1000) });
    expect(verdict.intervals?.[0]).toEqual([812, 1199]);
  });

  it('given requests that rode on keep-alive connections, then request counts are refused and connections are named in the explanation', () => {
    expect(() =>
      checkFairness({ policy: 'random', counts: [10, 10], kind: 'requests', connectionMode: 'keep-alive' }),
    ).toThrow(/count connections|connection counts/);
    expect(checkFairness({ policy: 'random', counts: [10, 10] }).explanation).toContain(
      'counting connections',
    );
  });
});

describe('adaptive policies: relative claims only', () => {
  it('given p2c, then checkFairness refuses and points to comparePolicies', () => {
    expect(() => checkFairness({ policy: 'p2c', counts: [1, 2] })).toThrow(/comparePolicies/);
  });

  it('given the same workload and seed, then power of two choices keeps a smaller max-load gap than random', () => {
    // Connections that stay open for 40 picks, over 8 backends: p2c sees the open counts.
    const run = (name: string, seed: number): number[] => {
      const policy = createPolicy(name, new RandomStream(String(seed), 'compare'));
      const list = backends(new Array<number>(8).fill(1));
      const open: Backend[] = [];
      const counts = new Array<number>(8).fill(0);
      for (let i = 0; i < 4000; i++) {
        const backend = policy.pick(list, { ...context, now: i }) as Backend;
        policy.onStart?.(backend, i);
        counts[list.indexOf(backend)]! += 1;
        open.push(backend);
        if (open.length > 40) policy.onFinish?.(open.shift() as Backend, i, 1, true);
      }
      return counts;
    };
    const seeds = [1, 2, 3, 4, 5];
    const verdict = comparePolicies(
      { policy: 'p2c', counts: seeds.map((s) => run('p2c', s)) },
      { policy: 'random', counts: seeds.map((s) => run('random', s)) },
    );
    expect(verdict.ok, verdict.explanation).toBe(true);
    expect(verdict.method).toBe('relative');
    expect(maxLoadGap([12, 10, 8])).toBe(2);
    expect(relativeMaxLoadGap([10, 10], [12, 8])).toBe(0);
    expect(comparePolicies({ policy: 'a', counts: [12, 8] }, { policy: 'b', counts: [11, 9] }).ok).toBe(
      false,
    );
  });
});
