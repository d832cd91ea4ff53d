import { resolveIntOrPercent, type IntOrString } from '@knsim/api';
import type { Instant } from '@knsim/core';

/**
 * The Deployment controller's decisions for one sync, as in Kubernetes' `rolloutRolling` and
 * `rolloutRecreate`: which ReplicaSets to create or rescale. Choosing which pods go is the
 * ReplicaSet controller's business (see `planReplicaSetStep`).
 *
 * @module
 */

/** maxSurge and maxUnavailable of a rolling update, resolved to pod counts. */
export interface Fenceposts {
  /** Pods allowed above `replicas` during the rollout. */
  readonly maxSurge: number;
  /** Pods allowed below `replicas` being available during the rollout. */
  readonly maxUnavailable: number;
}

/**
 * Resolves maxSurge and maxUnavailable against `replicas` as Kubernetes does (`ResolveFenceposts`
 * followed by the clamping of `MaxUnavailable`): a surge percentage rounds up, an unavailable
 * percentage rounds down; if both come out 0, maxUnavailable becomes 1 so that the rollout can
 * progress; maxUnavailable never exceeds `replicas`, and is 0 when `replicas` is 0.
 *
 * @example
 * ```ts
 * resolveFenceposts('25%', '25%', 10); // { maxSurge: 3, maxUnavailable: 2 }
 * resolveFenceposts('25%', '25%', 3); // { maxSurge: 1, maxUnavailable: 0 }
 * ```
 */
export function resolveFenceposts(
  maxSurge: IntOrString,
  maxUnavailable: IntOrString,
  replicas: number,
): Fenceposts {
  if (!Number.isInteger(replicas) || replicas < 0) {
    throw new RangeError(`replicas ${replicas} must be a non-negative integer`);
  }
  const surge = resolveIntOrPercent(maxSurge, replicas, true);
  let unavailable = resolveIntOrPercent(maxUnavailable, replicas, false);
  // Validation forbids writing 0 for both, but rounding down can still produce it.
  if (surge === 0 && unavailable === 0) unavailable = 1;
  return { maxSurge: surge, maxUnavailable: replicas === 0 ? 0 : Math.min(unavailable, replicas) };
}

/** What a rolling update reads of its Deployment (after API defaulting). */
export interface RollingUpdateDeploymentView {
  /** spec.replicas. */
  readonly replicas: number;
  readonly maxSurge: IntOrString;
  readonly maxUnavailable: IntOrString;
}

/** What a rollout reads of one of the Deployment's ReplicaSets. */
export interface ReplicaSetView {
  readonly name: string;
  /** Older ReplicaSets are scaled down first; equal times are ordered by name. */
  readonly createdAt: Instant;
  /** spec.replicas: what the Deployment controller asked for. */
  readonly specReplicas: number;
  /** status.replicas: its pods that are neither terminating nor finished. */
  readonly replicas: number;
  /** status.availableReplicas: pods ready for at least minReadySeconds. */
  readonly availableReplicas: number;
}

/** A ReplicaSet as a Recreate rollout sees it: it also waits for terminating pods to be gone. */
export interface RecreateReplicaSetView extends ReplicaSetView {
  /** Its pods that are neither Succeeded nor Failed, terminating ones included. */
  readonly unfinishedPods: number;
}

/** Set a ReplicaSet's spec.replicas. */
export interface ScaleDecision {
  readonly replicaSet: string;
  readonly replicas: number;
}

/** The outcome of one Deployment sync. */
export interface RolloutStep {
  /**
   * Create the new ReplicaSet (named after the template hash) with this many replicas, before
   * applying `scale`. Present only when no ReplicaSet matches the template yet.
   */
  readonly create?: { readonly replicas: number };
  /**
   * Rescales in the order the controller issues them; one ReplicaSet may appear twice (once for
   * its unhealthy pods, once more for healthy ones), the later value winning.
   */
  readonly scale: readonly ScaleDecision[];
  /** Nothing left to do: every replica is updated and available, and no old pod remains. */
  readonly complete: boolean;
}

/**
 * Kubernetes' `NewRSNewReplicas` for a rolling update: the new ReplicaSet grows by what the surge
 * allows (replicas + maxSurge minus the spec.replicas of all ReplicaSets), never beyond
 * `replicas`; it stays as it is when the total is already at the limit.
 *
 * @param allReplicaSets - every ReplicaSet of the Deployment, the new one included if it exists.
 * @param newSpecReplicas - the new ReplicaSet's spec.replicas (0 when it is about to be created).
 */
export function newReplicaSetReplicas(
  deployment: RollingUpdateDeploymentView,
  allReplicaSets: readonly Pick<ReplicaSetView, 'specReplicas'>[],
  newSpecReplicas: number,
): number {
  const maxSurge = resolveIntOrPercent(deployment.maxSurge, deployment.replicas, true);
  const maxTotal = deployment.replicas + maxSurge;
  const current = sumOf(allReplicaSets, (rs) => rs.specReplicas);
  if (current >= maxTotal) return newSpecReplicas;
  return newSpecReplicas + Math.min(maxTotal - current, deployment.replicas - newSpecReplicas);
}

/**
 * One sync of a RollingUpdate Deployment (Kubernetes' `rolloutRolling`). At most one kind of step:
 * 1. if the new ReplicaSet differs from `replicas`, scale it: down to `replicas` if above, else up
 *    by what {@link newReplicaSetReplicas} allows; if that changes it, the sync ends there;
 * 2. otherwise scale old ReplicaSets down, oldest first, within a budget that keeps
 *    `replicas - maxUnavailable` pods available: first their unavailable pods, then available
 *    ones while more than that minimum are available;
 * 3. otherwise there is nothing to do, and `complete` tells whether the rollout is finished.
 *
 * When `newReplicaSet` is undefined, the sync creates it (sized by {@link newReplicaSetReplicas})
 * and then goes straight on to step 2 in the same sync, as Kubernetes does.
 */
export function planRollingUpdateStep(
  deployment: RollingUpdateDeploymentView,
  newReplicaSet: ReplicaSetView | undefined,
  oldReplicaSets: readonly ReplicaSetView[],
): RolloutStep {
  const { maxUnavailable } = resolveFenceposts(
    deployment.maxSurge,
    deployment.maxUnavailable,
    deployment.replicas,
  );
  if (newReplicaSet === undefined) {
    const replicas = newReplicaSetReplicas(deployment, oldReplicaSets, 0);
    // The freshly created ReplicaSet has no pods yet, so all its replicas count as unavailable.
    const created = { specReplicas: replicas, availableReplicas: 0 };
    const scale = scaleDownOldReplicaSets(deployment.replicas, maxUnavailable, created, oldReplicaSets);
    return { create: { replicas }, scale, complete: false };
  }

  let target = newReplicaSet.specReplicas;
  if (target > deployment.replicas) target = deployment.replicas;
  else if (target < deployment.replicas) {
    target = newReplicaSetReplicas(deployment, [...oldReplicaSets, newReplicaSet], target);
  }
  if (target !== newReplicaSet.specReplicas) {
    return { scale: [{ replicaSet: newReplicaSet.name, replicas: target }], complete: false };
  }

  const scale = scaleDownOldReplicaSets(deployment.replicas, maxUnavailable, newReplicaSet, oldReplicaSets);
  if (scale.length > 0) return { scale, complete: false };
  return { scale, complete: isRolloutComplete(deployment.replicas, newReplicaSet, oldReplicaSets) };
}

/**
 * One sync of a Recreate Deployment (Kubernetes' `rolloutRecreate`): scale every old ReplicaSet to
 * 0; then wait until none of their pods is left (terminating ones included); then create the new
 * ReplicaSet with `replicas`, or scale the existing one to `replicas`.
 */
export function planRecreateStep(
  deployment: { readonly replicas: number },
  newReplicaSet: ReplicaSetView | undefined,
  oldReplicaSets: readonly RecreateReplicaSetView[],
): RolloutStep {
  const active = oldestFirst(oldReplicaSets.filter((rs) => rs.specReplicas > 0));
  if (active.length > 0) {
    return { scale: active.map((rs) => ({ replicaSet: rs.name, replicas: 0 })), complete: false };
  }
  if (oldReplicaSets.some((rs) => rs.replicas > 0 || rs.unfinishedPods > 0))
    return { scale: [], complete: false };
  if (newReplicaSet === undefined)
    return { create: { replicas: deployment.replicas }, scale: [], complete: false };
  if (newReplicaSet.specReplicas !== deployment.replicas) {
    return { scale: [{ replicaSet: newReplicaSet.name, replicas: deployment.replicas }], complete: false };
  }
  return { scale: [], complete: isRolloutComplete(deployment.replicas, newReplicaSet, oldReplicaSets) };
}

/**
 * Kubernetes' `DeploymentComplete` on the status these ReplicaSets add up to: `replicas` pods in
 * the new ReplicaSet, `replicas` pods in all, and `replicas` available.
 */
export function isRolloutComplete(
  replicas: number,
  newReplicaSet: ReplicaSetView | undefined,
  oldReplicaSets: readonly ReplicaSetView[],
): boolean {
  if (newReplicaSet === undefined) return false;
  const all = [...oldReplicaSets, newReplicaSet];
  return (
    newReplicaSet.replicas === replicas &&
    sumOf(all, (rs) => rs.replicas) === replicas &&
    sumOf(all, (rs) => rs.availableReplicas) === replicas
  );
}

/** `reconcileOldReplicaSets`: `cleanupUnhealthyReplicas`, then `scaleDownOldReplicaSetsForRollingUpdate`. */
function scaleDownOldReplicaSets(
  replicas: number,
  maxUnavailable: number,
  newReplicaSet: Pick<ReplicaSetView, 'specReplicas' | 'availableReplicas'>,
  oldReplicaSets: readonly ReplicaSetView[],
): ScaleDecision[] {
  // Working copies whose spec.replicas this sync lowers; status stays as observed.
  const active = oldestFirst(oldReplicaSets.filter((rs) => rs.specReplicas > 0)).map((rs) => ({
    name: rs.name,
    specReplicas: rs.specReplicas,
    availableReplicas: rs.availableReplicas,
  }));
  const oldPods = sumOf(active, (rs) => rs.specReplicas);
  if (oldPods === 0) return [];

  const minAvailable = replicas - maxUnavailable;
  const newUnavailable = newReplicaSet.specReplicas - newReplicaSet.availableReplicas;
  // Scaling down by this much cannot leave fewer than minAvailable pods available, even if the
  // new ReplicaSet's missing pods never come up.
  const maxScaledDown = oldPods + newReplicaSet.specReplicas - minAvailable - newUnavailable;
  if (maxScaledDown <= 0) return [];

  const decisions: ScaleDecision[] = [];
  // Unavailable old pods first: removing them costs no availability, and they would otherwise
  // hold the rollout up until the progress deadline.
  let cleanedUp = 0;
  for (const rs of active) {
    if (cleanedUp >= maxScaledDown) break;
    const unhealthy = rs.specReplicas - rs.availableReplicas;
    if (unhealthy <= 0) continue;
    const count = Math.min(maxScaledDown - cleanedUp, unhealthy);
    rs.specReplicas -= count;
    cleanedUp += count;
    decisions.push({ replicaSet: rs.name, replicas: rs.specReplicas });
  }

  // Then available ones, as far as availability above minAvailable allows.
  const available = sumOf(active, (rs) => rs.availableReplicas) + newReplicaSet.availableReplicas;
  if (available <= minAvailable) return decisions;
  const budget = available - minAvailable;
  let scaledDown = 0;
  for (const rs of active) {
    if (scaledDown >= budget) break;
    if (rs.specReplicas === 0) continue;
    const count = Math.min(rs.specReplicas, budget - scaledDown);
    rs.specReplicas -= count;
    scaledDown += count;
    decisions.push({ replicaSet: rs.name, replicas: rs.specReplicas });
  }
  return decisions;
}

/** Kubernetes' `ReplicaSetsByCreationTimestamp`. */
function oldestFirst<T extends Pick<ReplicaSetView, 'name' | 'createdAt'>>(replicaSets: readonly T[]): T[] {
  return [...replicaSets].sort(
    (a, b) => a.createdAt - b.createdAt || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0),
  );
}

function sumOf<T>(items: readonly T[], value: (item: T) => number): number {
  let total = 0;
  for (const item of items) total += value(item);
  return total;
}
