import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MILLISECOND, parseDurationDistribution, SECOND } from '@knsim/core';
import { ProxyViews } from '../../src/runtime/ProxyViews.js';

const constant = (d: string) => parseDurationDistribution(d, 'test');

describe('ProxyViews', () => {
  it('programs a change after the delivery delay, at most one sync per minSyncPeriod', () => {
    const views = new ProxyViews({ seed: '1', propagation: constant('100ms'), minSyncPeriod: SECOND });
    views.recordChange('ns/a', 0, undefined, []);
    expect(views.seenBy('node-1', 'ns/a', 99 * MILLISECOND)).toBeUndefined();
    expect(views.seenBy('node-1', 'ns/a', 100 * MILLISECOND)?.index).toBe(0);
    views.recordChange('ns/a', 500 * MILLISECOND, undefined, []);
    // Delivered at 0.6 s, but the last sync was at 0.1 s: the next may run at 1.1 s.
    expect(views.seenBy('node-1', 'ns/a', 1_099 * MILLISECOND)?.index).toBe(0);
    expect(views.seenBy('node-1', 'ns/a', 1_100 * MILLISECOND)?.index).toBe(1);
    // A quiet node syncs at once when a change arrives.
    views.recordChange('ns/a', 5 * SECOND, undefined, []);
    expect(views.seenBy('node-1', 'ns/a', 5_100 * MILLISECOND)?.index).toBe(2);
  });

  it("rate-limits a node's syncs across Services: one Service's churn delays another's update", () => {
    const views = new ProxyViews({ seed: '1', propagation: constant('100ms'), minSyncPeriod: SECOND });
    views.recordChange('ns/a', 0, undefined, []);
    views.recordChange('ns/b', 500 * MILLISECOND, undefined, []);
    // node-1 synced at 0.1 s for ns/a: ns/b, delivered at 0.6 s, waits for the sync at 1.1 s.
    expect(views.seenBy('node-1', 'ns/a', 200 * MILLISECOND)?.index).toBe(0);
    expect(views.seenBy('node-1', 'ns/b', 1_099 * MILLISECOND)).toBeUndefined();
    expect(views.seenBy('node-1', 'ns/b', 1_100 * MILLISECOND)?.index).toBe(0);
    // A quiet node syncs at the first delivery; what arrives at that same instant waits for the
    // next sync (ties go to the sync), which programs everything delivered by then.
    views.recordChange('ns/a', 5 * SECOND, undefined, []);
    views.recordChange('ns/b', 5 * SECOND, undefined, []);
    views.recordChange('ns/a', 5_500 * MILLISECOND, undefined, []);
    expect(views.seenBy('node-1', 'ns/a', 5_100 * MILLISECOND)?.index).toBe(1);
    expect(views.seenBy('node-1', 'ns/b', 5_100 * MILLISECOND)?.index).toBe(0);
    expect(views.seenBy('node-1', 'ns/b', 6_100 * MILLISECOND)?.index).toBe(1);
    expect(views.seenBy('node-1', 'ns/a', 6_100 * MILLISECOND)?.index).toBe(2);
    // Asked about the past afterwards, it answers from its sync history.
    expect(views.seenBy('node-1', 'ns/b', 1_099 * MILLISECOND)).toBeUndefined();
    expect(views.seenBy('node-1', 'ns/a', 4 * SECOND)?.index).toBe(0);
    expect(views.syncs('node-1', 'ns/b', 10 * SECOND)).toEqual([
      { version: 0, at: 1_100 * MILLISECOND },
      { version: 1, at: 6_100 * MILLISECOND },
    ]);
    expect(views.stableUntil('node-1', 'ns/a')).toBe(Number.POSITIVE_INFINITY);
  });

  it('lets nodes disagree for a while, then agree', () => {
    const views = new ProxyViews({
      seed: '7',
      propagation: parseDurationDistribution({ uniform: { min: '10ms', max: '2s' } }, 'p'),
      minSyncPeriod: SECOND,
    });
    views.recordChange('ns/a', 0, undefined, []);
    const seen = Array.from({ length: 20 }, (_, i) => views.seenBy(`node-${i}`, 'ns/a', SECOND)?.index);
    expect(seen.some((v) => v === undefined)).toBe(true);
    expect(seen.some((v) => v === 0)).toBe(true);
    expect(views.settledAt(3 * SECOND)).toBe(true);
  });

  it('answers the same whatever the times it is asked at, and never goes back (seed 77)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 3_000 }), { minLength: 1, maxLength: 12 }),
        fc.array(fc.integer({ min: 0, max: 10_000 }), { maxLength: 30 }),
        (gaps, probes) => {
          const build = () => {
            const views = new ProxyViews({
              seed: 's',
              propagation: parseDurationDistribution({ exponential: { mean: '300ms' } }, 'p'),
              minSyncPeriod: SECOND,
            });
            let at = 0;
            // Two Services, changing in turn: they share each node's watch stream and syncs.
            gaps.forEach((gap, i) =>
              views.recordChange(i % 2 === 0 ? 'ns/a' : 'ns/b', (at += gap * MILLISECOND), undefined, []),
            );
            return views;
          };
          const eager = build();
          const lazy = build();
          let previous = -1;
          for (const probe of [...probes].sort((a, b) => a - b)) {
            const index = eager.seenBy('n', 'ns/a', probe * MILLISECOND)?.index ?? -1;
            expect(index).toBeGreaterThanOrEqual(previous);
            previous = index;
          }
          const end = 100 * SECOND;
          expect(lazy.seenBy('n', 'ns/a', end)?.index).toBe(eager.seenBy('n', 'ns/a', end)?.index);
          expect(lazy.seenBy('n', 'ns/a', end)?.index).toBe(Math.ceil(gaps.length / 2) - 1);
          // The eager one answers the probes again from its history: the same as the lazy one now.
          for (const probe of probes)
            expect(eager.seenBy('n', 'ns/b', probe * MILLISECOND)?.index).toBe(
              lazy.seenBy('n', 'ns/b', probe * MILLISECOND)?.index,
            );
        },
      ),
      { seed: 77, numRuns: 200 },
    );
  });
});
