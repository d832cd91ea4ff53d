import { type IpFamily, type KubeObject, type NetworkPolicy } from '@knsim/api';
import { compileIpBlock, type AddressRange } from './compileIpBlock.js';
import type { ConnectionSet } from './ConnectionSet.js';
import { deriveWorkloadPeers, type WorkloadPeer } from './deriveWorkloadPeers.js';
import {
  INGRESS_CONTROLLER,
  INGRESS_CONTROLLER_NAMESPACE,
  ingressControllerTargets,
} from './ingressControllerTargets.js';
import { NetworkPolicyEngine } from './NetworkPolicyEngine.js';
import { formatAddress, formatAddressRange, partitionAddressSpace } from './partitionAddressSpace.js';
import type { PolicyEndpoint } from './PolicyConnection.js';
import type { DirectionConnections } from './PolicyVerdict.js';

/** One line of a connectivity list: `src => dst : conn`. */
export interface ConnectionListEntry {
  /** `namespace/name[Kind]`, `a.b.c.d-e.f.g.h[External]` or `{ingress-controller}`. */
  readonly src: string;
  readonly dst: string;
  /** `All Connections` or e.g. `TCP 8080,UDP 53` (see `ConnectionSet.toString`). */
  readonly conn: string;
  /** The allowed connections as a set. */
  readonly connections: ConnectionSet;
  /** With `explain`: why, one line per direction and rule (see `formatConnectionList`). */
  readonly explanation?: readonly string[];
}

/** Options for {@link analyzeConnectivity}. */
export interface AnalyzeConnectivityOptions {
  /** Attach an explanation to every entry. */
  readonly explain?: boolean;
  /**
   * Address families whose external ranges are listed. Default: IPv4, plus IPv6 when some
   * policy names an IPv6 ipBlock.
   */
  readonly families?: readonly IpFamily[];
  /** Let `ipBlock` peers match Pod objects' status IPs (see `deriveWorkloadPeers`). Default false. */
  readonly podIpsFromStatus?: boolean;
}

const EXTERNAL_TAG = '[External]';

interface AnalysisPeer {
  readonly key: string;
  readonly endpoint: PolicyEndpoint;
  readonly external: boolean;
}

function byteOrder(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function referencedRanges(
  policies: readonly NetworkPolicy[],
  direction: 'ingress' | 'egress',
): AddressRange[] {
  const ranges: AddressRange[] = [];
  for (const policy of policies) {
    // netpol-analyzer cuts the address space by every ipBlock written, whatever policyTypes says.
    const rules = direction === 'ingress' ? (policy.spec.ingress ?? []) : (policy.spec.egress ?? []);
    for (const rule of rules) {
      const peers = 'from' in rule ? rule.from : 'to' in rule ? rule.to : undefined;
      for (const peer of peers ?? []) {
        if (peer.ipBlock !== undefined) ranges.push(...compileIpBlock(peer.ipBlock).ranges());
      }
    }
  }
  return ranges;
}

function externalPeers(ranges: readonly AddressRange[], families: readonly IpFamily[]): AnalysisPeer[] {
  return families.flatMap((family) =>
    partitionAddressSpace(ranges, family).map((range) => {
      return {
        key: `${formatAddressRange(range)}${EXTERNAL_TAG}`,
        // Every piece is wholly inside or outside each ipBlock: its first address stands for it.
        endpoint: { kind: 'external' as const, ip: formatAddress(family, range.first) },
        external: true,
      };
    }),
  );
}

function describeDirection(direction: DirectionConnections, subject: AnalysisPeer): string[] {
  const label = direction.direction === 'egress' ? 'egress: ' : 'ingress:';
  if (subject.external) return [`${label} ${subject.key} is outside the cluster (no policy applies)`];
  if (direction.exemption !== undefined) return [`${label} ${direction.exemption}`];
  if (!direction.isolated) {
    return [`${label} ${subject.key} is not isolated (no policy selects it for ${direction.direction})`];
  }
  if (direction.grants.length === 0) {
    return [
      `${label} ${subject.key} is isolated by ${direction.policies.join(', ')}; no rule admits anything`,
    ];
  }
  return direction.grants.map(
    (grant) =>
      `${label} ${grant.policy} ${grant.direction} rule #${grant.rule + 1} admits ${grant.connections.toString()}`,
  );
}

/**
 * Static connectivity analysis of manifests, like netpol-analyzer's `list`: every pair of
 * endpoints (workloads, and external address ranges cut by the policies' ipBlocks) with the
 * connections the NetworkPolicies allow between them, plus `{ingress-controller}` entries for
 * what Ingress objects route to workloads and the policies let through. Pairs of a workload
 * with itself, of two external ranges and pairs with nothing allowed are left out. Sorted by
 * source then destination (byte order). Nothing is returned when the manifests hold no pod.
 *
 * Workloads are derived by {@link deriveWorkloadPeers}; source ranges are cut by the ipBlocks
 * of ingress rules, destination ranges by those of egress rules.
 */
export function analyzeConnectivity(
  objects: readonly KubeObject[],
  options: AnalyzeConnectivityOptions = {},
): ConnectionListEntry[] {
  const policies = objects.filter((object): object is NetworkPolicy => object.kind === 'NetworkPolicy');
  const namespaces = objects.flatMap((object) =>
    object.kind === 'Namespace' && object.metadata.name !== undefined
      ? [{ name: object.metadata.name, labels: object.metadata.labels }]
      : [],
  );
  const engine = NetworkPolicyEngine.compile(policies, namespaces);
  const workloads = deriveWorkloadPeers(objects, { podIpsFromStatus: options.podIpsFromStatus ?? false });
  if (workloads.length === 0) return [];

  const sourceRanges = referencedRanges(policies, 'ingress');
  const destinationRanges = referencedRanges(policies, 'egress');
  const families =
    options.families ??
    ([...sourceRanges, ...destinationRanges].some((range) => range.family === 'IPv6')
      ? ['IPv4', 'IPv6']
      : ['IPv4']);
  const workloadPeers: AnalysisPeer[] = workloads.map((workload: WorkloadPeer) => ({
    key: workload.key,
    endpoint: { kind: 'pod', pod: workload.pod },
    external: false,
  }));
  const sources = [...externalPeers(sourceRanges, families), ...workloadPeers];
  const destinations = [...externalPeers(destinationRanges, families), ...workloadPeers];

  const entries: ConnectionListEntry[] = [];
  for (const source of sources) {
    for (const destination of destinations) {
      if (source.external && destination.external) continue;
      if (source.key === destination.key) continue;
      const report = engine.connectionsBetween(source.endpoint, destination.endpoint);
      if (report.allowed.isEmpty) continue;
      entries.push({
        src: source.key,
        dst: destination.key,
        conn: report.allowed.toString(),
        connections: report.allowed,
        ...(options.explain
          ? {
              explanation: [
                ...describeDirection(report.egress, source),
                ...describeDirection(report.ingress, destination),
              ],
            }
          : {}),
      });
    }
  }

  const controller: AnalysisPeer = {
    key: INGRESS_CONTROLLER,
    endpoint: {
      kind: 'pod',
      pod: {
        namespace: INGRESS_CONTROLLER_NAMESPACE,
        name: INGRESS_CONTROLLER,
        ips: [],
        labels: {},
        containerPorts: [],
      },
    },
    external: false,
  };
  for (const target of ingressControllerTargets(objects, workloads)) {
    const destination = workloadPeers.find((peer) => peer.key === target.peer.key) as AnalysisPeer;
    const report = engine.connectionsBetween(controller.endpoint, destination.endpoint);
    const allowed = target.connections.intersect(report.allowed);
    if (allowed.isEmpty) continue;
    entries.push({
      src: INGRESS_CONTROLLER,
      dst: target.peer.key,
      conn: allowed.toString(),
      connections: allowed,
      ...(options.explain
        ? {
            explanation: [
              ...target.via.map((line) => `route:   ${line}`),
              ...describeDirection(report.ingress, destination),
            ],
          }
        : {}),
    });
  }
  return entries.sort((a, b) => byteOrder(a.src, b.src) || byteOrder(a.dst, b.dst));
}
