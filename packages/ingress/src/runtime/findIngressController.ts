import { compileLabelMap, type Service } from '@knsim/api';
import {
  DEFAULT_INGRESS_NAMESPACE,
  DEFAULT_INGRESS_SERVICE,
  INGRESS_CONTROLLER_LABELS,
  type Cluster,
  type PodRecord,
} from '@knsim/control-plane';

/** The Ingress controller found in a cluster: the Service clients dial and the pods behind it. */
export interface IngressControllerLocation {
  /** `namespace/name` of the LoadBalancer or NodePort Service exposing the controller. */
  readonly serviceKey: string;
  readonly service: Service;
  /** The controller pods that Service selects (by key, sorted); may be empty while none exists. */
  readonly pods: readonly string[];
}

const isControllerPod = compileLabelMap(INGRESS_CONTROLLER_LABELS);

/** True for a pod labelled as an ingress-nginx controller (`INGRESS_CONTROLLER_LABELS`). */
export function isIngressControllerPod(pod: PodRecord): boolean {
  return isControllerPod(pod.labels);
}

/**
 * The Ingress controller of a cluster: the pods labelled `INGRESS_CONTROLLER_LABELS` (knsim's own
 * controller or a user's ingress-nginx) and the LoadBalancer or NodePort Service selecting them.
 * With several such Services: knsim's `ingress-nginx/ingress-nginx-controller` first, then
 * LoadBalancer before NodePort, then by key. Undefined when there is none.
 *
 * @example
 * ```ts
 * findIngressController(cluster)?.serviceKey; // 'ingress-nginx/ingress-nginx-controller'
 * ```
 */
export function findIngressController(cluster: Cluster): IngressControllerLocation | undefined {
  const state = cluster.state;
  const candidates: { key: string; service: Service; pods: string[] }[] = [];
  for (const [key, record] of state.services.sortedEntries()) {
    const service = record.service;
    const type = service.spec.type;
    const selector = service.spec.selector;
    if ((type !== 'LoadBalancer' && type !== 'NodePort') || selector === undefined) continue;
    if (Object.keys(selector).length === 0) continue;
    const selects = compileLabelMap(selector);
    const namespace = key.slice(0, key.indexOf('/'));
    const pods: string[] = [];
    for (const podKey of cluster.index.podsInNamespace(namespace)) {
      const pod = state.pods.get(podKey);
      if (pod !== undefined && isControllerPod(pod.labels) && selects(pod.labels)) pods.push(podKey);
    }
    // A controller scaled to zero still has its Service: recognise it by the selector alone.
    if (pods.length > 0 || selects(INGRESS_CONTROLLER_LABELS))
      candidates.push({ key, service, pods: pods.sort() });
  }
  const defaultKey = `${DEFAULT_INGRESS_NAMESPACE}/${DEFAULT_INGRESS_SERVICE}`;
  const rank = (candidate: { key: string; service: Service }): number =>
    candidate.key === defaultKey ? 0 : candidate.service.spec.type === 'LoadBalancer' ? 1 : 2;
  const best = candidates.sort((a, b) => rank(a) - rank(b) || (a.key < b.key ? -1 : 1))[0];
  return best === undefined ? undefined : { serviceKey: best.key, service: best.service, pods: best.pods };
}
