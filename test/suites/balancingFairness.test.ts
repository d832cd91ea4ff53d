import { randomInt } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { RandomStream } from '../../packages/core/src/index.js';
import {
  createPolicy,
  IpvsMaglevPolicy,
  MaglevPolicy,
  policies,
  type Backend,
  type LoadBalancingPolicy,
} from '../../packages/kube-proxy/src/index.js';
import { checkFairness, maglevSlotCounts } from '../../packages/testing/src/index.js';

// Load-balancing fairness for every shipped policy, with honest bounds: exact ones where the
// policy is deterministic (rr, wrr, swrr, Maglev slots), binomial bounds at a 1e-9 false-failure
// probability for random choice (counted per connection, which is what kube-proxy decides),
// consistency for hashing policies, and relative claims for adaptive ones (they keep a smaller
// max-load gap than random on the same workload and seed). KNSIM_DEEP=1 uses fresh seeds.

const DEEP = process.env['KNSIM_DEEP'] === '1';
const SEEDS = DEEP ? Array.from({ length: 20 }, () => randomInt(0, 2 ** 31 - 1)) : [11, 12, 13];
const BACKENDS: readonly Backend[] = [
  '10.244.0.5:8080',
  '10.244.1.7:8080',
  '10.244.2.9:8080',
  '10.244.3.4:8080',
].map((id) => ({ id, weight: 1 }));

const RANDOM = ['random', 'nftables'];
const DETERMINISTIC = ['rr', 'wrr', 'swrr'];
const SLOTS = ['maglev', 'mh'];
const HASHING = ['sh', 'dh', 'ring_hash'];
const ADAPTIVE = ['lc', 'wlc', 'sed', 'nq', 'least_request', 'p2c', 'p2c_peak_ewma'];

/**
 * Connections arriving from many clients, each lasting a random time: the policy sees its own
 * connection counts (onStart/onFinish) as kube-proxy's conntrack would. Returns picks per backend
 * and the pick sequence.
 */
function drive(policy: LoadBalancingPolicy, backends: readonly Backend[], seed: number, connections = 4000) {
  const rng = new RandomStream(String(seed), 'fairness-suite/workload');
  const counts = new Map<string, number>(backends.map((b) => [b.id, 0]));
  const sequence: string[] = [];
  const open: { backend: Backend; since: number; until: number }[] = [];
  const active = new Map<string, number>(backends.map((b) => [b.id, 0]));
  let gapSum = 0;
  for (let i = 0; i < connections; i++) {
    const now = i * 1000;
    for (let j = open.length - 1; j >= 0; j--) {
      const connection = open[j] as { backend: Backend; since: number; until: number };
      if (connection.until <= now) {
        policy.onFinish?.(connection.backend, now, connection.until - connection.since, true);
        active.set(connection.backend.id, (active.get(connection.backend.id) ?? 0) - 1);
        open.splice(j, 1);
      }
    }
    const sourceIp = `10.${rng.int(0, 255)}.${rng.int(0, 255)}.${rng.int(1, 254)}`;
    const picked = policy.pick(backends, {
      sourceIp,
      sourcePort: rng.int(32768, 60999),
      now,
      destinationIp: '10.96.0.20',
      destinationPort: 80,
    });
    expect(picked, `${policy.name} picked nothing`).toBeDefined();
    const backend = picked as Backend;
    policy.onStart?.(backend, now);
    open.push({ backend, since: now, until: now + Math.round(rng.exponential(8000)) });
    counts.set(backend.id, (counts.get(backend.id) ?? 0) + 1);
    active.set(backend.id, (active.get(backend.id) ?? 0) + 1);
    sequence.push(backend.id);
    // The load gap each new connection leaves: the busiest backend's open connections over the mean.
    const loads = [...active.values()];
    gapSum += Math.max(...loads) - loads.reduce((a, b) => a + b, 0) / loads.length;
  }
  return {
    counts: backends.map((b) => counts.get(b.id) ?? 0),
    sequence,
    meanGap: gapSum / connections,
  };
}

function make(name: string, seed: number): LoadBalancingPolicy {
  return createPolicy(name, new RandomStream(String(seed), `fairness-suite/${name}`));
}

describe(`balancing fairness of every shipped policy (seeds ${SEEDS.join(', ')})`, () => {
  it('covers every built-in policy', () => {
    const covered = [...RANDOM, ...DETERMINISTIC, ...SLOTS, ...HASHING, ...ADAPTIVE].sort();
    expect(covered).toEqual(
      [...policies.keys()].filter((name) => covered.includes(name) || !name.startsWith('test-')).sort(),
    );
  });

  for (const name of RANDOM) {
    it(`${name}: per-connection counts within the binomial bounds at 1e-9`, () => {
      for (const seed of SEEDS) {
        const verdict = checkFairness({
          policy: name,
          counts: drive(make(name, seed), BACKENDS, seed).counts,
          kind: 'connections',
        });
        expect(verdict.ok, `seed ${seed}: ${verdict.explanation}`).toBe(true);
      }
    });
  }

  for (const name of DETERMINISTIC) {
    it(`${name}: exact bounds on counts and sequence (weights 1, 2, 3, 4 for the weighted ones)`, () => {
      const weighted = name !== 'rr';
      const backends = weighted ? BACKENDS.map((b, i) => ({ ...b, weight: i + 1 })) : BACKENDS;
      for (const seed of SEEDS) {
        const { counts, sequence } = drive(make(name, seed), backends, seed, 2000);
        const verdict = checkFairness({
          policy: name,
          counts,
          picks: sequence.map((id) => backends.findIndex((b) => b.id === id)),
          ...(weighted ? { weights: backends.map((b) => b.weight) } : {}),
        });
        expect(verdict.ok, `seed ${seed}: ${verdict.explanation}`).toBe(true);
      }
    });
  }

  it('maglev and mh: every backend owns floor(M/N) or ceil(M/N) slots (M = 4093 and the paper’s M = 7)', () => {
    for (const tableSize of [7, 4093]) {
      const maglev = new MaglevPolicy({ tableSize });
      const verdict = checkFairness({
        policy: 'maglev',
        counts: maglevSlotCounts(maglev, BACKENDS.slice(0, 3)),
        kind: 'slots',
      });
      expect(verdict.ok, verdict.explanation).toBe(true);
    }
    const ipvs = new IpvsMaglevPolicy();
    const table = ipvs.table(BACKENDS);
    const slots = BACKENDS.map((_, i) => table.filter((owner) => owner === i).length);
    const verdict = checkFairness({ policy: 'mh', counts: slots, kind: 'slots' });
    expect(verdict.ok, verdict.explanation).toBe(true);
  });

  for (const name of HASHING) {
    it(`${name}: the same key always gets the same backend, and 4,000 clients reach every backend`, () => {
      for (const seed of SEEDS) {
        const policy = make(name, seed);
        const rng = new RandomStream(String(seed), 'fairness-suite/hash-keys');
        const seen = new Map<string, string>();
        const counts = new Map<string, number>();
        for (let i = 0; i < 4000; i++) {
          const sourceIp = `10.${rng.int(0, 255)}.${rng.int(0, 255)}.${rng.int(1, 254)}`;
          const destinationIp = name === 'dh' ? `10.96.${rng.int(0, 255)}.${rng.int(1, 254)}` : '10.96.0.20';
          const key = `${sourceIp}>${destinationIp}`;
          const picked =
            policy.pick(BACKENDS, { sourceIp, destinationIp, destinationPort: 80, now: i })?.id ?? '';
          expect(seen.get(key) ?? picked, `${name} moved ${key}`).toBe(picked);
          seen.set(key, picked);
          counts.set(picked, (counts.get(picked) ?? 0) + 1);
        }
        expect([...counts.keys()].sort()).toEqual(BACKENDS.map((b) => b.id).sort());
      }
    });
  }

  for (const name of ADAPTIVE) {
    it(`${name}: a smaller load gap than kube-proxy's random choice on the same workload and seeds`, () => {
      // A relative claim (adaptive policies have no closed-form bound): at every new connection,
      // the busiest backend's open connections over the mean, averaged over the run, is smaller
      // than random choice's on the same arrivals, for every seed.
      for (const seed of SEEDS) {
        const candidate = drive(make(name, seed), BACKENDS, seed).meanGap;
        const baseline = drive(make('random', seed), BACKENDS, seed).meanGap;
        expect(
          candidate,
          `seed ${seed}: ${name} ${candidate.toFixed(3)} vs random ${baseline.toFixed(3)}`,
        ).toBeLessThan(baseline);
      }
    });
  }
});
