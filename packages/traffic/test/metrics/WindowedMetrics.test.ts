import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalJson, SECOND } from '@knsim/core';
import { OutcomeCounter, STANDARD_OUTCOMES } from '../../src/metrics/OutcomeCounter.js';
import { WindowedMetrics } from '../../src/metrics/WindowedMetrics.js';

describe('OutcomeCounter', () => {
  it('keeps standard outcomes first, then others in first-seen order', () => {
    const outcomes = new OutcomeCounter();
    outcomes.record('ok');
    outcomes.record('http_503');
    outcomes.record('ok');
    outcomes.record('timeout');
    outcomes.record('__proto__');
    expect(outcomes.outcomes()).toEqual([...STANDARD_OUTCOMES, 'http_503', '__proto__']);
    expect(outcomes.get('ok')).toBe(2);
    expect(outcomes.get('never')).toBe(0);
    expect(outcomes.total).toBe(5);
    expect(outcomes.failures).toBe(3);
    expect(outcomes.successRatio()).toBe(2 / 5);
    expect(outcomes.toJSON()).toMatchObject({ ok: 2, timeout: 1, refused: 0, http_503: 1 });
    expect(Object.keys(outcomes.toJSON())).toContain('__proto__');
  });

  it('is NaN when empty, merges, and rejects bad counts', () => {
    expect(new OutcomeCounter().successRatio()).toBeNaN();
    const a = new OutcomeCounter();
    a.record('ok', 3);
    const b = new OutcomeCounter();
    b.record('denied', 2);
    b.record('custom');
    a.merge(b);
    expect(a.total).toBe(6);
    expect(a.get('denied')).toBe(2);
    expect(a.get('custom')).toBe(1);
    expect(() => a.record('ok', -1)).toThrow(RangeError);
    expect(() => a.record('ok', 0.5)).toThrow(RangeError);
  });

  it('merges ok counts and lists them in the JSON form in order', () => {
    const a = new OutcomeCounter();
    a.record('ok', 2);
    const b = new OutcomeCounter();
    b.record('reset');
    b.record('ok');
    b.merge(a);
    expect(b.get('ok')).toBe(3);
    expect(Object.entries(b.toJSON()).slice(0, 4)).toEqual([
      ['ok', 3],
      ['timeout', 0],
      ['refused', 0],
      ['reset', 1],
    ]);
    expect(b.successRatio()).toBe(3 / 4);
  });
});

describe('WindowedMetrics', () => {
  it('buckets by [start, end) of virtual time', () => {
    const metrics = new WindowedMetrics({ width: SECOND });
    metrics.record(0, 'ok', 1_000);
    metrics.record(999_999, 'ok', 3_000);
    metrics.record(1_000_000, 'timeout', 5_000_000);
    metrics.record(2_500_000, 'refused');
    expect(metrics.windowCount).toBe(3);
    expect(metrics.indexAt(999_999)).toBe(0);
    expect(metrics.indexAt(1_000_000)).toBe(1);
    const series = metrics.series();
    expect(series.map((point) => [point.start, point.end, point.total])).toEqual([
      [0, 1_000_000, 2],
      [1_000_000, 2_000_000, 1],
      [2_000_000, 3_000_000, 1],
    ]);
    // Window histograms keep 2 significant digits (top of the bucket, clamped to the exact max).
    expect(series[0]).toMatchObject({ successRatio: 1, p99: 3_000 });
    expect(series[0]!.p50).toBeGreaterThanOrEqual(1_000);
    expect(series[0]!.p50).toBeLessThanOrEqual(1_010);
    expect(series[1]).toMatchObject({ successRatio: 0, p50: null, p99: null });
    expect(series[1]!.counts).toMatchObject({ ok: 0, timeout: 1, refused: 0 });
    // The timeout's "latency" stays out of the ok-latency histograms.
    expect(metrics.latency.count).toBe(2);
    expect(metrics.successRatio(0)).toBe(1);
    expect(metrics.successRatio(7)).toBeNaN();
    expect(metrics.totals.total).toBe(4);
  });

  it('pads the series with empty windows, up to `until`', () => {
    const metrics = new WindowedMetrics({ width: 100, origin: 1_000 });
    metrics.record(1_250, 'ok', 10);
    const series = metrics.series({ until: 1_500 });
    expect(series.map((point) => point.start)).toEqual([1_000, 1_100, 1_200, 1_300, 1_400]);
    expect(series[0]).toMatchObject({ total: 0, successRatio: null, p50: null });
    expect(series[2]).toMatchObject({ total: 1, successRatio: 1, p50: 10 });
    expect(metrics.series({ until: 1_150 })).toHaveLength(2);
    expect(metrics.series({ until: 0 })).toEqual([]);
    expect(() => metrics.record(999, 'ok', 1)).toThrow(RangeError);
    expect(() => metrics.record(1_000.5, 'ok', 1)).toThrow(RangeError);
  });

  it('every window shares the same outcome keys, including ones first seen later', () => {
    const metrics = new WindowedMetrics({ width: 10 });
    metrics.record(5, 'ok', 1);
    metrics.record(15, 'http_503');
    const [first, second] = metrics.series();
    expect(Object.keys(first!.counts)).toEqual(Object.keys(second!.counts));
    expect(first!.counts['http_503']).toBe(0);
    expect(second!.counts['http_503']).toBe(1);
  });

  const event = fc.record({
    at: fc.integer({ min: 0, max: 20_000_000 }),
    outcome: fc.constantFrom('ok', 'ok', 'ok', 'timeout', 'reset', 'no_endpoints', 'http_500'),
    latency: fc.integer({ min: 0, max: 2_000_000 }),
  });

  it('matches a naive per-window reference for any events in any order (seed 301)', () => {
    fc.assert(
      fc.property(
        fc.array(event, { maxLength: 400 }),
        // At least 100 ms, so a 20 s span stays within 200 windows (the series lists every one).
        fc.integer({ min: 100_000, max: 3_000_000 }),
        fc.integer({ min: 0, max: 1_000_000 }),
        (events, width, origin) => {
          const metrics = new WindowedMetrics({ width, origin });
          const reference = new Map<number, { outcomes: string[]; latencies: number[] }>();
          for (const { at, outcome, latency } of events) {
            const t = at + origin;
            metrics.record(t, outcome, latency);
            const index = Math.floor(at / width);
            const entry = reference.get(index) ?? { outcomes: [], latencies: [] };
            entry.outcomes.push(outcome);
            if (outcome === 'ok') entry.latencies.push(latency);
            reference.set(index, entry);
          }
          const series = metrics.series();
          const last = events.length === 0 ? -1 : Math.max(...reference.keys());
          expect(series).toHaveLength(last + 1);
          for (const point of series) {
            expect(point.start).toBe(origin + point.index * width);
            expect(point.end - point.start).toBe(width);
            const expected = reference.get(point.index);
            const outcomes = expected?.outcomes ?? [];
            expect(point.total).toBe(outcomes.length);
            for (const [outcome, count] of Object.entries(point.counts)) {
              expect(count).toBe(outcomes.filter((o) => o === outcome).length);
            }
            const ok = outcomes.filter((o) => o === 'ok').length;
            expect(point.successRatio).toBe(outcomes.length === 0 ? null : ok / outcomes.length);
            const latencies = (expected?.latencies ?? []).sort((a, b) => a - b);
            if (latencies.length === 0) {
              expect(point.p50).toBeNull();
            } else {
              // Window histograms keep 2 significant digits: within 1% above the exact value.
              const exact = latencies[Math.max(0, Math.ceil(latencies.length / 2) - 1)]!;
              expect(point.p50!).toBeGreaterThanOrEqual(exact);
              expect(point.p50!).toBeLessThanOrEqual(exact * 1.01);
              expect(point.p99!).toBeLessThanOrEqual(latencies.at(-1)!);
            }
          }
          expect(metrics.totals.total).toBe(events.length);
          expect(metrics.latency.count).toBe(events.filter((e) => e.outcome === 'ok').length);
        },
      ),
      { seed: 301, numRuns: 150 },
    );
  });

  it('recordOks equals recording each ok request, across windows and in any order (seed 302)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 0, max: 5_000_000 }), fc.integer({ min: 0, max: 3_000_000 })), {
          maxLength: 300,
        }),
        fc.array(fc.integer({ min: 0, max: 300 }), { maxLength: 6 }),
        (oks, cuts) => {
          const each = new WindowedMetrics({ width: SECOND });
          const batched = new WindowedMetrics({ width: SECOND });
          for (const [at, latency] of oks) each.record(at, 'ok', latency);
          const ats = new Float64Array(oks.map(([at]) => at));
          const latencies = new Float64Array(oks.map(([, latency]) => latency));
          // Filed in a few slices, as batches of requests are.
          const bounds = [
            0,
            ...cuts.map((cut) => Math.min(cut, oks.length)).sort((a, b) => a - b),
            oks.length,
          ];
          for (let i = 1; i < bounds.length; i++)
            batched.recordOks(ats, latencies, bounds[i - 1]!, bounds[i]!);
          expect(canonicalJson(batched.toJSON())).toBe(canonicalJson(each.toJSON()));
          for (let index = 0; index < each.windowCount; index++)
            expect(canonicalJson(batched.latencyIn(index).toJSON())).toBe(
              canonicalJson(each.latencyIn(index).toJSON()),
            );
        },
      ),
      { seed: 302, numRuns: 150 },
    );
  });

  it('serializes to canonical JSON (no NaN) and keeps memory per window, not per request', () => {
    const metrics = new WindowedMetrics({ width: SECOND });
    for (let i = 0; i < 200_000; i++)
      metrics.record(i * 50, i % 10 === 0 ? 'timeout' : 'ok', 1_000 + (i % 997));
    expect(metrics.windowCount).toBe(10);
    const json = metrics.toJSON();
    expect(json.series).toHaveLength(10);
    expect(json.successRatio).toBe(0.9);
    expect(json.totals['ok']).toBe(180_000);
    expect(() => canonicalJson(json)).not.toThrow();
    expect(() => canonicalJson(new WindowedMetrics().toJSON())).not.toThrow();
  });
});
