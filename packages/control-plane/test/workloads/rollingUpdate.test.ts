import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { IntOrString } from '@knsim/api';
import {
  isRolloutComplete,
  newReplicaSetReplicas,
  planRecreateStep,
  planRollingUpdateStep,
  resolveFenceposts,
  type RecreateReplicaSetView,
  type ReplicaSetView,
  type RollingUpdateDeploymentView,
  type RolloutStep,
} from '../../src/workloads/rollingUpdate.js';

/** A ReplicaSet in a toy cluster where the ReplicaSet controller acts instantly. */
interface ToyReplicaSet {
  readonly name: string;
  readonly createdAt: number;
  spec: number;
  available: number;
}

const view = (rs: ToyReplicaSet): ReplicaSetView => ({
  name: rs.name,
  createdAt: rs.createdAt,
  specReplicas: rs.spec,
  replicas: rs.spec,
  availableReplicas: Math.min(rs.available, rs.spec),
});

/** A toy Deployment: old ReplicaSets, maybe a new one, and a clock for creation times. */
class ToyRollout {
  newRs: ToyReplicaSet | undefined;
  readonly old: ToyReplicaSet[];
  #clock = 100;

  constructor(old: ToyReplicaSet[]) {
    this.old = old;
  }

  get all(): ToyReplicaSet[] {
    return this.newRs === undefined ? [...this.old] : [...this.old, this.newRs];
  }

  total(): number {
    return this.all.reduce((sum, rs) => sum + rs.spec, 0);
  }

  available(): number {
    return this.all.reduce((sum, rs) => sum + Math.min(rs.available, rs.spec), 0);
  }

  step(deployment: RollingUpdateDeploymentView): RolloutStep {
    return planRollingUpdateStep(
      deployment,
      this.newRs === undefined ? undefined : view(this.newRs),
      this.old.map(view),
    );
  }

  /** Applies a step; a scale-down removes unavailable pods first, as the deletion ranking does. */
  apply(step: RolloutStep): void {
    if (step.create !== undefined) {
      this.newRs = { name: 'web-new', createdAt: this.#clock++, spec: step.create.replicas, available: 0 };
    }
    for (const decision of step.scale) {
      const rs = this.all.find((candidate) => candidate.name === decision.replicaSet);
      if (rs === undefined) throw new Error(`no ReplicaSet ${decision.replicaSet}`);
      rs.spec = decision.replicas;
      rs.available = Math.min(rs.available, rs.spec);
    }
  }

  makeEverythingAvailable(): void {
    for (const rs of this.all) rs.available = rs.spec;
  }
}

const defaults = (replicas: number): RollingUpdateDeploymentView => ({
  replicas,
  maxSurge: '25%',
  maxUnavailable: '25%',
});

describe('resolveFenceposts', () => {
  it.each<[IntOrString, IntOrString, number, number, number]>([
    // Defaults (25%/25%): surge rounds up, unavailable rounds down.
    ['25%', '25%', 10, 3, 2],
    ['25%', '25%', 3, 1, 0],
    ['25%', '25%', 1, 1, 0],
    ['25%', '25%', 4, 1, 1],
    ['25%', '25%', 0, 0, 0],
    ['50%', '100%', 3, 2, 3],
    ['10%', '10%', 5, 1, 0],
    // Integers are taken as they are...
    [2, 1, 5, 2, 1],
    [0, 3, 5, 0, 3],
    // ...except that maxUnavailable is clamped to replicas, and is 0 for 0 replicas.
    [1, 10, 4, 1, 4],
    [1, 1, 0, 1, 0],
    // Both 0 (written, or rounded down): maxUnavailable becomes 1 so the rollout can move.
    [0, 0, 5, 0, 1],
    ['0%', '10%', 5, 0, 1],
    [0, '25%', 3, 0, 1],
  ])(
    'maxSurge %s, maxUnavailable %s, replicas %i → surge %i, unavailable %i',
    (surge, unavailable, replicas, s, u) => {
      expect(resolveFenceposts(surge, unavailable, replicas)).toEqual({ maxSurge: s, maxUnavailable: u });
    },
  );

  it('rejects malformed values and replica counts', () => {
    expect(() => resolveFenceposts('25', 1, 3)).toThrow(RangeError);
    expect(() => resolveFenceposts(1, -1, 3)).toThrow(RangeError);
    expect(() => resolveFenceposts(1, 1, -1)).toThrow(RangeError);
  });
});

describe('newReplicaSetReplicas', () => {
  const deployment = { replicas: 10, maxSurge: '25%', maxUnavailable: '25%' };

  it('grows the new ReplicaSet by the surge room, capped at replicas', () => {
    expect(newReplicaSetReplicas(deployment, [{ specReplicas: 10 }], 0)).toBe(3);
    expect(newReplicaSetReplicas(deployment, [{ specReplicas: 8 }, { specReplicas: 3 }], 3)).toBe(5);
    expect(newReplicaSetReplicas(deployment, [{ specReplicas: 1 }, { specReplicas: 8 }], 8)).toBe(10);
  });

  it('keeps the new ReplicaSet as it is when the total is at the limit', () => {
    expect(newReplicaSetReplicas(deployment, [{ specReplicas: 10 }, { specReplicas: 3 }], 3)).toBe(3);
    expect(newReplicaSetReplicas(deployment, [{ specReplicas: 12 }, { specReplicas: 3 }], 3)).toBe(3);
  });
});

describe('planRollingUpdateStep', () => {
  it('given replicas 3 and default fenceposts, when every pod becomes available at once, then it rolls new+1, old-1, ...', () => {
    const rollout = new ToyRollout([{ name: 'web-old', createdAt: 1, spec: 3, available: 3 }]);
    const history: [number, number][] = [];
    let step = rollout.step(defaults(3));
    while (!step.complete) {
      rollout.apply(step);
      history.push([rollout.newRs?.spec ?? 0, rollout.old[0]?.spec ?? 0]);
      rollout.makeEverythingAvailable();
      step = rollout.step(defaults(3));
      expect(history.length).toBeLessThan(20);
    }
    expect(history).toEqual([
      [1, 3],
      [1, 2],
      [2, 2],
      [2, 1],
      [3, 1],
      [3, 0],
    ]);
    expect(history.map(([fresh, old]) => fresh + old)).toEqual([4, 3, 4, 3, 4, 3]);
  });

  it('given the first sync, then it creates the new ReplicaSet and may scale old ones down in the same sync', () => {
    // replicas 4: surge 1, unavailable 1. Creating the new ReplicaSet with 1 pod leaves room to
    // drop one available old pod straight away.
    const step = planRollingUpdateStep(defaults(4), undefined, [
      view({ name: 'web-old', createdAt: 1, spec: 4, available: 4 }),
    ]);
    expect(step).toEqual({
      create: { replicas: 1 },
      scale: [{ replicaSet: 'web-old', replicas: 3 }],
      complete: false,
    });
  });

  it('given new pods that never become ready, then the rollout stalls with at most maxUnavailable unavailable', () => {
    // replicas 10: surge 3, unavailable 2, so old ReplicaSets never go below 8.
    const rollout = new ToyRollout([{ name: 'web-old', createdAt: 1, spec: 10, available: 10 }]);
    const totals: number[] = [];
    for (let sync = 0; sync < 10; sync++) {
      rollout.apply(rollout.step(defaults(10)));
      totals.push(rollout.total());
      expect(rollout.total()).toBeLessThanOrEqual(13);
      expect(rollout.available()).toBeGreaterThanOrEqual(8);
    }
    expect(rollout.old[0]?.spec).toBe(8);
    expect(rollout.newRs?.spec).toBe(5);
    expect(totals.slice(0, 3)).toEqual([11, 13, 13]);
    const stalled = rollout.step(defaults(10));
    expect(stalled).toEqual({ scale: [], complete: false });

    // replicas 3 with maxUnavailable 0: the old ReplicaSet is never touched.
    const strict = new ToyRollout([{ name: 'api-old', createdAt: 1, spec: 3, available: 3 }]);
    for (let sync = 0; sync < 5; sync++) strict.apply(strict.step(defaults(3)));
    expect([strict.newRs?.spec, strict.old[0]?.spec]).toEqual([1, 3]);
  });

  it('removes unavailable old pods first, oldest ReplicaSet first, ties broken by name', () => {
    const deployment = { replicas: 6, maxSurge: 0, maxUnavailable: 1 };
    const fresh = view({ name: 'web-c', createdAt: 9, spec: 2, available: 2 });
    const older = [
      view({ name: 'web-b', createdAt: 5, spec: 2, available: 1 }),
      view({ name: 'web-a', createdAt: 5, spec: 2, available: 1 }),
    ];
    // all = 6, minAvailable = 5, the new ReplicaSet is fully available: 1 pod may go. It is the
    // unavailable one of web-a (same age as web-b, smaller name). Then 4 available ≤ 5: stop.
    expect(planRollingUpdateStep(deployment, fresh, older)).toEqual({
      scale: [{ replicaSet: 'web-a', replicas: 1 }],
      complete: false,
    });
  });

  it('scales healthy old pods down only as far as availability above the minimum allows', () => {
    const deployment = { replicas: 10, maxSurge: 3, maxUnavailable: 2 };
    const fresh = view({ name: 'new', createdAt: 9, spec: 3, available: 3 });
    const older = [
      view({ name: 'older', createdAt: 1, spec: 2, available: 2 }),
      view({ name: 'old', createdAt: 2, spec: 8, available: 8 }),
    ];
    // Available 13, minimum 8: 5 may go, 2 from the oldest then 3 from the next.
    expect(planRollingUpdateStep(deployment, fresh, older).scale).toEqual([
      { replicaSet: 'older', replicas: 0 },
      { replicaSet: 'old', replicas: 5 },
    ]);
  });

  it('scales a new ReplicaSet above replicas down to replicas first', () => {
    const fresh = view({ name: 'new', createdAt: 9, spec: 5, available: 5 });
    expect(planRollingUpdateStep(defaults(3), fresh, [])).toEqual({
      scale: [{ replicaSet: 'new', replicas: 3 }],
      complete: false,
    });
  });

  it('reports completion only once old pods are gone and every replica is available', () => {
    const fresh = view({ name: 'new', createdAt: 9, spec: 3, available: 3 });
    const drained: ReplicaSetView = {
      name: 'old',
      createdAt: 1,
      specReplicas: 0,
      replicas: 1,
      availableReplicas: 0,
    };
    expect(planRollingUpdateStep(defaults(3), fresh, [drained])).toEqual({ scale: [], complete: false });
    expect(planRollingUpdateStep(defaults(3), fresh, [{ ...drained, replicas: 0 }])).toEqual({
      scale: [],
      complete: true,
    });
    expect(isRolloutComplete(3, undefined, [])).toBe(false);
  });

  const SEED = 1_337;
  it(`never exceeds replicas + maxSurge, never scales below replicas - maxUnavailable available, and completes (seed ${SEED})`, () => {
    const intOrPercent = fc.oneof(
      fc.integer({ min: 0, max: 6 }),
      fc.integer({ min: 0, max: 100 }).map((percent) => `${percent}%`),
    );
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 15 }),
        fc.integer({ min: 0, max: 15 }),
        intOrPercent,
        intOrPercent,
        fc.array(fc.array(fc.nat(), { minLength: 3, maxLength: 3 }), { maxLength: 30 }),
        (replicas, split, maxSurge, maxUnavailable, evolution) => {
          const deployment = { replicas, maxSurge, maxUnavailable };
          const fence = resolveFenceposts(maxSurge, maxUnavailable, replicas);
          const first = Math.min(split, replicas);
          const rollout = new ToyRollout([
            { name: 'v1', createdAt: 1, spec: first, available: first },
            { name: 'v2', createdAt: 2, spec: replicas - first, available: replicas - first },
          ]);
          const minAvailable = replicas - fence.maxUnavailable;
          const check = (): void => {
            const before = rollout.available();
            rollout.apply(rollout.step(deployment));
            expect(rollout.total()).toBeLessThanOrEqual(replicas + fence.maxSurge);
            expect(rollout.available()).toBeGreaterThanOrEqual(Math.min(before, minAvailable));
          };
          // Arbitrary availability: any number of each ReplicaSet's pods may be available.
          for (const draws of evolution) {
            check();
            rollout.all.forEach((rs, i) => {
              rs.available = (draws[i] ?? 0) % (rs.spec + 1);
            });
          }
          // Then every pod comes up: the rollout must finish.
          for (let sync = 0; sync < 4 * replicas + 10; sync++) {
            if (rollout.step(deployment).complete) break;
            check();
            rollout.makeEverythingAvailable();
          }
          expect(rollout.step(deployment).complete).toBe(true);
          expect(rollout.newRs?.spec).toBe(replicas);
        },
      ),
      { seed: SEED, numRuns: 400 },
    );
  });
});

describe('planRecreateStep', () => {
  const recreate = (rs: ToyReplicaSet, unfinishedPods: number): RecreateReplicaSetView => ({
    ...view(rs),
    unfinishedPods,
  });

  it('given old pods, then it scales every old ReplicaSet to 0, waits for their pods to be gone, then creates the new one', () => {
    const old = [
      recreate({ name: 'v2', createdAt: 2, spec: 1, available: 1 }, 1),
      recreate({ name: 'v1', createdAt: 1, spec: 2, available: 2 }, 2),
    ];
    expect(planRecreateStep({ replicas: 3 }, undefined, old)).toEqual({
      scale: [
        { replicaSet: 'v1', replicas: 0 },
        { replicaSet: 'v2', replicas: 0 },
      ],
      complete: false,
    });
    // Scaled to 0, but a pod is still terminating: wait.
    const draining = old.map((rs) => ({ ...rs, specReplicas: 0, replicas: 0, availableReplicas: 0 }));
    expect(planRecreateStep({ replicas: 3 }, undefined, draining)).toEqual({ scale: [], complete: false });
    const gone = draining.map((rs) => ({ ...rs, unfinishedPods: 0 }));
    expect(planRecreateStep({ replicas: 3 }, undefined, gone)).toEqual({
      create: { replicas: 3 },
      scale: [],
      complete: false,
    });
    const fresh = view({ name: 'v3', createdAt: 3, spec: 0, available: 0 });
    expect(planRecreateStep({ replicas: 3 }, fresh, gone).scale).toEqual([{ replicaSet: 'v3', replicas: 3 }]);
    const done = view({ name: 'v3', createdAt: 3, spec: 3, available: 3 });
    expect(planRecreateStep({ replicas: 3 }, done, gone)).toEqual({ scale: [], complete: true });
  });
});
