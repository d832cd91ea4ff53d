import type { PodPhase } from '@knsim/api';
import type { Instant } from '@knsim/core';
import { isPodAvailable, slowStartBatches } from './replicaSetStep.js';

/**
 * The StatefulSet controller's decisions for one sync (Kubernetes' `updateStatefulSet`): which
 * ordinals to create or delete, and what the set waits for.
 *
 * @module
 */

/** The most pod operations a Parallel StatefulSet has in flight at once. */
export const STATEFUL_SET_MAX_BATCH_SIZE = 500;

/** What a sync reads of the StatefulSet (after API defaulting). */
export interface StatefulSetView {
  /** spec.replicas. */
  readonly replicas: number;
  /** spec.ordinals.start; defaults to 0. */
  readonly startOrdinal?: number;
  readonly podManagementPolicy: 'OrderedReady' | 'Parallel';
  readonly updateStrategy: 'RollingUpdate' | 'OnDelete';
  /**
   * spec.updateStrategy.rollingUpdate.partition; defaults to 0. Counted from `startOrdinal`, as
   * Kubernetes does: pods below `startOrdinal + partition` keep the current revision.
   */
  readonly partition?: number;
  /** Defaults to 0. */
  readonly minReadySeconds?: number;
  /** The revision most pods run (status.currentRevision). */
  readonly currentRevision: string;
  /** The revision of the current template (status.updateRevision). */
  readonly updateRevision: string;
}

/** What a sync reads of one of the set's pods. */
export interface StatefulSetPod {
  readonly phase: PodPhase;
  /** The Ready condition is True. */
  readonly ready: boolean;
  /** Last transition of the Ready condition. */
  readonly readySince?: Instant | undefined;
  /** Its deletion has been requested (deletionTimestamp set). */
  readonly terminating: boolean;
  /** Its controller-revision-hash label. */
  readonly revision: string | undefined;
}

/** Why a pod is deleted. */
export type StatefulSetDeleteReason =
  /** It is Succeeded or Failed; it is recreated once the object is gone. */
  | 'finished'
  /** Its ordinal is out of range after a scale-down. */
  | 'scale-down'
  /** It runs an old revision; it is recreated at the update revision once the object is gone. */
  | 'update';

/** One API call of a sync. */
export type StatefulSetAction =
  | { readonly kind: 'create'; readonly ordinal: number; readonly revision: string }
  | { readonly kind: 'delete'; readonly ordinal: number; readonly reason: StatefulSetDeleteReason };

/** Why a pod holds the set up. */
export type StatefulSetWaitReason = 'terminating' | 'not-running-and-ready' | 'not-available';

/** The pod a sync stopped at, and why. */
export interface StatefulSetWait {
  readonly ordinal: number;
  readonly reason: StatefulSetWaitReason;
}

/** The outcome of one StatefulSet sync. */
export interface StatefulSetStep {
  /** Every call, in the order issued. */
  readonly actions: readonly StatefulSetAction[];
  /**
   * The same calls grouped as they run: the calls of a batch in parallel, a batch only after the
   * previous one has finished. OrderedReady issues at most one call per sync.
   */
  readonly batches: readonly (readonly StatefulSetAction[])[];
  /** Set when the sync stopped early because of a pod's state rather than its own action. */
  readonly waitingFor?: StatefulSetWait;
}

/**
 * One StatefulSet sync.
 *
 * OrderedReady (monotonic), where the first call or obstacle ends the sync:
 * 1. ordinals in range, ascending: delete a finished pod (recreated on a later sync, after the
 *    object is gone); create the lowest missing one; stop at a pod that is terminating, not
 *    Running and Ready, or not yet available (minReadySeconds);
 * 2. then ordinals out of range, highest first: delete one, if it is Running, Ready and
 *    available or is the lowest unhealthy pod of the set; otherwise wait for it; wait for a
 *    terminating one to be gone;
 * 3. then the rolling update.
 *
 * Parallel: step 1 creates every missing pod and deletes every finished one, and step 2 deletes
 * every out-of-range pod, in slow-start batches (1, 2, 4, ... up to 500), with no readiness gates.
 *
 * Rolling update (both policies, not OnDelete): from the highest ordinal down to the partition,
 * delete the first pod that is not at the update revision and not terminating; stop at a pod that
 * is not healthy. One pod at a time, highest first.
 *
 * The health checks follow Kubernetes' `isHealthy` (Running, Ready, not terminating) together with
 * availability, which newer Kubernetes also requires; with minReadySeconds 0 they coincide.
 *
 * @param pods - the set's pods by ordinal; negative ordinals (unparseable names) are ignored.
 */
export function planStatefulSetStep(
  set: StatefulSetView,
  pods: ReadonlyMap<number, StatefulSetPod>,
  now: Instant,
): StatefulSetStep {
  const start = set.startOrdinal ?? 0;
  const end = start + set.replicas; // exclusive
  const monotonic = set.podManagementPolicy !== 'Parallel';
  const minReadySeconds = set.minReadySeconds ?? 0;
  const unhealthyReason = (pod: StatefulSetPod | undefined): StatefulSetWaitReason | undefined => {
    // A pod not created yet (or created this sync) has no status, so it is not Running and Ready.
    if (pod === undefined) return 'not-running-and-ready';
    if (pod.terminating) return 'terminating';
    if (pod.phase !== 'Running' || !pod.ready) return 'not-running-and-ready';
    if (!isPodAvailable(pod, minReadySeconds, now)) return 'not-available';
    return undefined;
  };

  const condemned = [...pods.keys()]
    .filter((ordinal) => ordinal >= 0 && (ordinal < start || ordinal >= end))
    .sort((a, b) => b - a);
  let firstUnhealthy: number | undefined;
  for (let ordinal = start; ordinal < end && firstUnhealthy === undefined; ordinal++) {
    if (unhealthyReason(pods.get(ordinal)) !== undefined) firstUnhealthy = ordinal;
  }
  for (let i = condemned.length - 1; i >= 0 && firstUnhealthy === undefined; i--) {
    const ordinal = condemned[i] as number;
    if (unhealthyReason(pods.get(ordinal)) !== undefined) firstUnhealthy = ordinal;
  }

  const batches: StatefulSetAction[][] = [];
  const issue = (batch: StatefulSetAction[]): void => {
    if (batch.length > 0) batches.push(batch);
  };
  const finish = (waitingFor?: StatefulSetWait): StatefulSetStep =>
    waitingFor === undefined
      ? { actions: batches.flat(), batches }
      : { actions: batches.flat(), batches, waitingFor };
  // What this sync did, for the update pass that follows in the same sync.
  const createdRevision = new Map<number, string>();
  const deleted = new Set<number>();

  // 1. Replicas in range.
  const processReplica = (
    ordinal: number,
  ): { action?: StatefulSetAction; wait?: StatefulSetWait; stop: boolean } => {
    const pod = pods.get(ordinal);
    if (pod?.phase === 'Failed' || pod?.phase === 'Succeeded') {
      if (pod.terminating) return { wait: { ordinal, reason: 'terminating' }, stop: true };
      deleted.add(ordinal);
      return { action: { kind: 'delete', ordinal, reason: 'finished' }, stop: true };
    }
    if (pod === undefined) {
      const revision =
        set.updateStrategy === 'RollingUpdate' && ordinal < start + (set.partition ?? 0)
          ? set.currentRevision
          : set.updateRevision;
      createdRevision.set(ordinal, revision);
      return { action: { kind: 'create', ordinal, revision }, stop: true };
    }
    const reason = unhealthyReason(pod);
    return reason === undefined ? { stop: false } : { wait: { ordinal, reason }, stop: true };
  };
  if (monotonic) {
    for (let ordinal = start; ordinal < end; ordinal++) {
      const outcome = processReplica(ordinal);
      if (outcome.action !== undefined) issue([outcome.action]);
      if (outcome.stop) return finish(outcome.wait);
    }
  } else {
    // In Parallel mode nothing stops the pass: every ordinal is processed, a batch at a time.
    let ordinal = start;
    for (const size of slowStartBatches(set.replicas, 1, STATEFUL_SET_MAX_BATCH_SIZE)) {
      const batch: StatefulSetAction[] = [];
      for (let i = 0; i < size; i++, ordinal++) {
        const { action } = processReplica(ordinal);
        if (action !== undefined) batch.push(action);
      }
      issue(batch);
    }
  }

  // 2. Pods out of range, highest ordinal first.
  if (monotonic) {
    const ordinal = condemned[0];
    if (ordinal !== undefined) {
      const reason = unhealthyReason(pods.get(ordinal));
      if (reason === 'terminating') return finish({ ordinal, reason });
      // The lowest unhealthy pod may go even though it is unhealthy: waiting would never end.
      if (reason !== undefined && ordinal !== firstUnhealthy) return finish({ ordinal, reason });
      issue([{ kind: 'delete', ordinal, reason: 'scale-down' }]);
      return finish();
    }
  } else {
    let index = 0;
    for (const size of slowStartBatches(condemned.length, 1, STATEFUL_SET_MAX_BATCH_SIZE)) {
      const batch: StatefulSetAction[] = [];
      for (let i = 0; i < size; i++, index++) {
        const ordinal = condemned[index] as number;
        if (!(pods.get(ordinal) as StatefulSetPod).terminating) {
          batch.push({ kind: 'delete', ordinal, reason: 'scale-down' });
        }
      }
      issue(batch);
    }
  }

  // 3. Rolling update, one pod at a time from the top.
  if (set.updateStrategy === 'OnDelete') return finish();
  for (let ordinal = end - 1; ordinal >= start + (set.partition ?? 0); ordinal--) {
    const justCreated = createdRevision.get(ordinal);
    const pod = justCreated === undefined ? pods.get(ordinal) : undefined;
    const terminating = deleted.has(ordinal) || pod?.terminating === true;
    const revision = justCreated ?? pod?.revision;
    if (revision !== set.updateRevision && !terminating) {
      issue([{ kind: 'delete', ordinal, reason: 'update' }]);
      return finish();
    }
    const reason = terminating ? 'terminating' : unhealthyReason(pod);
    if (reason !== undefined) return finish({ ordinal, reason });
  }
  return finish();
}
