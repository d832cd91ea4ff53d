import { slicesOfService } from '../invariants/serviceSlices.js';
import type { LiveCluster } from './LiveCluster.js';

/** One ready endpoint of a Service in the cluster state. */
export interface ReadyEndpoint {
  readonly address: string;
  /** `namespace/name` of the pod behind it (its `targetRef`), if any. */
  readonly pod: string | undefined;
  /** The node the endpoint is on (`nodeName`), if set. */
  readonly node: string | undefined;
}

/**
 * The ready endpoints of a Service (`namespace/name`) as its EndpointSlices in the cluster state
 * list them, one per address (a pod in several slices counts once), sorted by address. What the
 * EndpointSlice controller published: each node's kube-proxy follows it within
 * `LiveCluster.settleTime` (the `proxyConvergence` invariant checks that part).
 *
 * @example
 * ```ts
 * readyEndpoints(live, 'shop/web').length; // 3 once web's three pods are ready
 * ```
 */
export function readyEndpoints(live: LiveCluster, service: string): ReadyEndpoint[] {
  const out = new Map<string, ReadyEndpoint>();
  for (const slice of slicesOfService(live.cluster.state, service)) {
    if (slice.addressType !== 'IPv4') continue;
    for (const endpoint of slice.endpoints ?? []) {
      // An absent condition means ready (the API's rule, as `readyAddresses`).
      if (endpoint.conditions?.ready === false) continue;
      const ref = endpoint.targetRef;
      const pod =
        ref?.kind === 'Pod' && ref.name !== undefined
          ? `${ref.namespace ?? slice.metadata.namespace ?? 'default'}/${ref.name}`
          : undefined;
      for (const address of endpoint.addresses)
        if (!out.has(address)) out.set(address, { address, pod, node: endpoint.nodeName });
    }
  }
  return [...out.values()].sort((a, b) => (a.address < b.address ? -1 : a.address > b.address ? 1 : 0));
}
