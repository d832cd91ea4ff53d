import type { IntOrString } from './IntOrString.js';
import type { ConditionStatus, ObjectMeta, Protocol, StringMap } from './ObjectMeta.js';

/** A port a container listens on; `name` is what a Service `targetPort` or NetworkPolicy port may refer to. */
export interface ContainerPort {
  /**
   * An IANA_SVC_NAME (at most 15 characters), unique within its container. Kubernetes lets
   * another container of the pod reuse it (the loader warns): named ports resolve to the first.
   */
  readonly name?: string;
  readonly containerPort: number;
  /** Also exposes the port on the node's IP (0 or absent: not exposed). */
  readonly hostPort?: number;
  readonly hostIP?: string;
  /** Defaults to TCP. */
  readonly protocol?: Protocol;
}

/** An HTTP GET check. */
export interface HttpGetAction {
  readonly path?: string;
  /** A port number or the name of a container port. */
  readonly port: IntOrString;
  readonly host?: string;
  readonly scheme?: 'HTTP' | 'HTTPS';
  readonly httpHeaders?: readonly { readonly name: string; readonly value: string }[];
}

/** A TCP connect check. */
export interface TcpSocketAction {
  readonly port: IntOrString;
  readonly host?: string;
}

/** A gRPC health check. */
export interface GrpcAction {
  readonly port: number;
  readonly service?: string;
}

/** A readiness, liveness or startup probe; exactly one handler is set. */
export interface Probe {
  readonly exec?: { readonly command?: readonly string[] };
  readonly httpGet?: HttpGetAction;
  readonly tcpSocket?: TcpSocketAction;
  readonly grpc?: GrpcAction;
  /** Defaults to 0. */
  readonly initialDelaySeconds?: number;
  /** Defaults to 1. */
  readonly timeoutSeconds?: number;
  /** Defaults to 10. */
  readonly periodSeconds?: number;
  /** Defaults to 1 (and must be 1 for liveness and startup probes). */
  readonly successThreshold?: number;
  /** Defaults to 3. */
  readonly failureThreshold?: number;
  readonly terminationGracePeriodSeconds?: number;
}

/** A container of a pod (the fields that matter to networking and lifecycle). */
export interface Container {
  /** A DNS-1123 label, unique within the pod. */
  readonly name: string;
  readonly image?: string;
  readonly command?: readonly string[];
  readonly args?: readonly string[];
  readonly ports?: readonly ContainerPort[];
  readonly readinessProbe?: Probe;
  readonly livenessProbe?: Probe;
  readonly startupProbe?: Probe;
}

/** A toleration of a node taint. */
export interface Toleration {
  readonly key?: string;
  /** Defaults to Equal. */
  readonly operator?: 'Exists' | 'Equal';
  readonly value?: string;
  /** Absent: tolerates every effect. */
  readonly effect?: 'NoSchedule' | 'PreferNoSchedule' | 'NoExecute';
  /** For NoExecute: how long the pod stays bound after the taint appears. */
  readonly tolerationSeconds?: number;
}

/** How a pod's resolver is configured. */
export type DnsPolicy = 'ClusterFirst' | 'ClusterFirstWithHostNet' | 'Default' | 'None';

/** Extra resolver settings merged into (or, with dnsPolicy None, replacing) the generated ones. */
export interface PodDnsConfig {
  readonly nameservers?: readonly string[];
  readonly searches?: readonly string[];
  readonly options?: readonly { readonly name: string; readonly value?: string }[];
}

/** What the kubelet does when a container exits. */
export type RestartPolicy = 'Always' | 'OnFailure' | 'Never';

/** The desired state of a pod. */
export interface PodSpec {
  readonly containers: readonly Container[];
  readonly initContainers?: readonly Container[];
  /** Set by the scheduler (or by hand, bypassing it). */
  readonly nodeName?: string;
  readonly nodeSelector?: StringMap;
  readonly tolerations?: readonly Toleration[];
  /** The pod's hostname (defaults to the pod name); DNS-1123 label. */
  readonly hostname?: string;
  /** With a matching headless Service, gives the pod `<hostname>.<subdomain>.<ns>.svc.<zone>`. */
  readonly subdomain?: string;
  /** Uses the node's network namespace and IP; not subject to NetworkPolicy. */
  readonly hostNetwork?: boolean;
  /** Defaults to 30. */
  readonly terminationGracePeriodSeconds?: number;
  /** Defaults to ClusterFirst. */
  readonly dnsPolicy?: DnsPolicy;
  readonly dnsConfig?: PodDnsConfig;
  /** Defaults to Always. */
  readonly restartPolicy?: RestartPolicy;
  readonly serviceAccountName?: string;
  readonly schedulerName?: string;
  readonly priority?: number;
  readonly priorityClassName?: string;
  readonly readinessGates?: readonly { readonly conditionType: string }[];
}

/** A pod's lifecycle phase. */
export type PodPhase = 'Pending' | 'Running' | 'Succeeded' | 'Failed' | 'Unknown';

/** One pod condition (PodScheduled, Initialized, ContainersReady, Ready, ...). */
export interface PodCondition {
  readonly type: string;
  readonly status: ConditionStatus;
  readonly lastTransitionTime?: string;
  readonly reason?: string;
  readonly message?: string;
}

/** The observed state of a pod. */
export interface PodStatus {
  readonly phase?: PodPhase;
  readonly podIP?: string;
  /** One IP per family; the first equals `podIP`. */
  readonly podIPs?: readonly { readonly ip: string }[];
  readonly hostIP?: string;
  readonly hostIPs?: readonly { readonly ip: string }[];
  readonly conditions?: readonly PodCondition[];
  readonly startTime?: string;
}

/** A pod. */
export interface Pod {
  readonly apiVersion: 'v1';
  readonly kind: 'Pod';
  readonly metadata: ObjectMeta;
  readonly spec: PodSpec;
  readonly status?: PodStatus;
}

/** The pod template of a workload. */
export interface PodTemplateSpec {
  readonly metadata?: ObjectMeta;
  readonly spec: PodSpec;
}
