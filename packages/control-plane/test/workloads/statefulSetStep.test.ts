import { describe, expect, it } from 'vitest';
import { SECOND } from '@knsim/core';
import {
  planStatefulSetStep,
  type StatefulSetAction,
  type StatefulSetPod,
  type StatefulSetStep,
  type StatefulSetView,
} from '../../src/workloads/statefulSetStep.js';

const NOW = 100 * SECOND;

const ordered = (replicas: number, overrides: Partial<StatefulSetView> = {}): StatefulSetView => ({
  replicas,
  podManagementPolicy: 'OrderedReady',
  updateStrategy: 'RollingUpdate',
  currentRevision: 'rev1',
  updateRevision: 'rev1',
  ...overrides,
});

const healthy = (revision = 'rev1'): StatefulSetPod => ({
  phase: 'Running',
  ready: true,
  readySince: 0,
  terminating: false,
  revision,
});

const podsOf = (entries: [number, StatefulSetPod][]) => new Map(entries);

/**
 * A toy cluster: a creation yields a Pending pod, a deletion marks the pod terminating; between
 * syncs `settle` makes Pending pods Running and Ready and removes terminating ones.
 */
class ToyCluster {
  readonly pods = new Map<number, StatefulSetPod>();

  sync(set: StatefulSetView): StatefulSetStep {
    const step = planStatefulSetStep(set, this.pods, NOW);
    for (const action of step.actions) this.apply(action);
    return step;
  }

  apply(action: StatefulSetAction): void {
    if (action.kind === 'create') {
      this.pods.set(action.ordinal, {
        phase: 'Pending',
        ready: false,
        terminating: false,
        revision: action.revision,
      });
    } else {
      const pod = this.pods.get(action.ordinal) as StatefulSetPod;
      this.pods.set(action.ordinal, { ...pod, terminating: true });
    }
  }

  settle(): void {
    for (const [ordinal, pod] of this.pods) {
      if (pod.terminating) this.pods.delete(ordinal);
      else if (pod.phase === 'Pending')
        this.pods.set(ordinal, { ...pod, phase: 'Running', ready: true, readySince: 0 });
    }
  }
}

describe('planStatefulSetStep, OrderedReady', () => {
  it('given an empty set, then it creates one pod per sync, each once the previous one is Running and Ready', () => {
    const cluster = new ToyCluster();
    const set = ordered(3);
    expect(cluster.sync(set)).toEqual({
      actions: [{ kind: 'create', ordinal: 0, revision: 'rev1' }],
      batches: [[{ kind: 'create', ordinal: 0, revision: 'rev1' }]],
    });
    // Pod 0 is still Pending: wait for it.
    expect(cluster.sync(set)).toEqual({
      actions: [],
      batches: [],
      waitingFor: { ordinal: 0, reason: 'not-running-and-ready' },
    });
    cluster.settle();
    expect(cluster.sync(set).actions).toEqual([{ kind: 'create', ordinal: 1, revision: 'rev1' }]);
    expect(cluster.sync(set).waitingFor).toEqual({ ordinal: 1, reason: 'not-running-and-ready' });
    cluster.settle();
    expect(cluster.sync(set).actions).toEqual([{ kind: 'create', ordinal: 2, revision: 'rev1' }]);
    cluster.settle();
    expect(cluster.sync(set)).toEqual({ actions: [], batches: [] });
  });

  it('waits for minReadySeconds before the next ordinal', () => {
    const set = ordered(2, { minReadySeconds: 30 });
    const justReady = { ...healthy(), readySince: NOW - 10 * SECOND };
    expect(planStatefulSetStep(set, podsOf([[0, justReady]]), NOW).waitingFor).toEqual({
      ordinal: 0,
      reason: 'not-available',
    });
    const settled = { ...healthy(), readySince: NOW - 31 * SECOND };
    expect(planStatefulSetStep(set, podsOf([[0, settled]]), NOW).actions).toEqual([
      { kind: 'create', ordinal: 1, revision: 'rev1' },
    ]);
  });

  it('deletes a failed pod, waits for it to be gone, then recreates it under the same ordinal', () => {
    const failed: StatefulSetPod = { ...healthy(), phase: 'Failed', ready: false };
    const pods = podsOf([
      [0, healthy()],
      [1, failed],
      [2, healthy()],
    ]);
    expect(planStatefulSetStep(ordered(3), pods, NOW).actions).toEqual([
      { kind: 'delete', ordinal: 1, reason: 'finished' },
    ]);
    pods.set(1, { ...failed, terminating: true });
    expect(planStatefulSetStep(ordered(3), pods, NOW).waitingFor).toEqual({
      ordinal: 1,
      reason: 'terminating',
    });
    pods.delete(1);
    expect(planStatefulSetStep(ordered(3), pods, NOW).actions).toEqual([
      { kind: 'create', ordinal: 1, revision: 'rev1' },
    ]);
  });

  it('given a scale-down, then it deletes the highest ordinal first, one at a time, waiting for each to be gone', () => {
    const cluster = new ToyCluster();
    for (const ordinal of [0, 1, 2, 3]) cluster.pods.set(ordinal, healthy());
    const set = ordered(1);
    const deleted: number[] = [];
    for (let sync = 0; sync < 10; sync++) {
      const step = cluster.sync(set);
      for (const action of step.actions) deleted.push(action.ordinal);
      expect(step.actions.length).toBeLessThanOrEqual(1);
      if (step.actions.length === 1) {
        // Until the pod object is gone, the next sync waits.
        expect(cluster.sync(set).waitingFor?.reason).toBe('terminating');
      }
      cluster.settle();
    }
    expect(deleted).toEqual([3, 2, 1]);
    expect([...cluster.pods.keys()]).toEqual([0]);
  });

  it('scales down an unhealthy pod only when it is the lowest unhealthy one', () => {
    const unready: StatefulSetPod = { ...healthy(), ready: false };
    // Pod 2 is the only unhealthy pod: it may go.
    expect(
      planStatefulSetStep(
        ordered(1),
        podsOf([
          [0, healthy()],
          [1, healthy()],
          [2, unready],
        ]),
        NOW,
      ).actions,
    ).toEqual([{ kind: 'delete', ordinal: 2, reason: 'scale-down' }]);
    // Pod 1 is unhealthy too and lower: pod 2 waits (Kubernetes blocks here as well).
    expect(
      planStatefulSetStep(
        ordered(1),
        podsOf([
          [0, healthy()],
          [1, unready],
          [2, unready],
        ]),
        NOW,
      ),
    ).toEqual({ actions: [], batches: [], waitingFor: { ordinal: 2, reason: 'not-running-and-ready' } });
  });

  it('honours spec.ordinals.start', () => {
    const set = ordered(2, { startOrdinal: 5 });
    expect(planStatefulSetStep(set, podsOf([[0, healthy()]]), NOW).actions).toEqual([
      { kind: 'create', ordinal: 5, revision: 'rev1' },
    ]);
    const full = podsOf([
      [0, healthy()],
      [5, healthy()],
      [6, healthy()],
    ]);
    expect(planStatefulSetStep(set, full, NOW).actions).toEqual([
      { kind: 'delete', ordinal: 0, reason: 'scale-down' },
    ]);
  });
});

describe('planStatefulSetStep, Parallel', () => {
  const parallel = (replicas: number): StatefulSetView =>
    ordered(replicas, { podManagementPolicy: 'Parallel' });

  it('given an empty set, then it creates every pod in one sync, in slow-start batches', () => {
    const step = planStatefulSetStep(parallel(10), new Map(), NOW);
    expect(step.batches.map((batch) => batch.map((action) => action.ordinal))).toEqual([
      [0],
      [1, 2],
      [3, 4, 5, 6],
      [7, 8, 9],
    ]);
    expect(step.actions.every((action) => action.kind === 'create')).toBe(true);
    // The update pass that follows finds the new top pod not yet ready.
    expect(step.waitingFor).toEqual({ ordinal: 9, reason: 'not-running-and-ready' });
  });

  it('creates missing pods and deletes finished ones without waiting for readiness', () => {
    const pods = podsOf([
      [0, { ...healthy(), phase: 'Pending', ready: false }],
      [1, { ...healthy(), phase: 'Failed', ready: false }],
    ]);
    expect(planStatefulSetStep(parallel(3), pods, NOW).actions).toEqual([
      { kind: 'delete', ordinal: 1, reason: 'finished' },
      { kind: 'create', ordinal: 2, revision: 'rev1' },
    ]);
  });

  it('deletes every out-of-range pod in one sync, highest first, skipping terminating ones', () => {
    const pods = podsOf([
      [0, healthy()],
      [1, { ...healthy(), ready: false }],
      [2, healthy()],
      [3, { ...healthy(), terminating: true }],
      [4, healthy()],
    ]);
    const step = planStatefulSetStep(parallel(1), pods, NOW);
    expect(step.batches).toEqual([
      [{ kind: 'delete', ordinal: 4, reason: 'scale-down' }],
      [{ kind: 'delete', ordinal: 2, reason: 'scale-down' }],
      [{ kind: 'delete', ordinal: 1, reason: 'scale-down' }],
    ]);
  });
});

describe('planStatefulSetStep, rolling update', () => {
  it('replaces pods one at a time from the highest ordinal, waiting for each replacement to be healthy', () => {
    const cluster = new ToyCluster();
    for (const ordinal of [0, 1, 2]) cluster.pods.set(ordinal, healthy('rev1'));
    const set = ordered(3, { updateRevision: 'rev2' });
    const log: string[] = [];
    for (let sync = 0; sync < 20; sync++) {
      const step = cluster.sync(set);
      for (const action of step.actions) log.push(`${action.kind} ${action.ordinal}`);
      cluster.settle();
    }
    expect(log).toEqual(['delete 2', 'create 2', 'delete 1', 'create 1', 'delete 0', 'create 0']);
    expect([...cluster.pods.values()].map((pod) => pod.revision)).toEqual(['rev2', 'rev2', 'rev2']);
  });

  it('waits for an updated pod that is not healthy before going lower', () => {
    const pods = podsOf([
      [0, healthy('rev1')],
      [1, healthy('rev1')],
      [2, { ...healthy('rev2'), ready: false }],
    ]);
    // OrderedReady stops at pod 2 while processing replicas already.
    expect(planStatefulSetStep(ordered(3, { updateRevision: 'rev2' }), pods, NOW).waitingFor).toEqual({
      ordinal: 2,
      reason: 'not-running-and-ready',
    });
    // Parallel reaches the update pass and stops there.
    const parallel = ordered(3, { updateRevision: 'rev2', podManagementPolicy: 'Parallel' });
    expect(planStatefulSetStep(parallel, pods, NOW)).toEqual({
      actions: [],
      batches: [],
      waitingFor: { ordinal: 2, reason: 'not-running-and-ready' },
    });
  });

  it('leaves pods below the partition at the current revision, and creates them at it', () => {
    const set = ordered(3, { updateRevision: 'rev2', partition: 2 });
    const pods = podsOf([
      [0, healthy('rev1')],
      [1, healthy('rev1')],
      [2, healthy('rev2')],
    ]);
    expect(planStatefulSetStep(set, pods, NOW)).toEqual({ actions: [], batches: [] });
    pods.delete(1);
    expect(planStatefulSetStep(set, pods, NOW).actions).toEqual([
      { kind: 'create', ordinal: 1, revision: 'rev1' },
    ]);
  });

  it('does not update an OnDelete set', () => {
    const set = ordered(2, { updateRevision: 'rev2', updateStrategy: 'OnDelete' });
    const pods = podsOf([
      [0, healthy('rev1')],
      [1, healthy('rev1')],
    ]);
    expect(planStatefulSetStep(set, pods, NOW)).toEqual({ actions: [], batches: [] });
    pods.delete(1);
    expect(planStatefulSetStep(set, pods, NOW).actions).toEqual([
      { kind: 'create', ordinal: 1, revision: 'rev2' },
    ]);
  });
});
