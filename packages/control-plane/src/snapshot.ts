import { formatDuration, type Instant } from '@knsim/core';
import type { ClusterState } from './state/ClusterState.js';

/** What `knsim cluster` (and later `knsim replay`) shows of a cluster, sorted for humans and diffs. */
export interface ClusterSnapshot {
  readonly at: Instant;
  readonly nodes: readonly {
    readonly name: string;
    readonly status: string;
    readonly zone: string | null;
    readonly address: string;
    readonly podCIDR: string | null;
    readonly pods: number;
    readonly taints: readonly string[];
    readonly unschedulable: boolean;
  }[];
  readonly pods: readonly {
    readonly namespace: string;
    readonly name: string;
    readonly node: string | null;
    readonly ip: string | null;
    readonly phase: string;
    readonly ready: boolean;
    readonly terminating: boolean;
    readonly restarts: number;
    readonly reason: string | null;
  }[];
  readonly services: readonly {
    readonly namespace: string;
    readonly name: string;
    readonly type: string;
    readonly clusterIP: string | null;
    readonly externalIPs: readonly string[];
    readonly ports: readonly {
      readonly name: string | null;
      readonly port: number;
      readonly protocol: string;
      readonly targetPort: number | string;
      readonly nodePort: number | null;
    }[];
    readonly healthCheckNodePort: number | null;
    readonly externalName: string | null;
  }[];
  readonly endpointSlices: readonly {
    readonly namespace: string;
    readonly name: string;
    readonly service: string | null;
    readonly addressType: string;
    readonly ports: readonly string[];
    readonly endpoints: readonly {
      readonly address: string;
      readonly pod: string | null;
      readonly node: string | null;
      readonly ready: boolean;
      readonly serving: boolean;
      readonly terminating: boolean;
    }[];
  }[];
}

export function clusterSnapshot(state: ClusterState, at: Instant): ClusterSnapshot {
  const podsPerNode = new Map<string, number>();
  for (const pod of state.pods.values()) {
    if (pod.nodeName !== undefined && pod.phase !== 'Succeeded' && pod.phase !== 'Failed')
      podsPerNode.set(pod.nodeName, (podsPerNode.get(pod.nodeName) ?? 0) + 1);
  }
  return {
    at,
    nodes: state.nodes.sortedEntries().map(([, node]) => ({
      name: node.name,
      status:
        (node.ready === 'True' ? 'Ready' : node.ready === 'False' ? 'NotReady' : 'Unknown') +
        (node.unschedulable ? ',SchedulingDisabled' : ''),
      zone: node.zone ?? null,
      address: node.address,
      podCIDR: node.podCIDR ?? null,
      pods: podsPerNode.get(node.name) ?? 0,
      taints: node.taints.map(
        (t) => `${t.key}${t.value === undefined || t.value === '' ? '' : `=${t.value}`}:${t.effect}`,
      ),
      unschedulable: node.unschedulable,
    })),
    pods: state.pods.sortedEntries().map(([, pod]) => ({
      namespace: pod.namespace,
      name: pod.name,
      node: pod.nodeName ?? null,
      ip: pod.podIP ?? null,
      phase: pod.phase,
      ready: pod.ready,
      terminating: pod.deletionRequestedAt !== undefined,
      restarts: pod.restarts,
      reason: pod.waitingReason ?? null,
    })),
    services: state.services.sortedEntries().map(([, { service }]) => ({
      namespace: service.metadata.namespace ?? 'default',
      name: service.metadata.name ?? '',
      type: service.spec.type ?? 'ClusterIP',
      clusterIP:
        service.spec.clusterIP === undefined || service.spec.clusterIP === '' ? null : service.spec.clusterIP,
      externalIPs: [
        ...(service.status?.loadBalancer?.ingress ?? []).map((i) => i.ip ?? i.hostname ?? ''),
        ...(service.spec.externalIPs ?? []),
      ],
      ports: (service.spec.ports ?? []).map((p) => ({
        name: p.name ?? null,
        port: p.port,
        protocol: p.protocol ?? 'TCP',
        targetPort: p.targetPort ?? p.port,
        nodePort: p.nodePort ?? null,
      })),
      healthCheckNodePort: service.spec.healthCheckNodePort ?? null,
      externalName: service.spec.externalName ?? null,
    })),
    endpointSlices: state.endpointSlices.sortedEntries().map(([, slice]) => ({
      namespace: slice.metadata.namespace ?? 'default',
      name: slice.metadata.name ?? '',
      service: slice.metadata.labels?.['kubernetes.io/service-name'] ?? null,
      addressType: slice.addressType,
      ports: (slice.ports ?? []).map(
        (p) =>
          `${p.name === undefined || p.name === '' ? '' : `${p.name}:`}${p.port ?? '?'}/${p.protocol ?? 'TCP'}`,
      ),
      endpoints: (slice.endpoints ?? []).map((e) => ({
        address: e.addresses[0] ?? '',
        pod: e.targetRef?.name ?? null,
        node: e.nodeName ?? null,
        ready: e.conditions?.ready ?? false,
        serving: e.conditions?.serving ?? false,
        terminating: e.conditions?.terminating ?? false,
      })),
    })),
  };
}

/** Tables in the spirit of `kubectl get -o wide`. */
export function formatClusterSnapshot(snapshot: ClusterSnapshot, heading?: string): string {
  const sections: string[] = [heading ?? `cluster at ${formatDuration(snapshot.at)}`];
  sections.push(
    'NODES',
    table(
      ['NAME', 'STATUS', 'ZONE', 'INTERNAL-IP', 'POD-CIDR', 'PODS', 'TAINTS'],
      snapshot.nodes.map((n) => [
        n.name,
        n.status,
        n.zone ?? '-',
        n.address,
        n.podCIDR ?? '<none>',
        String(n.pods),
        n.taints.join(',') || '-',
      ]),
    ),
    'PODS',
    table(
      ['NAMESPACE', 'NAME', 'READY', 'STATUS', 'RESTARTS', 'IP', 'NODE'],
      snapshot.pods.map((p) => [
        p.namespace,
        p.name,
        p.ready ? '1/1' : '0/1',
        p.terminating ? 'Terminating' : (p.reason?.split(':')[0] ?? p.phase),
        String(p.restarts),
        p.ip ?? '<none>',
        p.node ?? '<none>',
      ]),
    ),
    'SERVICES',
    table(
      ['NAMESPACE', 'NAME', 'TYPE', 'CLUSTER-IP', 'EXTERNAL-IP', 'PORT(S)'],
      snapshot.services.map((s) => [
        s.namespace,
        s.name,
        s.type,
        s.clusterIP ?? '<none>',
        s.externalName ?? (s.externalIPs.join(',') || (s.type === 'LoadBalancer' ? '<pending>' : '<none>')),
        s.ports
          .map((p) => `${p.port}${p.nodePort === null ? '' : `:${p.nodePort}`}/${p.protocol}`)
          .join(',') || '<none>',
      ]),
    ),
    'ENDPOINTSLICES',
    table(
      ['NAMESPACE', 'NAME', 'SERVICE', 'ADDRESSTYPE', 'PORTS', 'ENDPOINTS'],
      snapshot.endpointSlices.map((s) => [
        s.namespace,
        s.name,
        s.service ?? '-',
        s.addressType,
        s.ports.join(',') || '<unset>',
        s.endpoints
          .map((e) => `${e.address}${e.ready ? '' : e.terminating ? '(terminating)' : '(not ready)'}`)
          .join(',') || '<none>',
      ]),
    ),
  );
  return sections.join('\n') + '\n';
}

function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  if (rows.length === 0) return '  (none)';
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]) =>
    '  ' +
    cells
      .map((c, i) => c.padEnd(widths[i] ?? 0))
      .join('   ')
      .trimEnd();
  return [line(header), ...rows.map(line)].join('\n');
}
