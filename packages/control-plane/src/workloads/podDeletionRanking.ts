import type { PodPhase } from '@knsim/api';
import type { Instant } from '@knsim/core';

/**
 * The order in which a ReplicaSet deletes surplus pods: Kubernetes' `ActivePodsWithRanks.Less`
 * with the PodDeletionCost and LogarithmicScaleDown features on (their defaults), made into a
 * deterministic total order.
 *
 * @module
 */

/** The annotation a user sets to make a pod cheaper (lower) or dearer (higher) to delete. */
export const POD_DELETION_COST_ANNOTATION = 'controller.kubernetes.io/pod-deletion-cost';

/** What the deletion ranking reads of a pod. Field names follow knsim's pod record. */
export interface DeletionCandidate {
  readonly name: string;
  /** Breaks ties inside a logarithmic age bucket (UIDs are random, so this is a fair coin). */
  readonly uid: string;
  /** Absent or empty while the pod is unscheduled. */
  readonly nodeName?: string | undefined;
  /** Absent counts like Pending, as in Kubernetes (an unknown phase maps to 0). */
  readonly phase?: PodPhase | undefined;
  /** The Ready condition is True. */
  readonly ready: boolean;
  /** Last transition of the Ready condition; only read while `ready`. Absent: unknown. */
  readonly readySince?: Instant | undefined;
  /** Read for {@link POD_DELETION_COST_ANNOTATION}. */
  readonly annotations?: Readonly<Record<string, string>> | undefined;
  /** The highest restart count among the pod's containers; defaults to 0. */
  readonly restarts?: number | undefined;
  readonly createdAt: Instant;
}

/**
 * A pod that counts towards the rank of pods on its node: a pod of any ReplicaSet with the same
 * controller as the one scaling down (for a Deployment, every ReplicaSet of that Deployment).
 */
export interface RelatedPod {
  readonly nodeName?: string | undefined;
  readonly phase?: PodPhase | undefined;
  /** Its deletion has been requested (deletionTimestamp set). */
  readonly terminating: boolean;
}

/** Kubernetes' `IsPodActive`: not Succeeded, not Failed and not being deleted. */
export function isPodActive(pod: Pick<RelatedPod, 'phase' | 'terminating'>): boolean {
  return pod.phase !== 'Succeeded' && pod.phase !== 'Failed' && !pod.terminating;
}

/**
 * The pod-deletion-cost of a pod, as Kubernetes reads it: a base-10 int32 without a `+` sign or
 * leading zeros. Anything else (absent, malformed, out of range) counts as 0.
 */
export function podDeletionCost(annotations: Readonly<Record<string, string>> | undefined): number {
  const text = annotations?.[POD_DELETION_COST_ANNOTATION];
  if (text === undefined || !/^(0|-?[1-9][0-9]*)$/.test(text)) return 0;
  const cost = Number(text);
  return cost >= -(2 ** 31) && cost < 2 ** 31 ? cost : 0;
}

// Phases Kubernetes ranks; every other phase (and none) maps to 0 like a missing map key in Go.
const PHASE_ORDINAL: Readonly<Partial<Record<PodPhase, number>>> = { Pending: 0, Unknown: 1, Running: 2 };

/**
 * The bucket of an age under LogarithmicScaleDown: floor(log2(age in nanoseconds)), -1 for a
 * non-positive age. Computed on integers, so it is exact where floating-point log2 could round.
 */
export function logarithmicAgeBucket(since: Instant, now: Instant): number {
  const ageMicros = now - since;
  if (ageMicros <= 0) return -1;
  // Kubernetes measures in nanoseconds; 1000 * age can exceed 2^53, hence BigInt.
  return (BigInt(ageMicros) * 1000n).toString(2).length - 1;
}

// Below every real bucket: Kubernetes puts a zero (unknown) ready time first (afterOrZero).
const UNKNOWN_TIME_BUCKET = -2;

interface SortKey {
  readonly assigned: number;
  readonly phase: number;
  readonly ready: number;
  readonly cost: number;
  readonly colocated: number;
  readonly readyBucket: number;
  readonly restarts: number;
  readonly ageBucket: number;
}

/**
 * A comparator for `Array.prototype.sort`: negative when `a` is deleted before `b`.
 *
 * The rules, in order (the first that differs decides):
 * 1. unscheduled before scheduled;
 * 2. Pending before Unknown before Running;
 * 3. not ready before ready;
 * 4. lower pod-deletion-cost first;
 * 5. higher rank first, where rank = active related pods on the pod's node (evens out nodes);
 * 6. both ready: more recently ready first, by log2 bucket of the time since ready, then by UID;
 * 7. more restarts first;
 * 8. newer first, by log2 bucket of the age, then by UID;
 * 9. finally by name, so that the order is total.
 *
 * One deliberate difference: when two ready pods became ready at exactly the same instant,
 * Kubernetes skips rule 6 and goes on to restarts and age. Combined with the UID tie-break inside a
 * bucket that makes its comparator intransitive (a cycle needs three pods), so knsim compares such
 * pods by UID like any other pair in the bucket.
 */
export function deletionOrderComparator(
  now: Instant,
  relatedPods: readonly RelatedPod[],
): (a: DeletionCandidate, b: DeletionCandidate) => number {
  const activeOnNode = new Map<string, number>();
  for (const pod of relatedPods) {
    // Unscheduled pods share the node name "" and rank against each other, as in Kubernetes.
    if (isPodActive(pod))
      activeOnNode.set(pod.nodeName ?? '', (activeOnNode.get(pod.nodeName ?? '') ?? 0) + 1);
  }
  const keys = new Map<DeletionCandidate, SortKey>();
  const keyOf = (pod: DeletionCandidate): SortKey => {
    let key = keys.get(pod);
    if (key === undefined) {
      key = {
        assigned: (pod.nodeName ?? '') === '' ? 0 : 1,
        phase: (pod.phase === undefined ? undefined : PHASE_ORDINAL[pod.phase]) ?? 0,
        ready: pod.ready ? 1 : 0,
        cost: podDeletionCost(pod.annotations),
        colocated: activeOnNode.get(pod.nodeName ?? '') ?? 0,
        readyBucket:
          pod.readySince === undefined ? UNKNOWN_TIME_BUCKET : logarithmicAgeBucket(pod.readySince, now),
        restarts: pod.restarts ?? 0,
        ageBucket: logarithmicAgeBucket(pod.createdAt, now),
      };
      keys.set(pod, key);
    }
    return key;
  };
  return (a, b) => {
    const ka = keyOf(a);
    const kb = keyOf(b);
    return (
      ka.assigned - kb.assigned ||
      ka.phase - kb.phase ||
      ka.ready - kb.ready ||
      ka.cost - kb.cost ||
      kb.colocated - ka.colocated ||
      (ka.ready === 1 ? ka.readyBucket - kb.readyBucket || compareStrings(a.uid, b.uid) : 0) ||
      kb.restarts - ka.restarts ||
      ka.ageBucket - kb.ageBucket ||
      compareStrings(a.uid, b.uid) ||
      compareStrings(a.name, b.name)
    );
  };
}

/**
 * The pods in the order a ReplicaSet deletes them: the first `n` go when it has `n` too many.
 *
 * @param relatedPods - the pods whose per-node count gives each candidate its rank: every pod of
 *   every ReplicaSet owned by the same controller (inactive ones are skipped here). Pass `[]` for
 *   a ReplicaSet without a controller: Kubernetes then ranks every pod 0.
 */
export function rankPodsForDeletion<T extends DeletionCandidate>(
  pods: readonly T[],
  now: Instant,
  relatedPods: readonly RelatedPod[],
): T[] {
  return [...pods].sort(deletionOrderComparator(now, relatedPods));
}

// Code-unit order, which is Go's byte order for the ASCII names and UIDs Kubernetes uses.
function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
