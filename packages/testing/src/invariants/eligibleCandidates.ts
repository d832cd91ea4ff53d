import type { EndpointSlice, Protocol, Service, ServicePort } from '@knsim/api';
import type { Instant } from '@knsim/core';
import { endpointsFromSlices, servicePortInfo, type DataPlane, type ProxyEndpoint } from '@knsim/kube-proxy';

// An endpoint address no Service has: asking the data plane for it returns the eligible list
// without balancing (see candidatesOf).
const NO_ENDPOINT = 'knsim-probe:no-endpoint';

/**
 * What one node's kube-proxy may pick for a new connection from the node to one ClusterIP Service
 * port at one instant: the data plane's own candidate list (exactly what its balancing policy
 * would choose from), with each candidate's conditions and pod as the node's rules have them.
 */
export interface CandidateSample {
  readonly node: string;
  /** `namespace/name`. */
  readonly service: string;
  readonly port: number;
  readonly protocol: Protocol;
  /** The internal traffic policy of the port as the node programmed it. */
  readonly internalTrafficPolicy: 'Cluster' | 'Local';
  /** Every endpoint of the port in the node's rules (eligible or not). */
  readonly endpoints: readonly ProxyEndpoint[];
  /** The endpoints a new connection may go to. */
  readonly candidates: readonly ProxyEndpoint[];
  /** The pod behind each endpoint IP, from the slices the node programmed (`targetRef`). */
  readonly pods: ReadonlyMap<string, { readonly key: string; readonly uid: string | undefined }>;
}

function portOf(service: Service, port: number, protocol: Protocol): ServicePort | undefined {
  return (service.spec.ports ?? []).find((p) => p.port === port && (p.protocol ?? 'TCP') === protocol);
}

function podsOf(slices: readonly EndpointSlice[]): Map<string, { key: string; uid: string | undefined }> {
  const pods = new Map<string, { key: string; uid: string | undefined }>();
  for (const slice of slices)
    for (const endpoint of slice.endpoints ?? []) {
      const ref = endpoint.targetRef;
      const address = endpoint.addresses[0];
      if (ref?.kind !== 'Pod' || address === undefined || ref.name === undefined) continue;
      pods.set(address, {
        key: `${ref.namespace ?? slice.metadata.namespace ?? 'default'}/${ref.name}`,
        uid: ref.uid,
      });
    }
  return pods;
}

/**
 * The candidate endpoints of every (node, ClusterIP Service port) pair at the cluster's current
 * time, asked of the data plane without perturbing the run: `connect` with an `endpoint` that is
 * never eligible returns the eligible list untouched by balancing (no random draw, no
 * connection counter, no conntrack or affinity entry). Nodes without a podCIDR yet and nodes whose
 * kubelet crashed (nothing runs there) or is partitioned (its watch is cut) are skipped. Headless Services have no rules.
 *
 * @example
 * ```ts
 * for (const sample of sampleCandidates(run.dataPlane)) sample.candidates.map((e) => e.endpoint);
 * ```
 */
export function sampleCandidates(
  dataPlane: DataPlane,
  filter: { readonly nodes?: readonly string[]; readonly services?: readonly string[] } = {},
): CandidateSample[] {
  const cluster = dataPlane.cluster;
  const state = cluster.state;
  const now: Instant = cluster.now;
  const samples: CandidateSample[] = [];
  const nodes = state.nodes.sortedEntries().filter(
    ([name, node]) =>
      node.podCIDR !== undefined &&
      // A partitioned node's kube-proxy cannot hear the API server: its rules stay as they were
      // (as in Kubernetes), so the propagation bounds do not apply to it until it heals.
      node.kubelet === 'running' &&
      (filter.nodes?.includes(name) ?? true),
  );
  for (const [key, record] of state.services.sortedEntries()) {
    if (filter.services !== undefined && !filter.services.includes(key)) continue;
    const service = record.service;
    const ip = service.spec.clusterIP;
    if (
      service.spec.type === 'ExternalName' ||
      ip === undefined ||
      ip === '' ||
      ip === 'None' ||
      ip.includes(':')
    )
      continue;
    for (const servicePort of service.spec.ports ?? []) {
      const protocol = servicePort.protocol ?? 'TCP';
      for (const [node] of nodes) {
        const result = dataPlane.connect(
          { kind: 'node', node },
          { ip, port: servicePort.port, protocol },
          { endpoint: NO_ENDPOINT, trace: false },
        );
        // Only the refusal of our own impossible endpoint carries the eligible list; any other
        // result (no rules yet, REJECT, DROP) means no endpoint would be picked.
        const eligible = result.reason.startsWith(NO_ENDPOINT) ? result.candidates : [];
        const version = dataPlane.views.seenBy(node, key, now);
        const programmed = version?.service;
        const programmedPort =
          programmed === undefined ? undefined : portOf(programmed, servicePort.port, protocol);
        const endpoints =
          programmed === undefined || programmedPort === undefined || version === undefined
            ? []
            : endpointsFromSlices(programmed, programmedPort, version.slices, node);
        const byId = new Map(endpoints.map((e) => [e.endpoint, e]));
        samples.push({
          node,
          service: key,
          port: servicePort.port,
          protocol,
          internalTrafficPolicy:
            programmed !== undefined && programmedPort !== undefined
              ? servicePortInfo(programmed, programmedPort).internalTrafficPolicy
              : 'Cluster',
          endpoints,
          candidates: eligible.map(
            (id) =>
              byId.get(id) ?? {
                endpoint: id,
                ip: id.slice(0, id.lastIndexOf(':')),
                port: Number(id.slice(id.lastIndexOf(':') + 1)),
                ready: false,
                serving: false,
                terminating: false,
                isLocal: false,
                zoneHints: [],
                nodeHints: [],
                nodeName: '',
                zone: '',
              },
          ),
          pods: version === undefined ? new Map() : podsOf(version.slices),
        });
      }
    }
  }
  return samples;
}
