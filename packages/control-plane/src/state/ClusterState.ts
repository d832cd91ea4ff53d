import type {
  Deployment,
  DaemonSet,
  EndpointSlice,
  Ingress,
  IngressClass,
  Job,
  Namespace,
  NetworkPolicy,
  PodSpec,
  ReplicaSet,
  Service,
  StatefulSet,
  Taint,
} from '@knsim/api';
import { PersistentMap, type Instant } from '@knsim/core';
import type { HostLocalIpamState, NodeCidrAllocatorState } from '@knsim/cni';
import type { ClusterConfig } from '../config/ClusterConfig.js';

/** The API server's view of node health (the Ready condition). */
export type ConditionValue = 'True' | 'False' | 'Unknown';

/** What is physically true of a node's kubelet, whatever the API server believes. */
export type KubeletState = 'running' | 'crashed' | 'partitioned';

export interface NodeRecord {
  readonly name: string;
  readonly uid: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly zone: string | undefined;
  /** InternalIP. */
  readonly address: string;
  readonly podCIDR: string | undefined;
  /** The podCIDR's block index in the cluster CIDR (for release). */
  readonly podCIDRIndex: number | undefined;
  /** Taints the user declared plus the ones controllers added. */
  readonly taints: readonly Taint[];
  readonly unschedulable: boolean;
  readonly maxPods: number;
  readonly ready: ConditionValue;
  readonly readySince: Instant;
  readonly kubelet: KubeletState;
  /** When the kubelet last stopped renewing its lease (crash or partition). */
  readonly kubeletStoppedAt: Instant | undefined;
  /** host-local IPAM of the node's podCIDR; undefined until it has one. */
  readonly ipam: HostLocalIpamState | undefined;
  readonly createdAt: Instant;
}

export type PodPhase = 'Pending' | 'Running' | 'Succeeded' | 'Failed';

export interface PodOwner {
  readonly kind: 'ReplicaSet' | 'StatefulSet' | 'DaemonSet' | 'Job';
  readonly name: string;
}

export interface PodRecord {
  /** `namespace/name`. */
  readonly key: string;
  readonly namespace: string;
  readonly name: string;
  readonly uid: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly annotations: Readonly<Record<string, string>>;
  readonly owner: PodOwner | undefined;
  /** The defaulted pod spec (hostname/subdomain/nodeName included). */
  readonly spec: PodSpec;
  readonly createdAt: Instant;
  readonly nodeName: string | undefined;
  readonly phase: PodPhase;
  readonly podIP: string | undefined;
  /** The pod's sandbox exists (its IP is allocated). */
  readonly sandboxReady: boolean;
  readonly containersRunning: boolean;
  /** The PodReady condition. */
  readonly ready: boolean;
  /** Last transition of the Ready condition. */
  readonly readySince: Instant;
  readonly restarts: number;
  /** When deletion was requested (the API server's deletionTimestamp is this plus the grace period). */
  readonly deletionRequestedAt: Instant | undefined;
  readonly deletionGracePeriodSeconds: number | undefined;
  /** Why the pod is not progressing (Unschedulable, FailedCreatePodSandBox, CrashLoopBackOff...). */
  readonly waitingReason: string | undefined;
  /** pod-template-hash or controller-revision-hash, for rollouts. */
  readonly revision: string | undefined;
  /** StatefulSet ordinal. */
  readonly ordinal: number | undefined;
}

export interface ServiceRecord {
  readonly key: string;
  readonly uid: string;
  /** The defaulted Service with its allocations (clusterIP(s), nodePorts, LoadBalancer ingress). */
  readonly service: Service;
  readonly createdAt: Instant;
}

export interface DeploymentRecord {
  readonly key: string;
  readonly uid: string;
  readonly deployment: Deployment;
  readonly createdAt: Instant;
}

export interface ReplicaSetRecord {
  readonly key: string;
  readonly uid: string;
  readonly replicaSet: ReplicaSet;
  /** Owning Deployment's name, if any. */
  readonly deployment: string | undefined;
  readonly templateHash: string | undefined;
  readonly createdAt: Instant;
}

export interface StatefulSetRecord {
  readonly key: string;
  readonly uid: string;
  readonly statefulSet: StatefulSet;
  /** Hash of the current template (the update revision). */
  readonly revision: string;
  readonly createdAt: Instant;
}

export interface DaemonSetRecord {
  readonly key: string;
  readonly uid: string;
  readonly daemonSet: DaemonSet;
  readonly revision: string;
  readonly createdAt: Instant;
}

export interface JobRecord {
  readonly key: string;
  readonly uid: string;
  readonly job: Job;
  readonly succeeded: number;
  readonly failed: number;
  readonly completedAt: Instant | undefined;
  readonly createdAt: Instant;
}

/** Readiness-probe outcomes forced by faults: pods matching are failing their probes. */
export interface ReadinessFault {
  readonly id: string;
  readonly namespace: string | undefined;
  /** A label selector in kubectl's string form. */
  readonly selector: string;
}

/**
 * Everything the control plane knows, as the fold of the log. Large collections are
 * PersistentMaps keyed `namespace/name` (nodes by name).
 */
export interface ClusterState {
  readonly config: ClusterConfig | undefined;
  readonly namespaces: PersistentMap<Namespace>;
  readonly nodes: PersistentMap<NodeRecord>;
  readonly pods: PersistentMap<PodRecord>;
  readonly services: PersistentMap<ServiceRecord>;
  readonly endpointSlices: PersistentMap<EndpointSlice>;
  readonly deployments: PersistentMap<DeploymentRecord>;
  readonly replicaSets: PersistentMap<ReplicaSetRecord>;
  readonly statefulSets: PersistentMap<StatefulSetRecord>;
  readonly daemonSets: PersistentMap<DaemonSetRecord>;
  readonly jobs: PersistentMap<JobRecord>;
  readonly ingresses: PersistentMap<Ingress>;
  readonly ingressClasses: PersistentMap<IngressClass>;
  readonly networkPolicies: PersistentMap<NetworkPolicy>;
  /** Allocated ClusterIPs: IP -> Service key. */
  readonly clusterIPs: PersistentMap<string>;
  /** Allocated NodePorts (and health-check node ports): port -> Service key. */
  readonly nodePorts: PersistentMap<string>;
  /** Allocated LoadBalancer IPs: IP -> Service key. */
  readonly loadBalancerIPs: PersistentMap<string>;
  /** Node podCIDR allocation (kube-controller-manager's range allocator); undefined before ClusterCreated. */
  readonly nodeCidrs: NodeCidrAllocatorState | undefined;
  readonly readinessFaults: readonly ReadinessFault[];
}

export function initialClusterState(): ClusterState {
  return {
    config: undefined,
    namespaces: PersistentMap.empty(),
    nodes: PersistentMap.empty(),
    pods: PersistentMap.empty(),
    services: PersistentMap.empty(),
    endpointSlices: PersistentMap.empty(),
    deployments: PersistentMap.empty(),
    replicaSets: PersistentMap.empty(),
    statefulSets: PersistentMap.empty(),
    daemonSets: PersistentMap.empty(),
    jobs: PersistentMap.empty(),
    ingresses: PersistentMap.empty(),
    ingressClasses: PersistentMap.empty(),
    networkPolicies: PersistentMap.empty(),
    clusterIPs: PersistentMap.empty(),
    nodePorts: PersistentMap.empty(),
    loadBalancerIPs: PersistentMap.empty(),
    nodeCidrs: undefined,
    readinessFaults: [],
  };
}

/** `namespace/name`. */
export function objectKey(namespace: string | undefined, name: string): string {
  return `${namespace ?? 'default'}/${name}`;
}
