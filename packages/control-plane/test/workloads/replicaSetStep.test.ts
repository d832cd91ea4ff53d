import { describe, expect, it } from 'vitest';
import { SECOND } from '@knsim/core';
import {
  BURST_REPLICAS,
  isPodAvailable,
  planReplicaSetStep,
  replicaSetStatusCounts,
  slowStartBatches,
  type ReplicaSetPod,
} from '../../src/workloads/replicaSetStep.js';

const NOW = 100 * SECOND;

const pod = (name: string, overrides: Partial<ReplicaSetPod> = {}): ReplicaSetPod => ({
  name,
  uid: `uid-${name}`,
  nodeName: 'node-1',
  phase: 'Running',
  ready: true,
  readySince: 10 * SECOND,
  createdAt: 5 * SECOND,
  terminating: false,
  ...overrides,
});

describe('slowStartBatches', () => {
  it.each([
    [0, []],
    [1, [1]],
    [3, [1, 2]],
    [10, [1, 2, 4, 3]],
    [15, [1, 2, 4, 8]],
    [16, [1, 2, 4, 8, 1]],
  ])('splits %i creations into %j', (count, batches) => {
    expect(slowStartBatches(count)).toEqual(batches);
  });

  it('caps batches at maxBatchSize', () => {
    expect(slowStartBatches(20, 1, 4)).toEqual([1, 2, 4, 4, 4, 4, 1]);
  });
});

describe('planReplicaSetStep', () => {
  it('given too few active pods, then it creates the shortfall in slow-start batches', () => {
    const pods = [
      pod('a'),
      pod('b'),
      // Neither counts: a replacement is created at once.
      pod('leaving', { terminating: true }),
      pod('crashed', { phase: 'Failed', ready: false }),
    ];
    expect(planReplicaSetStep(5, pods, NOW, pods)).toEqual({ create: 3, createBatches: [1, 2], delete: [] });
  });

  it('given a large shortfall, then it creates at most burstReplicas per sync', () => {
    const step = planReplicaSetStep(1_000, [], NOW, []);
    expect(step.create).toBe(BURST_REPLICAS);
    expect(step.createBatches).toEqual([1, 2, 4, 8, 16, 32, 64, 128, 245]);
    expect(planReplicaSetStep(10, [], NOW, [], 4).create).toBe(4);
  });

  it('given too many active pods, then it deletes the lowest-ranked ones, unhealthy first', () => {
    const pods = [
      pod('healthy'),
      pod('unscheduled', { nodeName: undefined, phase: 'Pending', ready: false }),
      pod('not-ready', { ready: false }),
      pod('going', { terminating: true }),
    ];
    const step = planReplicaSetStep(1, pods, NOW, pods);
    expect(step.create).toBe(0);
    expect(step.delete.map((p) => p.name)).toEqual(['unscheduled', 'not-ready']);
  });

  it('given the right number of active pods, then it does nothing', () => {
    const pods = [pod('a'), pod('b'), pod('old', { terminating: true })];
    expect(planReplicaSetStep(2, pods, NOW, pods)).toEqual({ create: 0, createBatches: [], delete: [] });
  });

  it('given a scale to zero, then it deletes every active pod', () => {
    const pods = [pod('a'), pod('b', { ready: false })];
    expect(planReplicaSetStep(0, pods, NOW, pods).delete.map((p) => p.name)).toEqual(['b', 'a']);
  });
});

describe('availability and status', () => {
  it('counts a pod available once it has been ready for more than minReadySeconds', () => {
    const ready = { ready: true, readySince: 90 * SECOND };
    expect(isPodAvailable(ready, 0, NOW)).toBe(true);
    expect(isPodAvailable(ready, 5, NOW)).toBe(true);
    expect(isPodAvailable(ready, 10, NOW)).toBe(false); // exactly 10 s: not yet
    expect(isPodAvailable({ ready: false, readySince: 0 }, 0, NOW)).toBe(false);
    expect(isPodAvailable({ ready: true }, 5, NOW)).toBe(false);
  });

  it('counts only active pods in the status', () => {
    const pods = [
      pod('available'),
      pod('fresh', { readySince: NOW - SECOND }),
      pod('unready', { ready: false }),
      pod('leaving', { terminating: true }),
      pod('done', { phase: 'Succeeded', ready: false }),
    ];
    expect(replicaSetStatusCounts(pods, 5, NOW)).toEqual({
      replicas: 3,
      readyReplicas: 2,
      availableReplicas: 1,
    });
  });
});
