import type { EndpointSlice } from '@knsim/api';
import type { ClusterState } from '@knsim/control-plane';

/**
 * The EndpointSlices of a Service (`namespace/name`) in a cluster state, by the
 * `kubernetes.io/service-name` label, sorted by name: a pure function of the state, so checks
 * work on fabricated states too.
 */
export function slicesOfService(state: ClusterState, serviceKey: string): EndpointSlice[] {
  const slash = serviceKey.indexOf('/');
  const namespace = serviceKey.slice(0, slash);
  const name = serviceKey.slice(slash + 1);
  const out: EndpointSlice[] = [];
  for (const [, slice] of state.endpointSlices.sortedEntries())
    if (
      (slice.metadata.namespace ?? 'default') === namespace &&
      slice.metadata.labels?.['kubernetes.io/service-name'] === name
    )
      out.push(slice);
  return out;
}

/** The sorted, distinct IPv4 addresses of a Service's ready endpoints (absent `ready` = ready). */
export function readyAddresses(slices: readonly EndpointSlice[]): string[] {
  const out = new Set<string>();
  for (const slice of slices) {
    if (slice.addressType !== 'IPv4') continue;
    for (const endpoint of slice.endpoints ?? [])
      if (endpoint.conditions?.ready !== false) for (const address of endpoint.addresses) out.add(address);
  }
  return [...out].sort();
}
