import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { PodPhase } from '@knsim/api';
import { SECOND } from '@knsim/core';
import {
  deletionOrderComparator,
  isPodActive,
  logarithmicAgeBucket,
  podDeletionCost,
  POD_DELETION_COST_ANNOTATION,
  rankPodsForDeletion,
  type DeletionCandidate,
  type RelatedPod,
} from '../../src/workloads/podDeletionRanking.js';

const NOW = 1_000 * SECOND;

/** A Running, ready, scheduled pod created long ago; tests override what their rule is about. */
const pod = (name: string, overrides: Partial<DeletionCandidate> = {}): DeletionCandidate => ({
  name,
  uid: `uid-${name}`,
  nodeName: 'node-1',
  phase: 'Running',
  ready: true,
  readySince: 10 * SECOND,
  createdAt: 5 * SECOND,
  ...overrides,
});

const order = (pods: DeletionCandidate[], related: readonly RelatedPod[] = []): string[] =>
  rankPodsForDeletion(pods, NOW, related).map((p) => p.name);

describe('rankPodsForDeletion', () => {
  it('deletes unscheduled pods before scheduled ones', () => {
    expect(order([pod('scheduled'), pod('unscheduled', { nodeName: undefined })])).toEqual([
      'unscheduled',
      'scheduled',
    ]);
    expect(order([pod('scheduled'), pod('empty-node', { nodeName: '' })])[0]).toBe('empty-node');
  });

  it('deletes Pending before Unknown before Running', () => {
    const pods = [
      pod('running'),
      pod('unknown', { phase: 'Unknown', ready: false }),
      pod('pending', { phase: 'Pending', ready: false }),
    ];
    expect(order(pods)).toEqual(['pending', 'unknown', 'running']);
  });

  it('deletes not-ready pods before ready ones', () => {
    expect(order([pod('ready'), pod('not-ready', { ready: false })])).toEqual(['not-ready', 'ready']);
  });

  it('deletes the pod with the lower pod-deletion-cost first, ignoring malformed costs', () => {
    const cost = (value: string) => ({ annotations: { [POD_DELETION_COST_ANNOTATION]: value } });
    expect(order([pod('dear', cost('10')), pod('default'), pod('cheap', cost('-5'))])).toEqual([
      'cheap',
      'default',
      'dear',
    ]);
    expect(podDeletionCost({ [POD_DELETION_COST_ANNOTATION]: '+5' })).toBe(0);
    expect(podDeletionCost({ [POD_DELETION_COST_ANNOTATION]: '007' })).toBe(0);
    expect(podDeletionCost({ [POD_DELETION_COST_ANNOTATION]: '3000000000' })).toBe(0);
    expect(podDeletionCost({ [POD_DELETION_COST_ANNOTATION]: '-2147483648' })).toBe(-2147483648);
    expect(podDeletionCost({ [POD_DELETION_COST_ANNOTATION]: '0' })).toBe(0);
    expect(podDeletionCost(undefined)).toBe(0);
  });

  it('deletes from the node with more active related pods first (evening out nodes)', () => {
    const related: RelatedPod[] = [
      { nodeName: 'crowded', terminating: false },
      { nodeName: 'crowded', terminating: false },
      { nodeName: 'crowded', phase: 'Running', terminating: false },
      { nodeName: 'quiet', terminating: false },
      // Inactive pods do not count towards a node's rank.
      { nodeName: 'quiet', terminating: true },
      { nodeName: 'quiet', phase: 'Succeeded', terminating: false },
      { nodeName: 'quiet', phase: 'Failed', terminating: false },
    ];
    expect(
      order([pod('on-quiet', { nodeName: 'quiet' }), pod('on-crowded', { nodeName: 'crowded' })], related),
    ).toEqual(['on-crowded', 'on-quiet']);
    // Without related pods (a ReplicaSet with no controller) every rank is 0: the tie goes on.
    expect(order([pod('b', { nodeName: 'quiet' }), pod('a', { nodeName: 'crowded' })])).toEqual(['a', 'b']);
  });

  it('deletes the more recently ready pod first, by logarithmic bucket, then by UID', () => {
    // Ready 1 s ago and 500 s ago fall in different buckets.
    expect(
      order([
        pod('veteran', { readySince: NOW - 500 * SECOND }),
        pod('rookie', { readySince: NOW - SECOND }),
      ]),
    ).toEqual(['rookie', 'veteran']);
    // 600 s and 700 s ago share a bucket (2^39 ns ≈ 550 s ≤ both < 2^40 ns): the UID decides.
    const sameBucket = [
      pod('recent', { uid: 'b', readySince: NOW - 600 * SECOND }),
      pod('older', { uid: 'a', readySince: NOW - 700 * SECOND }),
    ];
    expect(order(sameBucket)).toEqual(['older', 'recent']);
    // An unknown ready time goes first.
    expect(order([pod('known'), pod('unknown', { readySince: undefined })])).toEqual(['unknown', 'known']);
    // Ready at the very same instant: still the UID, where Kubernetes would go on to restarts.
    // Its way is intransitive (see deletionOrderComparator); this one is a total order.
    const together = [pod('crashy', { uid: 'b', restarts: 3 }), pod('calm', { uid: 'a' })];
    expect(order(together)).toEqual(['calm', 'crashy']);
  });

  it('deletes the pod with more restarts first', () => {
    const pods = [pod('calm', { ready: false }), pod('crashy', { ready: false, restarts: 4 })];
    expect(order(pods)).toEqual(['crashy', 'calm']);
  });

  it('deletes the newer pod first, by logarithmic bucket, then by UID', () => {
    const young = pod('young', { ready: false, createdAt: NOW - 2 * SECOND });
    const old = pod('old', { ready: false, createdAt: NOW - 900 * SECOND });
    expect(order([old, young])).toEqual(['young', 'old']);
    const twin = (name: string, uid: string, age: number) =>
      pod(name, { uid, ready: false, createdAt: NOW - age * SECOND });
    expect(order([twin('newer', 'z', 600), twin('older', 'a', 700)])).toEqual(['older', 'newer']);
    // Same UID (never in a real cluster): the name settles it, so the order is still total.
    expect(order([twin('q', 'same', 600), twin('p', 'same', 600)])).toEqual(['p', 'q']);
  });

  it('returns a sorted copy and leaves the input alone', () => {
    const pods = [pod('ready'), pod('not-ready', { ready: false })];
    const ranked = rankPodsForDeletion(pods, NOW, []);
    expect(ranked).not.toBe(pods);
    expect(pods.map((p) => p.name)).toEqual(['ready', 'not-ready']);
  });

  const SEED = 4_242;
  it(`is a total order: antisymmetric and transitive (seed ${SEED})`, () => {
    // Small domains, skewed towards the common case (scheduled, Running, ready, no cost), so that
    // many pods tie on the early rules and the later ones get exercised.
    const often = <T>(usual: T, ...rare: T[]) =>
      fc.oneof({ arbitrary: fc.constant(usual), weight: 3 }, fc.constantFrom(usual, ...rare));
    const candidate = fc.record({
      uid: fc.constantFrom('a', 'b', 'c', 'd'),
      nodeName: often<string | undefined>('n1', undefined, '', 'n2'),
      phase: often<PodPhase | undefined>('Running', undefined, 'Pending', 'Unknown'),
      ready: often(true, false),
      readySince: often<number | undefined>(
        NOW - 600 * SECOND,
        undefined,
        0,
        NOW - 700 * SECOND,
        NOW - SECOND,
        NOW,
        NOW + 5,
      ),
      cost: often<string | undefined>(undefined, '-1', '0', '1', 'bad'),
      restarts: fc.constantFrom(undefined, 0, 2),
      createdAt: fc.constantFrom(0, NOW - 600 * SECOND, NOW - 700 * SECOND, NOW),
    });
    fc.assert(
      fc.property(
        fc.array(candidate, { minLength: 3, maxLength: 8 }),
        fc.array(fc.record({ nodeName: fc.constantFrom(undefined, 'n1', 'n2'), terminating: fc.boolean() })),
        (drawn, related) => {
          const pods: DeletionCandidate[] = drawn.map((d, i) => ({
            name: `pod-${i}`,
            uid: d.uid,
            nodeName: d.nodeName,
            phase: d.phase,
            ready: d.ready,
            readySince: d.readySince,
            annotations: d.cost === undefined ? undefined : { [POD_DELETION_COST_ANNOTATION]: d.cost },
            restarts: d.restarts,
            createdAt: d.createdAt,
          }));
          const compare = deletionOrderComparator(NOW, related);
          for (const a of pods) {
            expect(compare(a, a)).toBe(0);
            for (const b of pods) {
              if (a === b) continue;
              expect(Math.sign(compare(a, b))).toBe(-Math.sign(compare(b, a)));
              expect(compare(a, b)).not.toBe(0);
              for (const c of pods) {
                if (compare(a, b) < 0 && compare(b, c) < 0) expect(compare(a, c)).toBeLessThan(0);
              }
            }
          }
          // Sorting is then independent of the input order.
          expect(rankPodsForDeletion([...pods].reverse(), NOW, related)).toEqual(
            rankPodsForDeletion(pods, NOW, related),
          );
        },
      ),
      { seed: SEED, numRuns: 300 },
    );
  });
});

describe('logarithmicAgeBucket', () => {
  it('is floor(log2(age in nanoseconds)), -1 for no age', () => {
    expect(logarithmicAgeBucket(NOW, NOW)).toBe(-1);
    expect(logarithmicAgeBucket(NOW + 1, NOW)).toBe(-1);
    expect(logarithmicAgeBucket(NOW - 1, NOW)).toBe(9); // 1000 ns
    expect(logarithmicAgeBucket(NOW - SECOND, NOW)).toBe(29); // 2^29 ≤ 1e9 < 2^30
    expect(logarithmicAgeBucket(0, 2 ** 52)).toBe(61); // beyond 2^53 ns, still exact
  });
});

describe('isPodActive', () => {
  it('excludes finished and terminating pods', () => {
    expect(isPodActive({ phase: 'Running', terminating: false })).toBe(true);
    expect(isPodActive({ phase: undefined, terminating: false })).toBe(true);
    expect(isPodActive({ phase: 'Running', terminating: true })).toBe(false);
    expect(isPodActive({ phase: 'Failed', terminating: false })).toBe(false);
    expect(isPodActive({ phase: 'Succeeded', terminating: false })).toBe(false);
  });
});
