import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { TrafficMetrics } from '../src/TrafficMetrics.js';

interface Recorded {
  readonly workload: string;
  readonly outcome: string;
  readonly latency: number;
  readonly at: number;
  readonly reason: string | undefined;
}

const recordedArb = fc.record({
  workload: fc.constantFrom('a', 'b', 'c'),
  outcome: fc.constantFrom('ok', 'ok', 'ok', 'timeout', 'reset', 'http_503', 'http_404'),
  latency: fc.integer({ min: 1, max: 50_000 }),
  at: fc.integer({ min: 0, max: 30_000_000 }),
  reason: fc.constantFrom(undefined, 'refused by x', 'queue full', 'no answer'),
});

// As JSON: the order of keys (outcomes first seen) is part of what reports print.
function everything(metrics: TrafficMetrics): string {
  return JSON.stringify(
    metrics.workloads().map((workload) => ({
      summary: metrics.summary(workload),
      early: metrics.range(workload, 0, 10_000_000),
    })),
  );
}

describe('TrafficMetrics', () => {
  it('files recorder outcomes in batches with exactly the results of recording each at once (seed 4104)', () => {
    fc.assert(
      fc.property(
        // Short runs, and runs longer than a batch (4096), which fill batches and are filed
        // grouped by workload.
        fc.oneof(
          fc.array(recordedArb, { maxLength: 300 }),
          fc.array(recordedArb, { minLength: 4_100, maxLength: 9_000 }),
        ),
        fc.array(fc.nat(9_000), { maxLength: 4 }),
        (records: Recorded[], readsAt: number[]) => {
          const direct = new TrafficMetrics({ window: 1_000_000 });
          const batched = new TrafficMetrics({ window: 1_000_000 });
          const recorders = new Map(['a', 'b', 'c'].map((w) => [w, batched.recorder(w)]));
          // A recorder makes its workload known (an idle workload still has a summary).
          for (const w of ['a', 'b', 'c']) direct.recorder(w);
          records.forEach((r, i) => {
            direct.outcome(r.workload, r.outcome, r.latency, r.at, undefined, r.reason);
            (recorders.get(r.workload) as ReturnType<TrafficMetrics['recorder']>).outcome(
              r.outcome,
              r.latency,
              r.at,
              r.reason,
            );
            // Reads in the middle file what is pending, and must see all of it.
            if (readsAt.includes(i)) expect(everything(batched)).toBe(everything(direct));
          });
          expect(everything(batched)).toBe(everything(direct));
        },
      ),
      { seed: 4104, numRuns: 25 },
    );
  });

  it('keeps the first-seen order of other outcomes when recorders and direct calls mix', () => {
    const metrics = new TrafficMetrics();
    const recorder = metrics.recorder('w');
    recorder.outcome('http_503', 0, 10);
    metrics.outcome('w', 'http_404', 0, 20);
    recorder.outcome('http_502', 0, 30);
    expect(Object.keys(metrics.summary('w').outcomes).slice(-3)).toEqual([
      'http_503',
      'http_404',
      'http_502',
    ]);
  });

  it("counts a backend through the recorder's bound counter like the keyed calls", () => {
    const metrics = new TrafficMetrics();
    const counter = metrics.recorder('w').backend('ns/pod-a');
    counter.connection();
    counter.request();
    counter.request();
    metrics.request('w', '10.0.0.1:80', 'ns/pod-a');
    expect(metrics.backendCounts('w')).toEqual({ 'ns/pod-a': { requests: 3, connections: 1 } });
  });
});

describe('TrafficMetrics failure reasons', () => {
  it('counts failures per (outcome, reason), lists the most frequent first and counts the rest', () => {
    const metrics = new TrafficMetrics();
    const recorder = metrics.recorder('w');
    recorder.outcome('ok', 10, 1, undefined);
    recorder.outcome('timeout', 0, 2, 'no answer within 2s: a');
    recorder.outcome('timeout', 0, 3, 'no answer within 2s: a');
    recorder.outcome('reset', 0, 4, 'connection reset: b');
    recorder.outcome('refused', 0, 5, 'no endpoints (REJECT)');
    recorder.outcome('refused', 0, 6, 'no endpoints (REJECT)');
    metrics.outcome('w', 'timeout', 0, 7, undefined, 'no answer within 2s: a');
    metrics.outcome('w', 'dropped', 0, 8); // no reason given
    for (let i = 0; i < 25; i++) recorder.outcome('reset', 0, 9, `connection reset: pod-${i}`);
    const summary = metrics.summary('w');
    expect(summary.failureReasons.slice(0, 3)).toEqual([
      { outcome: 'timeout', reason: 'no answer within 2s: a', count: 3 },
      { outcome: 'refused', reason: 'no endpoints (REJECT)', count: 2 },
      { outcome: 'reset', reason: 'connection reset: b', count: 1 },
    ]);
    expect(summary.failureReasons).toHaveLength(20);
    // 32 failures: the 20 listed reasons cover 3 + 2 + 1 + 17 x 1; the rest (8 resets and the
    // dropped request without a reason) are counted apart.
    expect(summary.otherFailures).toBe(9);
    expect(summary.requests - (summary.outcomes['ok'] ?? 0)).toBe(32);
  });
});
