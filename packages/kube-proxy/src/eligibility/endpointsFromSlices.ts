/**
 * How a kube-proxy turns a Service's EndpointSlices into the endpoint list of one Service port
 * (kube-proxy's `EndpointSliceCache`): port resolution by name and protocol, condition
 * defaults, hints, locality and de-duplication of an address seen in several slices.
 *
 * @module
 */
import {
  DEFAULT_NAMESPACE,
  SERVICE_NAME_LABEL,
  type Endpoint,
  type EndpointSlice,
  type IpFamily,
  type Service,
  type ServicePort,
} from '@knsim/api';
import {
  canonicalIp,
  compareEndpointStrings,
  endpointString,
  ipFamilyOf,
  type ProxyEndpoint,
} from './proxyEndpoint.js';
import { servicePrimaryFamily } from './servicePortInfo.js';

/** Options of {@link endpointsFromSlices}. */
export interface EndpointsFromSlicesOptions {
  /**
   * The family of the kube-proxy instance: slices of the other address type are ignored.
   * Default: the Service's primary family.
   */
  readonly ipFamily?: IpFamily | undefined;
}

function sortedNames(list: readonly { readonly name: string }[] | undefined): readonly string[] {
  if (list === undefined || list.length === 0) return [];
  return [...new Set(list.map((entry) => entry.name))].sort();
}

function toProxyEndpoint(endpoint: Endpoint, ip: string, port: number, nodeName: string): ProxyEndpoint {
  const conditions = endpoint.conditions ?? {};
  const endpointNode = endpoint.nodeName ?? '';
  return {
    endpoint: endpointString(ip, port),
    ip,
    port,
    // Absent conditions mean "unknown" and are read optimistically, except terminating.
    ready: conditions.ready ?? true,
    serving: conditions.serving ?? true,
    terminating: conditions.terminating ?? false,
    isLocal: nodeName !== '' && endpointNode === nodeName,
    zoneHints: sortedNames(endpoint.hints?.forZones),
    nodeHints: sortedNames(endpoint.hints?.forNodes),
    nodeName: endpointNode,
    zone: endpoint.zone ?? '',
  };
}

/**
 * The endpoints that the kube-proxy on `nodeName` builds for one port of a Service, as its
 * `EndpointSliceCache` does:
 *
 * - only slices of the Service (same namespace, label `kubernetes.io/service-name`) and of the
 *   proxy's address type count; FQDN slices never do;
 * - the slice port is the one whose name (absent = "") and protocol (absent = TCP) equal the
 *   Service port's; ports without a number (or 0) are ignored; a slice may carry the port with
 *   a different number than another slice (a named targetPort resolved per pod);
 * - an endpoint uses its first address; absent conditions read ready = serving = true,
 *   terminating = false; `isLocal` is `nodeName` equality;
 * - an `ip:port` seen more than once (an endpoint moving between slices, or a pod IP reused
 *   while the old pod terminates) keeps one copy: a later non-terminating copy replaces an
 *   earlier one, a terminating copy never replaces. kube-proxy visits slices in Go map order,
 *   which leaves ties between non-terminating copies undefined; knsim visits slices by name,
 *   then endpoints in slice order, so the last non-terminating copy in that order wins.
 *
 * The result is sorted by the `ip:port` text (see `compareEndpointStrings`), kube-proxy's order
 * and the order in which iptables rules are written.
 *
 * @example
 * ```ts
 * const endpoints = endpointsFromSlices(service, service.spec.ports![0]!, slices, 'node-1');
 * endpoints.map((e) => e.endpoint); // ['10.244.1.10:8080', '10.244.2.7:8080']
 * ```
 */
export function endpointsFromSlices(
  service: Service,
  servicePort: ServicePort,
  slices: readonly EndpointSlice[],
  nodeName: string,
  options: EndpointsFromSlicesOptions = {},
): ProxyEndpoint[] {
  const family = options.ipFamily ?? servicePrimaryFamily(service);
  const namespace = service.metadata.namespace ?? DEFAULT_NAMESPACE;
  const serviceName = service.metadata.name ?? '';
  const portName = servicePort.name ?? '';
  const protocol = servicePort.protocol ?? 'TCP';

  const ours = slices
    .filter(
      (slice) =>
        slice.addressType === family &&
        (slice.metadata.namespace ?? DEFAULT_NAMESPACE) === namespace &&
        serviceName !== '' &&
        slice.metadata.labels?.[SERVICE_NAME_LABEL] === serviceName,
    )
    .sort((a, b) => compareEndpointStrings(a.metadata.name ?? '', b.metadata.name ?? ''));

  const byEndpoint = new Map<string, ProxyEndpoint>();
  for (const slice of ours) {
    for (const slicePort of slice.ports ?? []) {
      if ((slicePort.name ?? '') !== portName || (slicePort.protocol ?? 'TCP') !== protocol) continue;
      const port = slicePort.port;
      if (port === undefined || port === 0) continue;
      for (const endpoint of slice.endpoints) {
        const first = endpoint.addresses[0];
        if (first === undefined) continue;
        const ip = canonicalIp(first);
        // Validation keeps such addresses out of slices; skip rather than invent an endpoint.
        if (ip === undefined || ipFamilyOf(ip) !== family) continue;
        const candidate = toProxyEndpoint(endpoint, ip, port, nodeName);
        if (!byEndpoint.has(candidate.endpoint) || !candidate.terminating) {
          byEndpoint.set(candidate.endpoint, candidate);
        }
      }
    }
  }
  return [...byEndpoint.values()].sort((a, b) => compareEndpointStrings(a.endpoint, b.endpoint));
}
