/**
 * @knsim/control-plane: a Kubernetes control plane in simulation. Cluster configuration, the API
 * server's admission and allocators (ClusterIP bands, NodePorts, LoadBalancer addresses), node
 * IPAM, kube-scheduler, the EndpointSlice, Deployment, ReplicaSet, StatefulSet, DaemonSet and Job
 * controllers, node lifecycle with taint eviction, and a kubelet per node; all as events on the
 * knsim kernel.
 *
 * @packageDocumentation
 */
export {
  ClusterApplyError,
  Cluster,
  apiServerAddress,
  DEFAULT_INGRESS_NAMESPACE,
  DEFAULT_INGRESS_SERVICE,
  INGRESS_CONTROLLER_LABELS,
  type ApplyProblem,
  type ClusterOptions,
  type ConvergeResult,
} from './Cluster.js';
export {
  CLUSTER_CONFIG_API_VERSION,
  ClusterConfigError,
  DEFAULT_CLUSTER_CONFIG,
  HOSTNAME_LABEL,
  loadClusterConfig,
  resolveClusterConfig,
  ZONE_LABEL,
  type ClusterConfig,
  type ClusterConfigSpec,
  type ConfigIssue,
  type DnsConfig,
  type DnsConfigSpec,
  type ExternalConfig,
  type ExternalConfigSpec,
  type ExternalEndpoint,
  type ExternalEndpointSpec,
  type IngressConfig,
  type IngressConfigSpec,
  type NodeConfig,
  type NodeConfigSpec,
  type Timings,
  type TimingsSpec,
} from './config/ClusterConfig.js';
export {
  resolveProxyConfig,
  type DetectLocalMode,
  type ProxyConfig,
  type ProxyConfigSpec,
  type ProxyMode,
} from './config/ProxyConfig.js';
export type {
  ClusterEvent,
  ClusterEventOf,
  ClusterEventType,
  PassiveKind,
  PassiveObject,
} from './state/ClusterEvent.js';
export {
  initialClusterState,
  objectKey,
  type ClusterState,
  type ConditionValue,
  type DaemonSetRecord,
  type DeploymentRecord,
  type JobRecord,
  type KubeletState,
  type NodeRecord,
  type PodOwner,
  type PodPhase,
  type PodRecord,
  type ReadinessFault,
  type ReplicaSetRecord,
  type ServiceRecord,
  type StatefulSetRecord,
} from './state/ClusterState.js';
export { evolveCluster } from './state/evolveCluster.js';
export { ClusterIndex } from './runtime/ClusterIndex.js';
export { Activity, workQueue } from './runtime/Activity.js';
export { podObject } from './controllers/podView.js';
export {
  allocateClusterIp,
  allocateNodePort,
  dnsServiceIp,
  firstServiceIp,
  nodePortRange,
  serviceIpRange,
  type NodePortRange,
  type ServiceIpRange,
} from './services/allocators.js';
export {
  feasibleNodesToFind,
  SchedulingScratch,
  selectNode,
  type SchedulingNode,
  type SchedulingResult,
} from './scheduler/selectNode.js';
export {
  evictionDelaySeconds,
  NOT_READY_TAINT,
  toleratesTaint,
  UNREACHABLE_TAINT,
  withDefaultTolerations,
} from './scheduler/tolerations.js';
export {
  ENDPOINTSLICE_CONTROLLER_NAME,
  MANAGED_BY_LABEL,
  reconcileEndpointSlices,
  type EndpointSliceChanges,
  type ReconcileEndpointSlicesInput,
} from './endpoints/reconcileEndpointSlices.js';
export type { PodEndpointFacts } from './endpoints/podToEndpoint.js';
export { clusterSnapshot, formatClusterSnapshot, type ClusterSnapshot } from './snapshot.js';
