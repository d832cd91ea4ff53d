import fc from 'fast-check';
import { SECOND } from '@knsim/core';
import { describe, expect, it } from 'vitest';
import {
  type Backend,
  IpvsDestinationHashPolicy,
  IpvsLeastConnectionPolicy,
  IpvsMaglevPolicy,
  IpvsRoundRobinPolicy,
  IpvsSourceHashPolicy,
  IpvsWeightedRoundRobinPolicy,
} from '../../src/policies/index.js';
import { backendsOf, context, named, picks, tally } from './support.js';

describe('IPVS rr', () => {
  it('rotates through the list and skips weight 0', () => {
    const rr = new IpvsRoundRobinPolicy();
    expect(picks(rr, named('a', 'b', 'c'), 7)).toEqual(['a', 'b', 'c', 'a', 'b', 'c', 'a']);
    const quiesced = new IpvsRoundRobinPolicy();
    expect(picks(quiesced, named('a', ['b', 0], 'c'), 4)).toEqual(['a', 'c', 'a', 'c']);
    expect(new IpvsRoundRobinPolicy().pick(named(['a', 0]), context())).toBeUndefined();
  });

  it('continues after the last pick when others are removed or added', () => {
    const rr = new IpvsRoundRobinPolicy();
    expect(picks(rr, named('a', 'b', 'c', 'd'), 2)).toEqual(['a', 'b']);
    // d removed: the cursor stays on b.
    expect(picks(rr, named('a', 'b', 'c'), 3)).toEqual(['c', 'a', 'b']);
    // e added at the head (as the kernel does): still after b.
    expect(picks(rr, named('e', 'a', 'b', 'c'), 3)).toEqual(['c', 'e', 'a']);
  });

  it('continues with the survivor that followed a removed last pick (ip_vs_rr_del_dest)', () => {
    const rr = new IpvsRoundRobinPolicy();
    expect(picks(rr, named('a', 'b', 'c', 'd'), 2)).toEqual(['a', 'b']);
    expect(picks(rr, named('a', 'c', 'd'), 2)).toEqual(['c', 'd']);
    // d (last picked) and a removed together: the next survivor after d, wrapping, is c.
    expect(picks(rr, named('c', 'x'), 3)).toEqual(['c', 'x', 'c']);
  });

  const SEED = 77;
  it(`one scheduler's counts differ by at most 1 over any prefix (seed ${SEED})`, () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 12 }), fc.integer({ min: 1, max: 200 }), (n, count) => {
        const counts = tally(picks(new IpvsRoundRobinPolicy(), backendsOf(n), count));
        const values = [...counts.values()];
        expect(Math.max(...values) - (counts.size < n ? 0 : Math.min(...values))).toBeLessThanOrEqual(1);
      }),
      { seed: SEED, numRuns: 100 },
    );
  });
});

describe('IPVS wrr', () => {
  it('weights 4, 3, 2 give the interleaved sequence A A B A B C A B C', () => {
    const wrr = new IpvsWeightedRoundRobinPolicy();
    const backends = named(['A', 4], ['B', 3], ['C', 2]);
    expect(picks(wrr, backends, 18).join('')).toBe('AABABCABC'.repeat(2));
  });

  it('steps cw by the gcd of the weights', () => {
    // gcd 2, mw = 4 - 1 = 3: passes at cw 3 (A) and 1 (A, B).
    expect(picks(new IpvsWeightedRoundRobinPolicy(), named(['A', 4], ['B', 2]), 6).join('')).toBe('AABAAB');
    expect(picks(new IpvsWeightedRoundRobinPolicy(), named(['A', 3], ['B', 3]), 4).join('')).toBe('ABAB');
  });

  it('skips weight 0 and returns undefined when every weight is 0', () => {
    expect(picks(new IpvsWeightedRoundRobinPolicy(), named(['A', 2], ['B', 0], ['C', 1]), 6).join('')).toBe(
      'AACAAC',
    );
    expect(new IpvsWeightedRoundRobinPolicy().pick(named(['A', 0], ['B', 0]), context())).toBeUndefined();
  });

  it('restarts from the list head when the destinations change (ip_vs_wrr_dest_changed)', () => {
    const wrr = new IpvsWeightedRoundRobinPolicy();
    expect(picks(wrr, named(['A', 4], ['B', 3], ['C', 2]), 4).join('')).toBe('AABA');
    // cw was 2; weights now 4, 3, 1 (gcd 1): cw stays 2, scan restarts at the head: A B, then cw 1: A B C.
    expect(picks(wrr, named(['A', 4], ['B', 3], ['C', 1]), 5).join('')).toBe('ABABC');
  });

  const SEED = 4321;
  it(`every period of sum(w)/gcd picks holds w_i/gcd picks of each backend (seed ${SEED})`, () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 9 }), { minLength: 1, maxLength: 6 }), (weights) => {
        const backends = backendsOf(weights.length, weights);
        const total = weights.reduce((a, b) => a + b, 0);
        const counts = tally(picks(new IpvsWeightedRoundRobinPolicy(), backends, total * 3));
        backends.forEach((backend, i) => expect(counts.get(backend.id)).toBe((weights[i] as number) * 3));
      }),
      { seed: SEED, numRuns: 100 },
    );
  });
});

describe('IPVS least connection family', () => {
  const start = (policy: IpvsLeastConnectionPolicy, backends: readonly Backend[], now = 0) => {
    const backend = policy.pick(backends, context(now))!;
    policy.onStart(backend, now);
    return backend.id;
  };

  it('lc: least active*256 + inactive, first wins ties', () => {
    const lc = new IpvsLeastConnectionPolicy('lc');
    const backends = named('a', 'b', 'c');
    expect([start(lc, backends), start(lc, backends), start(lc, backends), start(lc, backends)]).toEqual([
      'a',
      'b',
      'c',
      'a',
    ]);
    // b's connection ends: b has 0 active but 1 inactive (TIME_WAIT), still below a's 2 active.
    lc.onFinish(backends[1]!, 10 * SECOND, 10 * SECOND, true);
    expect(lc.state.inactive('b', 10 * SECOND)).toBe(1);
    expect(start(lc, backends, 10 * SECOND)).toBe('b');
    // c's ends too: c (0 active, 1 inactive) versus b (1 active): c.
    lc.onFinish(backends[2]!, 11 * SECOND, 11 * SECOND, true);
    expect(start(lc, backends, 11 * SECOND)).toBe('c');
  });

  it('lc: an inactive connection breaks ties until TIME_WAIT (2 min) expires', () => {
    const lc = new IpvsLeastConnectionPolicy('lc');
    const backends = named('a', 'b');
    const a = backends[0]!;
    lc.onStart(a, 0);
    lc.onFinish(a, SECOND, SECOND, true);
    expect(lc.pick(backends, context(SECOND))?.id).toBe('b');
    expect(lc.pick(backends, context(121 * SECOND))?.id).toBe('a');
    expect(lc.state.connections('a', 121 * SECOND)).toBe(0);
  });

  it('lc skips weight 0; wlc divides by weight; sed counts the incoming connection', () => {
    const lc = new IpvsLeastConnectionPolicy('lc');
    expect(start(lc, named(['a', 0], 'b'))).toBe('b');

    const wlc = new IpvsLeastConnectionPolicy('wlc', 0);
    const weighted = named(['a', 1], ['b', 3]);
    const sequence = Array.from({ length: 8 }, () => start(wlc, weighted));
    // Overhead 256 * active over weight; ties keep the first: a 0 | b 0 -> a; 256 vs 0 -> b; ... 256/1 vs 768/3 -> a.
    expect(sequence).toEqual(['a', 'b', 'b', 'b', 'a', 'b', 'b', 'b']);

    const sed = new IpvsLeastConnectionPolicy('sed');
    // (active + 1) / w: a 1 vs b 1/3 -> b; a 1 vs b 2/3 -> b; a 1 vs b 1 -> a (first); a 2 vs b 1 -> b ...
    expect(Array.from({ length: 7 }, () => start(sed, weighted))).toEqual([
      'b',
      'b',
      'a',
      'b',
      'b',
      'b',
      'a',
    ]);
  });

  it('nq sends to the first idle server, else as sed', () => {
    const nq = new IpvsLeastConnectionPolicy('nq');
    const weighted = named(['a', 1], ['b', 3]);
    // a idle -> a; b idle -> b; then sed: a 2 vs b 2/3, 3/3, 4/3, 5/3 -> b; a 2 vs b 6/3 -> a (first).
    expect(Array.from({ length: 7 }, () => start(nq, weighted))).toEqual(['a', 'b', 'b', 'b', 'b', 'b', 'a']);
  });
});

describe('IPVS sh and dh (256-bucket tables)', () => {
  it('fills buckets in list order, weight consecutive buckets each', () => {
    const sh = new IpvsSourceHashPolicy();
    const table = sh.table(named(['a', 2], ['b', 1], ['c', 0]));
    expect(Array.from(table.slice(0, 8))).toEqual([0, 0, 1, 2, 0, 0, 1, 2]);
    const dh = new IpvsDestinationHashPolicy();
    expect(Array.from(dh.table(named(['a', 2], ['b', 1])).slice(0, 4))).toEqual([0, 1, 0, 1]);
  });

  it('sh pins a source to one backend; sh-port spreads its ports', () => {
    const sh = new IpvsSourceHashPolicy();
    const backends = backendsOf(5);
    const first = sh.pick(backends, context(0, '10.244.7.9', 1000))!.id;
    for (let port = 1001; port < 1050; port++)
      expect(sh.pick(backends, context(0, '10.244.7.9', port))?.id).toBe(first);
    const withPort = new IpvsSourceHashPolicy({ port: true });
    const seen = new Set(
      Array.from({ length: 50 }, (_, i) => withPort.pick(backends, context(0, '10.244.7.9', 1000 + i))!.id),
    );
    expect(seen.size).toBe(5);
  });

  it('sh is not consistent: removing one of 10 backends moves far more than 1/10 of sources', () => {
    const sh = new IpvsSourceHashPolicy();
    const before = backendsOf(10);
    const after = before.filter((b) => b.id !== '10.0.0.10:80');
    const sources = Array.from({ length: 2000 }, (_, i) => `10.244.${i >> 8}.${i & 255}`);
    const first = sources.map((ip) => sh.pick(before, context(0, ip))!.id);
    const second = sources.map((ip) => sh.pick(after, context(0, ip))!.id);
    const moved = first.filter((id, i) => id !== second[i]).length / sources.length;
    expect(moved).toBeGreaterThan(0.5);
  });

  it('sh refuses a source whose bucket is drained, unless sh-fallback', () => {
    const backends = named(['10.0.0.1:80', 1], ['10.0.0.2:80', 0]);
    const sources = Array.from({ length: 200 }, (_, i) => `10.244.1.${i}`);
    const sh = new IpvsSourceHashPolicy();
    const results = sources.map((ip) => sh.pick(backends, context(0, ip))?.id);
    expect(results).toContain(undefined);
    expect(results).not.toContain('10.0.0.2:80');
    const fallback = new IpvsSourceHashPolicy({ fallback: true });
    expect(new Set(sources.map((ip) => fallback.pick(backends, context(0, ip))?.id))).toEqual(
      new Set(['10.0.0.1:80']),
    );
  });

  it('dh hashes the destination: one service IP, one backend', () => {
    const dh = new IpvsDestinationHashPolicy();
    const backends = backendsOf(5);
    const ids = new Set(
      Array.from(
        { length: 100 },
        (_, i) => dh.pick(backends, { sourceIp: `10.244.0.${i}`, destinationIp: '10.96.0.10', now: 0 })!.id,
      ),
    );
    expect(ids.size).toBe(1);
  });
});

describe('IPVS mh', () => {
  const SEED = 251;
  it(`with equal weights each destination gets floor or ceil of M/N slots (seed ${SEED})`, () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 40 }), fc.constantFrom(251, 4093), (n, tableSize) => {
        const mh = new IpvsMaglevPolicy({ tableSize });
        const table = mh.table(backendsOf(n));
        const counts = new Array<number>(n).fill(0);
        for (const index of table) counts[index] = (counts[index] as number) + 1;
        for (const count of counts) {
          expect(count).toBeGreaterThanOrEqual(Math.floor(tableSize / n));
          expect(count).toBeLessThanOrEqual(Math.ceil(tableSize / n));
        }
      }),
      { seed: SEED, numRuns: 40 },
    );
  });

  it('gives weight w destinations w turns per round', () => {
    const mh = new IpvsMaglevPolicy();
    const table = mh.table(backendsOf(3, [2, 1, 1]));
    const counts = tally(Array.from(table, String));
    expect(counts.get('0')).toBeGreaterThanOrEqual(2046);
    expect(counts.get('1')).toBeGreaterThanOrEqual(1023);
  });

  it('keeps a drained destination in the table (last_weight) and refuses its keys, unless mh-fallback', () => {
    const live = backendsOf(4);
    const drained = live.map((b, i) => (i === 3 ? { ...b, weight: 0 } : b));
    const mh = new IpvsMaglevPolicy();
    const before = Array.from(mh.table(live));
    const after = Array.from(mh.table(drained));
    expect(after).toEqual(before);
    const sources = Array.from({ length: 400 }, (_, i) => context(0, `10.244.2.${i % 250}`, 30000 + i));
    const results = sources.map((c) => mh.pick(drained, c)?.id);
    expect(results).toContain(undefined);
    expect(results).not.toContain('10.0.0.4:80');
    const fallback = new IpvsMaglevPolicy({ fallback: true });
    const rescued = sources.map((c) => fallback.pick(drained, c)?.id);
    expect(rescued).not.toContain(undefined);
    expect(rescued).not.toContain('10.0.0.4:80');
  });

  it('removing one of N destinations remaps only a small share of the table', () => {
    const mh = new IpvsMaglevPolicy();
    const all = backendsOf(10);
    const before = Array.from(mh.table(all), (i) => all[i]!.id);
    const fewer = all.slice(0, 9);
    const after = Array.from(mh.table(fewer), (i) => fewer[i]!.id);
    const moved = before.filter((id, i) => id !== '10.0.0.10:80' && id !== after[i]).length / before.length;
    expect(moved).toBeLessThan(0.05);
  });
});
