import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type Backend,
  BasePolicy,
  createPolicy,
  type LoadBalancingPolicy,
  policies,
  PolicyOptionError,
  registerPolicy,
  UnknownPolicyError,
} from '../../src/policies/index.js';
import { backendsOf, rng } from './support.js';

// A user policy, registered like a plugin would; the contract below covers it too.
class FirstLeastLoaded extends BasePolicy {
  readonly name = 'first_least_loaded';
  pick(backends: readonly Backend[]): Backend | undefined {
    const hosts = this.positive(backends);
    let best: Backend | undefined;
    for (const host of hosts)
      if (best === undefined || this.state.active(host.id) < this.state.active(best.id)) best = host;
    return best;
  }
}
registerPolicy('first_least_loaded', () => new FirstLeastLoaded());

const BUILT_IN = [
  'random',
  'nftables',
  'rr',
  'wrr',
  'lc',
  'wlc',
  'sed',
  'nq',
  'sh',
  'dh',
  'mh',
  'maglev',
  'ring_hash',
  'p2c',
  'least_request',
  'p2c_peak_ewma',
  'swrr',
];

/**
 * A fixed workload: backend sets that change (one drained to weight 0, one added), varied
 * sources, and connections that start and finish, all from a stream of its own.
 */
function run(policy: LoadBalancingPolicy, workloadSeed: number, rebuild = false, steps = 400): string[] {
  const workload = rng(workloadSeed, 'workload');
  const phases: Backend[][] = [
    backendsOf(5, [1, 2, 1, 3, 1]),
    backendsOf(5, [1, 2, 0, 3, 1]),
    [...backendsOf(5, [1, 2, 0, 3, 1]), { id: '10.0.0.9:80', weight: 2 }],
  ];
  const open: { backend: Backend; at: number }[] = [];
  const out: string[] = [];
  let now = 0;
  for (let step = 0; step < steps; step++) {
    now += workload.int(0, 2000);
    const phase = phases[Math.min(2, Math.floor((step * 3) / steps))]!;
    // A caller may rebuild an equal list for every pick (fresh objects) instead of reusing one.
    const backends = rebuild ? phase.map((backend) => ({ ...backend })) : phase;
    while (open.length > 0 && workload.bernoulli(0.4)) {
      const done = open.splice(workload.int(0, open.length - 1), 1)[0]!;
      policy.onFinish?.(done.backend, now, now - done.at, workload.bernoulli(0.9));
    }
    const context = {
      sourceIp: `10.244.${workload.int(0, 3)}.${workload.int(1, 254)}`,
      sourcePort: workload.int(32768, 60999),
      destinationIp: '10.96.0.10',
      now,
    };
    const backend = policy.pick(backends, context);
    out.push(backend?.id ?? '-');
    if (backend !== undefined) {
      expect(backends).toContain(backend);
      policy.onStart?.(backend, now);
      open.push({ backend, at: now });
    }
  }
  return out;
}

describe('the policy contract, for every registered policy', () => {
  it('registers the built-in policies and user ones', () => {
    expect([...policies.keys()]).toEqual([...BUILT_IN, 'first_least_loaded']);
  });

  for (const name of policies.keys()) {
    const SEED = 31337;
    it(`${name}: same seed, same pick sequence; fresh instances agree (seed ${SEED})`, () => {
      const first = run(createPolicy(name, rng(SEED)), SEED);
      const second = run(createPolicy(name, rng(SEED)), SEED);
      expect(second).toEqual(first);
      // Equal lists rebuilt for every pick behave exactly like one reused list.
      expect(run(createPolicy(name, rng(SEED)), SEED, true)).toEqual(first);
      expect(createPolicy(name, rng(SEED)).name).toBe(name);
    });

    it(`${name}: a backend drained to weight 0 gets no new picks (seed ${SEED})`, () => {
      fc.assert(
        fc.property(fc.integer({ min: 2, max: 12 }), fc.nat(), (n, drainedIndex) => {
          const policy = createPolicy(name, rng(SEED));
          const live = backendsOf(n);
          const drained = drainedIndex % n;
          // Warm up on the full set, with a connection open to the soon-drained backend.
          policy.onStart?.(live[drained]!, 0);
          for (let i = 0; i < 20; i++) policy.pick(live, { sourceIp: `10.244.0.${i}`, now: i });
          const draining = live.map((b, i) => (i === drained ? { ...b, weight: 0 } : b));
          for (let i = 0; i < 60; i++) {
            const backend = policy.pick(draining, {
              sourceIp: `10.244.1.${i}`,
              sourcePort: 40000 + i,
              now: 100 + i,
            });
            expect(backend?.id).not.toBe(live[drained]!.id);
          }
        }),
        { seed: SEED, numRuns: 25 },
      );
    });

    it(`${name}: no backend, or only weight-0 backends, means no pick`, () => {
      const policy = createPolicy(name, rng(1));
      expect(policy.pick([], { sourceIp: '10.244.0.2', now: 0 })).toBeUndefined();
      expect(policy.pick(backendsOf(3, [0, 0, 0]), { sourceIp: '10.244.0.2', now: 0 })).toBeUndefined();
    });
  }
});

describe('the registry', () => {
  it('rejects unknown names, taken names and bad names', () => {
    expect(() => createPolicy('round_robin', rng(1))).toThrow(UnknownPolicyError);
    expect(() => createPolicy('round_robin', rng(1))).toThrow(/known: random, nftables, rr/);
    expect(() => registerPolicy('rr', () => new FirstLeastLoaded())).toThrow(/already registered/);
    expect(() => registerPolicy('Bad Name', () => new FirstLeastLoaded())).toThrow(/lowercase/);
  });

  it('validates options by name', () => {
    expect(() => createPolicy('maglev', rng(1), { tableSize: 100 })).toThrow(PolicyOptionError);
    expect(() => createPolicy('maglev', rng(1), { tableSize: 100 })).toThrow(
      /maglev: option tableSize: must be a prime/,
    );
    expect(() => createPolicy('rr', rng(1), { tableSize: 7 })).toThrow(
      /rr: option tableSize: unknown option/,
    );
    expect(() => createPolicy('mh', rng(1), { tableSize: 4096 })).toThrow(/one of 251, 509/);
    expect(() => createPolicy('p2c_peak_ewma', rng(1), { decay: 'soon' })).toThrow(/must be a duration/);
    expect(createPolicy('p2c_peak_ewma', rng(1), { decay: '5s', defaultRtt: 1000 })).toMatchObject({
      decay: 5_000_000,
      defaultRtt: 1000,
    });
    expect(createPolicy('lc', rng(1), { inactiveTimeout: 0 })).toMatchObject({ name: 'lc' });
    expect(createPolicy('maglev', rng(1), { tableSize: 7 })).toMatchObject({ tableSize: 7 });
  });
});
