import type { Taint, Toleration } from '@knsim/api';

/** Whether a toleration matches a taint (Kubernetes' `ToleratesTaint`). */
export function toleratesTaint(toleration: Toleration, taint: Taint): boolean {
  if (toleration.effect !== undefined && toleration.effect !== taint.effect) return false;
  if (toleration.key === undefined || toleration.key === '') {
    // An empty key with operator Exists tolerates everything.
    return toleration.operator === 'Exists';
  }
  if (toleration.key !== taint.key) return false;
  if (toleration.operator === 'Exists') return true;
  return (toleration.value ?? '') === (taint.value ?? '');
}

/** The first taint with one of `effects` that no toleration matches. */
export function firstUntoleratedTaint(
  taints: readonly Taint[],
  tolerations: readonly Toleration[] | undefined,
  effects: readonly Taint['effect'][],
): Taint | undefined {
  return taints.find(
    (taint) => effects.includes(taint.effect) && !(tolerations ?? []).some((t) => toleratesTaint(t, taint)),
  );
}

export const NOT_READY_TAINT = 'node.kubernetes.io/not-ready';
export const UNREACHABLE_TAINT = 'node.kubernetes.io/unreachable';
export const UNSCHEDULABLE_TAINT = 'node.kubernetes.io/unschedulable';

/**
 * The DefaultTolerationSeconds admission plugin: pods without a NoExecute toleration for
 * not-ready/unreachable get one for `seconds` (300 by default).
 */
export function withDefaultTolerations(
  tolerations: readonly Toleration[] | undefined,
  seconds: number,
): Toleration[] {
  const out = [...(tolerations ?? [])];
  for (const key of [NOT_READY_TAINT, UNREACHABLE_TAINT]) {
    const covered = out.some(
      (t) =>
        (t.effect === undefined || t.effect === 'NoExecute') &&
        (t.key === key || ((t.key ?? '') === '' && t.operator === 'Exists')),
    );
    if (!covered) out.push({ key, operator: 'Exists', effect: 'NoExecute', tolerationSeconds: seconds });
  }
  return out;
}

/**
 * How long a pod may stay on a node with these NoExecute taints (taint-eviction controller):
 * 0 = evict now, Infinity = never, else the smallest tolerationSeconds among the tolerations used.
 */
export function evictionDelaySeconds(
  taints: readonly Taint[],
  tolerations: readonly Toleration[] | undefined,
): number {
  let delay = Number.POSITIVE_INFINITY;
  for (const taint of taints) {
    if (taint.effect !== 'NoExecute') continue;
    const matching = (tolerations ?? []).filter((t) => toleratesTaint(t, taint));
    if (matching.length === 0) return 0;
    for (const toleration of matching) {
      if (toleration.tolerationSeconds !== undefined)
        delay = Math.min(delay, Math.max(0, toleration.tolerationSeconds));
    }
  }
  return delay;
}
