import { DEFAULT_NAMESPACE, type KubeObject, type PodSpec, type StringMap } from '@knsim/api';
import type { PolicyContainerPort, PolicyPodInfo } from './PolicyConnection.js';

/** One endpoint of static analysis: all pods of one workload, represented by one pod. */
export interface WorkloadPeer {
  /** `namespace/name[Kind]`, as netpol-analyzer prints it. */
  readonly key: string;
  readonly namespace: string;
  readonly name: string;
  /** The owning workload's kind, or `Pod` for a pod without a controller. */
  readonly kind: string;
  /** The representative pod the policies are evaluated against. */
  readonly pod: PolicyPodInfo;
}

/** Options for {@link deriveWorkloadPeers}. */
export interface DeriveWorkloadPeersOptions {
  /**
   * Give pods declared as Pod objects the IPs in their `status`, so `ipBlock` peers match them.
   * Default false: pod addresses are ephemeral and templates have none, so statically a pod is
   * known by its workload, not its address (Kubernetes' own docs ask ipBlocks to name
   * cluster-external addresses), which is also how netpol-analyzer reads manifests.
   */
  readonly podIpsFromStatus?: boolean;
}

function containerPorts(spec: PodSpec | undefined): PolicyContainerPort[] {
  const ports: PolicyContainerPort[] = [];
  // Only app containers serve traffic: init containers have exited before the pod is ready.
  for (const container of spec?.containers ?? []) {
    for (const port of container.ports ?? []) {
      ports.push({
        ...(port.name === undefined || port.name === '' ? {} : { name: port.name }),
        containerPort: port.containerPort,
        protocol: port.protocol ?? 'TCP',
      });
    }
  }
  return ports;
}

function peer(
  namespace: string,
  name: string,
  kind: string,
  labels: StringMap | undefined,
  spec: PodSpec | undefined,
  ips: readonly string[],
): WorkloadPeer {
  const key = `${namespace}/${name}[${kind}]`;
  return {
    key,
    namespace,
    name,
    kind,
    pod: { namespace, name: key, ips, labels: labels ?? {}, containerPorts: containerPorts(spec) },
  };
}

/**
 * The endpoints of static analysis, one per workload, as netpol-analyzer derives them:
 *
 * - a Deployment, ReplicaSet, StatefulSet, DaemonSet, Job or CronJob is one endpoint whose pod
 *   has its template's labels and container ports;
 * - a Pod object belongs to the workload of its controller owner reference (`[ReplicaSet]` for
 *   pods of a ReplicaSet, whatever Deployment owns that), except a Node (static pods); without
 *   one it is its own endpoint, `[Pod]`; several pods of one owner are one endpoint (the first
 *   loaded represents them all).
 *
 * Sorted by key.
 */
export function deriveWorkloadPeers(
  objects: readonly KubeObject[],
  options: DeriveWorkloadPeersOptions = {},
): WorkloadPeer[] {
  const byKey = new Map<string, WorkloadPeer>();
  const add = (entry: WorkloadPeer): void => {
    if (!byKey.has(entry.key)) byKey.set(entry.key, entry);
  };
  for (const object of objects) {
    const namespace = object.metadata.namespace ?? DEFAULT_NAMESPACE;
    const name = object.metadata.name ?? object.metadata.generateName ?? '';
    switch (object.kind) {
      case 'Pod': {
        const owner = object.metadata.ownerReferences?.find((reference) => reference.controller === true);
        const owned = owner !== undefined && owner.kind !== 'Node';
        const ips = options.podIpsFromStatus
          ? (object.status?.podIPs?.map((entry) => entry.ip) ??
            (object.status?.podIP === undefined ? [] : [object.status.podIP]))
          : [];
        add(
          peer(
            namespace,
            owned ? owner.name : name,
            owned ? owner.kind || 'Pod' : 'Pod',
            object.metadata.labels,
            object.spec,
            ips,
          ),
        );
        break;
      }
      case 'Deployment':
      case 'ReplicaSet':
      case 'StatefulSet':
      case 'DaemonSet':
      case 'Job':
        add(
          peer(
            namespace,
            name,
            object.kind,
            object.spec.template.metadata?.labels,
            object.spec.template.spec,
            [],
          ),
        );
        break;
      case 'CronJob': {
        const template = object.spec.jobTemplate.spec.template;
        add(peer(namespace, name, object.kind, template.metadata?.labels, template.spec, []));
        break;
      }
      default:
        break;
    }
  }
  return [...byKey.values()].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}
