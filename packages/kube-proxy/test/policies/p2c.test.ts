import { MILLISECOND, SECOND } from '@knsim/core';
import { describe, expect, it } from 'vitest';
import {
  type Backend,
  LeastRequestPolicy,
  type LoadBalancingPolicy,
  NftablesRandomPolicy,
  PeakEwmaPolicy,
} from '../../src/policies/index.js';
import { backendsOf, context, rng, scripted, tally } from './support.js';

describe('Envoy least_request (p2c)', () => {
  const [a, b, c] = backendsOf(3);
  const two = [a!, b!];

  it('keeps the first draw unless the second has strictly fewer active requests', () => {
    // Draws: index floor(0.1 * 2) = 0, then floor(0.9 * 2) = 1.
    expect(new LeastRequestPolicy(scripted(0.1, 0.9)).pick(two, context())).toBe(a);
    const busyFirst = new LeastRequestPolicy(scripted(0.1, 0.9));
    busyFirst.onStart(a!, 0);
    expect(busyFirst.pick(two, context())).toBe(b);
    const busySecond = new LeastRequestPolicy(scripted(0.1, 0.9));
    busySecond.onStart(b!, 0);
    expect(busySecond.pick(two, context())).toBe(a);
  });

  it('draws with replacement: both choices may be the same backend', () => {
    const policy = new LeastRequestPolicy(scripted(0.9, 0.9));
    policy.onStart(b!, 0);
    expect(policy.pick(two, context())).toBe(b);
  });

  it('choiceCount 3 compares three draws', () => {
    const policy = new LeastRequestPolicy(scripted(0.1, 0.5, 0.9), { choiceCount: 3 });
    policy.onStart(a!, 0);
    policy.onStart(b!, 0);
    expect(policy.pick([a!, b!, c!], context())).toBe(c);
  });

  it('full scan takes the fewest active; ties by reservoir sampling or the first', () => {
    const first = new LeastRequestPolicy(rng(1), { selectionMethod: 'full_scan', ties: 'first' });
    expect(first.pick([a!, b!, c!], context())).toBe(a);
    first.onStart(a!, 0);
    expect(first.pick([a!, b!, c!], context())).toBe(b);
    // Reservoir: the 2nd tie replaces with probability 1/2 (draw 0.4 -> 0), the 3rd with 1/3 (0.9 -> 2: keep).
    const reservoir = new LeastRequestPolicy(scripted(0.4, 0.9), { selectionMethod: 'full_scan' });
    expect(reservoir.pick([a!, b!, c!], context())).toBe(b);
    // Each of three tied backends is equally likely.
    const fair = new LeastRequestPolicy(rng(12), { selectionMethod: 'full_scan' });
    const counts = tally(Array.from({ length: 3000 }, () => fair.pick([a!, b!, c!], context())!.id));
    for (const count of counts.values()) expect(count).toBeGreaterThan(900);
  });

  it('with two backends, picks the loaded one when both draws hit it (about 1/4 of the time)', () => {
    const policy = new LeastRequestPolicy(rng(8));
    policy.onStart(a!, 0);
    const counts = tally(Array.from({ length: 4000 }, () => policy.pick(two, context())!.id));
    expect((counts.get(a!.id) ?? 0) / 4000).toBeGreaterThan(0.2);
    expect((counts.get(a!.id) ?? 0) / 4000).toBeLessThan(0.3);
  });
});

describe('Linkerd p2c_peak_ewma', () => {
  const [a, b, c] = backendsOf(3);

  it('compares two distinct backends: a collision moves the first choice to the last index', () => {
    // a = floor(0 * 2) = 0, b = floor(0 * 3) = 0: equal, so a := 2; equal costs keep a.
    expect(new PeakEwmaPolicy(scripted(0, 0)).pick([a!, b!, c!], context())).toBe(c);
    expect(new PeakEwmaPolicy(scripted(0.5, 0.9)).pick([a!, b!, c!], context())).toBe(b);
  });

  it('with two backends always compares both, so it never picks the costlier one', () => {
    const policy = new PeakEwmaPolicy(rng(8));
    policy.onStart(a!, 0);
    const counts = tally(Array.from({ length: 2000 }, () => policy.pick([a!, b!], context())!.id));
    expect(counts.get(a!.id)).toBeUndefined();
  });

  // tower's peak_ewma tests, in µs.
  it('decays the default estimate towards zero while idle (tower default_decay)', () => {
    const policy = new PeakEwmaPolicy(rng(1), { defaultRtt: 10 * MILLISECOND, decay: SECOND });
    policy.pick([a!], context(0));
    expect(policy.cost(a!, 0)).toBe(10 * MILLISECOND);
    const at100 = policy.cost(a!, 100 * MILLISECOND);
    expect(at100).toBeGreaterThan(9 * MILLISECOND);
    expect(at100).toBeLessThan(10 * MILLISECOND);
    const at200 = policy.cost(a!, 200 * MILLISECOND);
    expect(at200).toBeGreaterThan(8 * MILLISECOND);
    expect(at200).toBeLessThan(9 * MILLISECOND);
  });

  it('takes peaks at once and decays them (tower compound_decay)', () => {
    const policy = new PeakEwmaPolicy(rng(1), { defaultRtt: 20 * MILLISECOND, decay: SECOND });
    policy.pick([a!], context(0));
    expect(policy.cost(a!, 0)).toBe(20 * MILLISECOND);
    policy.onStart(a!, 100 * MILLISECOND);
    expect(policy.cost(a!, 100 * MILLISECOND)).toBeGreaterThan(20 * MILLISECOND);
    policy.onStart(a!, 200 * MILLISECOND);
    expect(policy.cost(a!, 200 * MILLISECOND)).toBeGreaterThan(40 * MILLISECOND);
    policy.onFinish(a!, 300 * MILLISECOND, 200 * MILLISECOND, true);
    expect(policy.cost(a!, 300 * MILLISECOND)).toBe(400 * MILLISECOND);
    policy.onFinish(a!, 400 * MILLISECOND, 200 * MILLISECOND, true);
    expect(policy.cost(a!, 400 * MILLISECOND)).toBeCloseTo(200 * MILLISECOND, 6);
    expect(policy.cost(a!, 1400 * MILLISECOND)).toBeLessThan(100 * MILLISECOND);
    expect(policy.cost(a!, 11_400 * MILLISECOND)).toBeLessThan(0.1 * MILLISECOND);
  });

  it('prefers the backend with the lower observed latency', () => {
    const policy = new PeakEwmaPolicy(rng(5));
    const backends = [a!, b!];
    policy.pick(backends, context(0));
    policy.onStart(a!, 0);
    policy.onFinish(a!, 500 * MILLISECOND, 500 * MILLISECOND, true);
    policy.onStart(b!, 0);
    policy.onFinish(b!, 5 * MILLISECOND, 5 * MILLISECOND, true);
    const counts = tally(
      Array.from({ length: 200 }, (_, i) => policy.pick(backends, context(SECOND + i))!.id),
    );
    expect(counts.get(b!.id)).toBe(200);
  });
});

/**
 * Requests arrive (Poisson) and each stays in flight for an exponential time; at every arrival,
 * records max - mean of the policy's active counts. Arrivals and durations come from their own
 * stream, so every policy sees the same workload.
 */
function maxMinusMean(
  policy: LoadBalancingPolicy & { onStart(b: Backend, now: number): void },
  seed: number,
): number {
  const backends = backendsOf(10);
  const workload = rng(seed, 'workload');
  const active = new Map<string, number>(backends.map((backend) => [backend.id, 0]));
  const finishes: { at: number; backend: Backend }[] = [];
  let now = 0;
  let total = 0;
  const arrivals = 20_000;
  for (let i = 0; i < arrivals; i++) {
    now += workload.exponential(1_000); // 1000 arrivals per second
    const duration = workload.exponential(50_000); // 50 ms: about 5 in flight per backend
    finishes.sort((x, y) => x.at - y.at);
    while (finishes.length > 0 && finishes[0]!.at <= now) {
      const done = finishes.shift()!;
      active.set(done.backend.id, active.get(done.backend.id)! - 1);
      policy.onFinish?.(done.backend, done.at, 0, true);
    }
    const loads = [...active.values()];
    total += Math.max(...loads) - loads.reduce((x, y) => x + y, 0) / loads.length;
    const backend = policy.pick(backends, context(now))!;
    policy.onStart(backend, now);
    active.set(backend.id, active.get(backend.id)! + 1);
    finishes.push({ at: now + duration, backend });
  }
  return total / arrivals;
}

describe('relative fairness (reference section 10: no closed form, compare)', () => {
  const SEED = 99;
  it(`P2C keeps max - mean active load below random's on the same workload (seed ${SEED})`, () => {
    const random = maxMinusMean(new NftablesRandomPolicy(rng(SEED)), SEED);
    const p2c = maxMinusMean(new LeastRequestPolicy(rng(SEED)), SEED);
    const ewma = maxMinusMean(new PeakEwmaPolicy(rng(SEED)), SEED);
    expect(p2c).toBeLessThan(random);
    expect(ewma).toBeLessThan(random);
    // The anchor: two choices keep the gap near 2 where random grows like sqrt(2 (m/n) ln n).
    expect(p2c).toBeLessThan(2.5);
    expect(random).toBeGreaterThan(3);
  });
});
