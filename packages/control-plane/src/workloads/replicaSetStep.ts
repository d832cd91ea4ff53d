import { SECOND, type Instant } from '@knsim/core';
import {
  isPodActive,
  rankPodsForDeletion,
  type DeletionCandidate,
  type RelatedPod,
} from './podDeletionRanking.js';

/**
 * The ReplicaSet controller's decisions for one sync (Kubernetes' `manageReplicas`): how many pods
 * to create, in which slow-start batches, or which pods to delete.
 *
 * @module
 */

/** The most pods a ReplicaSet creates or deletes in one sync (`burstReplicas`). */
export const BURST_REPLICAS = 500;

/**
 * The batch sizes of Kubernetes' slow start for `count` operations: 1, 2, 4, ... (each batch at
 * most twice the previous one, and at most `maxBatchSize`), the last batch taking what remains.
 * A batch's calls run in parallel; the next batch starts only once all of them succeeded, so a
 * failing API costs one call rather than `count`.
 *
 * @example
 * ```ts
 * slowStartBatches(10); // [1, 2, 4, 3]
 * ```
 */
export function slowStartBatches(count: number, initialBatchSize = 1, maxBatchSize = Infinity): number[] {
  if (!Number.isInteger(count) || count < 0)
    throw new RangeError(`count ${count} must be a non-negative integer`);
  if (!(initialBatchSize >= 1) || !(maxBatchSize >= 1))
    throw new RangeError('batch sizes must be at least 1');
  const batches: number[] = [];
  let remaining = count;
  for (
    let size = Math.min(remaining, initialBatchSize);
    size > 0;
    size = Math.min(2 * size, remaining, maxBatchSize)
  ) {
    batches.push(size);
    remaining -= size;
  }
  return batches;
}

/** A pod owned by the ReplicaSet: what the deletion ranking reads, plus whether it is going away. */
export interface ReplicaSetPod extends DeletionCandidate {
  /** Its deletion has been requested (deletionTimestamp set). */
  readonly terminating: boolean;
}

/** The outcome of one ReplicaSet sync: at most one of `create` and `delete` is non-empty. */
export interface ReplicaSetStep<T> {
  /** Pods to create now. */
  readonly create: number;
  /** `create` split into slow-start batches. */
  readonly createBatches: readonly number[];
  /** Pods to delete now, all at once, in ranking order. */
  readonly delete: readonly T[];
}

/**
 * One ReplicaSet sync. Only active pods count (not Succeeded, not Failed, not terminating), so a
 * pod marked for deletion is replaced at once, without waiting for it to stop. A shortfall is
 * created in slow-start batches; a surplus is deleted, lowest in {@link rankPodsForDeletion}
 * first. Either is capped at `burstReplicas`; the rest waits for the next sync.
 *
 * The caller is responsible for Kubernetes' expectations: while creations or deletions of the
 * previous sync have not been observed yet, the controller skips this and only updates status.
 *
 * @param pods - every pod the ReplicaSet owns, whatever its phase.
 * @param relatedPods - for the node ranks, see {@link rankPodsForDeletion}.
 */
export function planReplicaSetStep<T extends ReplicaSetPod>(
  specReplicas: number,
  pods: readonly T[],
  now: Instant,
  relatedPods: readonly RelatedPod[],
  burstReplicas = BURST_REPLICAS,
): ReplicaSetStep<T> {
  const active = pods.filter(isPodActive);
  const diff = active.length - specReplicas;
  if (diff < 0) {
    const create = Math.min(-diff, burstReplicas);
    return { create, createBatches: slowStartBatches(create), delete: [] };
  }
  if (diff > 0) {
    // Kubernetes skips sorting when every active pod goes; ranking anyway keeps the order stable.
    const doomed = rankPodsForDeletion(active, now, relatedPods).slice(0, Math.min(diff, burstReplicas));
    return { create: 0, createBatches: [], delete: doomed };
  }
  return { create: 0, createBatches: [], delete: [] };
}

/**
 * Kubernetes' `IsPodAvailable`: ready, and ready for more than `minReadySeconds` (any ready pod
 * when it is 0). A pod whose ready time is unknown is available only when `minReadySeconds` is 0.
 */
export function isPodAvailable(
  pod: Pick<DeletionCandidate, 'ready' | 'readySince'>,
  minReadySeconds: number,
  now: Instant,
): boolean {
  if (!pod.ready) return false;
  if (minReadySeconds === 0) return true;
  return pod.readySince !== undefined && pod.readySince + minReadySeconds * SECOND < now;
}

/** The counters of a ReplicaSet's status. */
export interface ReplicaSetStatusCounts {
  /** Active pods. */
  readonly replicas: number;
  readonly readyReplicas: number;
  readonly availableReplicas: number;
}

/**
 * A ReplicaSet's status counters over its pods: only active pods count, and available ones have
 * been ready for more than `minReadySeconds`. When every pod is ready but some not yet available,
 * Kubernetes syncs again after `minReadySeconds` to count them.
 */
export function replicaSetStatusCounts(
  pods: readonly ReplicaSetPod[],
  minReadySeconds: number,
  now: Instant,
): ReplicaSetStatusCounts {
  let replicas = 0;
  let readyReplicas = 0;
  let availableReplicas = 0;
  for (const pod of pods) {
    if (!isPodActive(pod)) continue;
    replicas++;
    if (pod.ready) readyReplicas++;
    if (isPodAvailable(pod, minReadySeconds, now)) availableReplicas++;
  }
  return { replicas, readyReplicas, availableReplicas };
}
