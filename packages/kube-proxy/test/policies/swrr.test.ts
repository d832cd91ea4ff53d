import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SmoothWeightedRoundRobinPolicy } from '../../src/policies/index.js';
import { backendsOf, context, named, picks, tally } from './support.js';

describe('nginx smooth weighted round robin', () => {
  it("gives nginx's sequence for weights 5, 1, 1", () => {
    expect(
      picks(new SmoothWeightedRoundRobinPolicy(), named(['a', 5], ['b', 1], ['c', 1]), 14).join(''),
    ).toBe('aabacaa'.repeat(2));
  });

  const SEED = 5117;
  it(`every window of sum(w) consecutive picks holds exactly w_i picks of backend i (seed ${SEED})`, () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 10 }), { minLength: 1, maxLength: 8 }), (weights) => {
        const backends = backendsOf(weights.length, weights);
        const total = weights.reduce((x, y) => x + y, 0);
        const sequence = picks(new SmoothWeightedRoundRobinPolicy(), backends, total * 4);
        for (let start = 0; start + total <= sequence.length; start++) {
          const counts = tally(sequence.slice(start, start + total));
          backends.forEach((backend, i) => expect(counts.get(backend.id)).toBe(weights[i]));
        }
      }),
      { seed: SEED, numRuns: 100 },
    );
  });

  it('skips weight 0 and keeps state across an unchanged set given as a new array', () => {
    const policy = new SmoothWeightedRoundRobinPolicy();
    expect(picks(policy, named(['a', 2], ['b', 0], ['c', 1]), 3).join('')).toBe('aca');
    expect(picks(policy, named(['a', 2], ['b', 0], ['c', 1]), 3).join('')).toBe('aca');
    expect(policy.pick(named(['a', 0]), context())).toBeUndefined();
  });
});
