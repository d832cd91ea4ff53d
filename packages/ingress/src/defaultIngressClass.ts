import { isDefaultIngressClass, type IngressClass } from '@knsim/api';

function creationTime(ingressClass: IngressClass): number {
  const stamp = ingressClass.metadata.creationTimestamp;
  const parsed = stamp === undefined ? Number.NaN : Date.parse(stamp);
  return Number.isNaN(parsed) ? Number.NEGATIVE_INFINITY : parsed;
}

/**
 * The IngressClass the API server's DefaultIngressClass admission plugin assigns to an Ingress
 * created without a class: among the classes annotated `ingressclass.kubernetes.io/is-default-class:
 * "true"`, the newest, and on equal timestamps the first by name. (Kubernetes before 1.28 refused
 * the Ingress instead when several classes were default; knsim follows the newer rule.)
 */
export function defaultIngressClass(ingressClasses: readonly IngressClass[]): IngressClass | undefined {
  let best: IngressClass | undefined;
  for (const candidate of ingressClasses) {
    if (!isDefaultIngressClass(candidate)) continue;
    if (best === undefined) {
      best = candidate;
      continue;
    }
    const [candidateTime, bestTime] = [creationTime(candidate), creationTime(best)];
    const candidateName = candidate.metadata.name ?? '';
    const bestName = best.metadata.name ?? '';
    if (candidateTime > bestTime || (candidateTime === bestTime && candidateName < bestName))
      best = candidate;
  }
  return best;
}
