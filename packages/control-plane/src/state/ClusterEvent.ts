import type {
  DaemonSet,
  Deployment,
  EndpointSlice,
  Ingress,
  IngressClass,
  Job,
  Namespace,
  NetworkPolicy,
  ReplicaSet,
  Service,
  StatefulSet,
  Taint,
} from '@knsim/api';
import type { ClusterConfig } from '../config/ClusterConfig.js';
import type {
  ConditionValue,
  KubeletState,
  NodeRecord,
  PodOwner,
  PodRecord,
  ReadinessFault,
} from './ClusterState.js';

/** Kinds stored as given, with no controller of their own in the control plane. */
export type PassiveKind = 'Namespace' | 'Ingress' | 'IngressClass' | 'NetworkPolicy';
export type PassiveObject = Namespace | Ingress | IngressClass | NetworkPolicy;

/**
 * Every change to the cluster, past tense. Payloads carry every decided value (allocated IPs,
 * generated names, uids), so folding the log never needs randomness or the configuration file.
 */
export type ClusterEvent =
  | { readonly type: 'ClusterCreated'; readonly config: ClusterConfig }
  | { readonly type: 'ResourceApplied'; readonly kind: PassiveKind; readonly object: PassiveObject }
  | { readonly type: 'ResourceDeleted'; readonly kind: PassiveKind; readonly key: string }
  // Nodes
  | {
      readonly type: 'NodeRegistered';
      readonly node: Omit<NodeRecord, 'ipam'>;
      readonly podCIDRRequest?: string;
    }
  | {
      readonly type: 'NodePodCIDRAssigned';
      readonly node: string;
      readonly podCIDR: string;
      readonly index: number;
      /** The allocator's cursor afterwards (unchanged when an existing podCIDR was occupied). */
      readonly nextCandidate: number;
    }
  | { readonly type: 'NodeCIDRNotAvailable'; readonly node: string; readonly message: string }
  | {
      readonly type: 'NodeKubeletStopped';
      readonly node: string;
      readonly state: Exclude<KubeletState, 'running'>;
    }
  | { readonly type: 'NodeKubeletResumed'; readonly node: string }
  | {
      readonly type: 'NodeReadinessChanged';
      readonly node: string;
      readonly status: ConditionValue;
      readonly reason: string;
    }
  | { readonly type: 'NodeTainted'; readonly node: string; readonly taint: Taint }
  | {
      readonly type: 'NodeUntainted';
      readonly node: string;
      readonly key: string;
      readonly effect: Taint['effect'];
    }
  | {
      readonly type: 'NodeLabelsChanged';
      readonly node: string;
      readonly labels: Readonly<Record<string, string>>;
    }
  | { readonly type: 'NodeCordoned'; readonly node: string }
  | { readonly type: 'NodeUncordoned'; readonly node: string }
  | { readonly type: 'NodeDeleted'; readonly node: string }
  // Pods
  | { readonly type: 'PodCreated'; readonly pod: PodRecord }
  | {
      readonly type: 'PodLabelsChanged';
      readonly pod: string;
      readonly labels: Readonly<Record<string, string>>;
      readonly annotations: Readonly<Record<string, string>>;
    }
  | { readonly type: 'PodScheduled'; readonly pod: string; readonly node: string }
  | { readonly type: 'PodUnschedulable'; readonly pod: string; readonly message: string }
  | { readonly type: 'PodSandboxReady'; readonly pod: string; readonly node: string; readonly ip: string }
  | { readonly type: 'PodSandboxFailed'; readonly pod: string; readonly message: string }
  | { readonly type: 'PodContainersStarted'; readonly pod: string }
  | {
      readonly type: 'PodReadinessChanged';
      readonly pod: string;
      readonly ready: boolean;
      readonly reason: string;
    }
  | {
      readonly type: 'PodContainersExited';
      readonly pod: string;
      readonly reason: string;
      readonly restartAfterSeconds: number | undefined;
    }
  | {
      readonly type: 'PodDeletionRequested';
      readonly pod: string;
      readonly gracePeriodSeconds: number;
      readonly reason: string;
    }
  | { readonly type: 'PodCompleted'; readonly pod: string; readonly phase: 'Succeeded' | 'Failed' }
  | { readonly type: 'PodDeleted'; readonly pod: string; readonly owner?: PodOwner }
  | { readonly type: 'ReadinessFaultStarted'; readonly fault: ReadinessFault }
  | { readonly type: 'ReadinessFaultEnded'; readonly id: string }
  // Services and endpoints
  | { readonly type: 'ServiceCreated'; readonly service: Service; readonly uid: string }
  | { readonly type: 'ServiceUpdated'; readonly service: Service }
  | { readonly type: 'ServiceDeleted'; readonly key: string }
  | { readonly type: 'EndpointSliceCreated'; readonly slice: EndpointSlice }
  | { readonly type: 'EndpointSliceUpdated'; readonly slice: EndpointSlice }
  | { readonly type: 'EndpointSliceDeleted'; readonly key: string }
  // Workloads
  | { readonly type: 'DeploymentApplied'; readonly deployment: Deployment; readonly uid: string }
  | { readonly type: 'DeploymentDeleted'; readonly key: string }
  | {
      readonly type: 'ReplicaSetCreated';
      readonly replicaSet: ReplicaSet;
      readonly uid: string;
      readonly deployment: string | undefined;
      readonly templateHash: string | undefined;
    }
  | { readonly type: 'ReplicaSetScaled'; readonly key: string; readonly replicas: number }
  | { readonly type: 'ReplicaSetDeleted'; readonly key: string }
  | {
      readonly type: 'StatefulSetApplied';
      readonly statefulSet: StatefulSet;
      readonly uid: string;
      readonly revision: string;
    }
  | { readonly type: 'StatefulSetDeleted'; readonly key: string }
  | {
      readonly type: 'DaemonSetApplied';
      readonly daemonSet: DaemonSet;
      readonly uid: string;
      readonly revision: string;
    }
  | { readonly type: 'DaemonSetDeleted'; readonly key: string }
  | { readonly type: 'JobApplied'; readonly job: Job; readonly uid: string }
  | { readonly type: 'JobCompleted'; readonly key: string }
  | { readonly type: 'JobDeleted'; readonly key: string }
  // Commands that could not be carried out (the state is unchanged)
  | { readonly type: 'CommandRejected'; readonly command: string; readonly reason: string };

export type ClusterEventType = ClusterEvent['type'];
export type ClusterEventOf<T extends ClusterEventType> = Extract<ClusterEvent, { type: T }>;
