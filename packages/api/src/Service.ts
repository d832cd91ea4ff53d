import type { IntOrString } from './IntOrString.js';
import { compileLabelMap, type LabelMatcher } from './labelSelector.js';
import type { ObjectMeta, Protocol, StringMap } from './ObjectMeta.js';

/** The four Service types. */
export type ServiceType = 'ClusterIP' | 'NodePort' | 'LoadBalancer' | 'ExternalName';

/** `Cluster` spreads over all endpoints; `Local` uses only endpoints on the receiving node. */
export type TrafficPolicy = 'Cluster' | 'Local';

/** A port of a Service. */
export interface ServicePort {
  /** A DNS-1123 label; required when the Service has more than one port. */
  readonly name?: string;
  /** Defaults to TCP. */
  readonly protocol?: Protocol;
  readonly port: number;
  /** A number or a container port name resolved per pod; defaults to `port`. */
  readonly targetPort?: IntOrString;
  /** Allocated from the node port range for NodePort and LoadBalancer Services when absent. */
  readonly nodePort?: number;
  readonly appProtocol?: string;
}

/** One address of a load balancer in front of the Service. */
export interface LoadBalancerIngress {
  readonly ip?: string;
  readonly hostname?: string;
  readonly ipMode?: 'VIP' | 'Proxy';
}

/** A Service. */
export interface Service {
  readonly apiVersion: 'v1';
  readonly kind: 'Service';
  readonly metadata: ObjectMeta;
  readonly spec: {
    /** Defaults to ClusterIP. */
    readonly type?: ServiceType;
    /**
     * Pods with these labels become endpoints. Absent or empty: the Service gets no managed
     * EndpointSlices (the user supplies them).
     */
    readonly selector?: StringMap;
    readonly ports?: readonly ServicePort[];
    /** An IP in the service range, `None` (headless), or absent/empty to allocate one. */
    readonly clusterIP?: string;
    readonly clusterIPs?: readonly string[];
    /** For type ExternalName: the DNS name returned as a CNAME. */
    readonly externalName?: string;
    readonly externalIPs?: readonly string[];
    /** Defaults to None. */
    readonly sessionAffinity?: 'None' | 'ClientIP';
    /** For ClientIP affinity; `timeoutSeconds` defaults to 10800 (1-86400). */
    readonly sessionAffinityConfig?: { readonly clientIP?: { readonly timeoutSeconds?: number } };
    /** Defaults to Cluster for externally reachable Services (NodePort, LoadBalancer, externalIPs). */
    readonly externalTrafficPolicy?: TrafficPolicy;
    /** Defaults to Cluster (except for ExternalName). */
    readonly internalTrafficPolicy?: TrafficPolicy;
    /** For LoadBalancer with externalTrafficPolicy Local. */
    readonly healthCheckNodePort?: number;
    readonly loadBalancerIP?: string;
    readonly loadBalancerSourceRanges?: readonly string[];
    readonly loadBalancerClass?: string;
    /** Defaults to true for LoadBalancer. */
    readonly allocateLoadBalancerNodePorts?: boolean;
    /** Makes not-ready endpoints ready for DNS and proxying. */
    readonly publishNotReadyAddresses?: boolean;
    readonly ipFamilies?: readonly ('IPv4' | 'IPv6')[];
    readonly ipFamilyPolicy?: 'SingleStack' | 'PreferDualStack' | 'RequireDualStack';
    /** A routing preference such as `PreferClose`. */
    readonly trafficDistribution?: string;
  };
  readonly status?: { readonly loadBalancer?: { readonly ingress?: readonly LoadBalancerIngress[] } };
}

/** Session affinity timeout when ClientIP affinity gives none: 3 hours. */
export const DEFAULT_CLIENT_IP_TIMEOUT_SECONDS = 10800;
/** The largest ClientIP affinity timeout: one day. */
export const MAX_CLIENT_IP_TIMEOUT_SECONDS = 86400;
/** The node port range of a default cluster (inclusive). */
export const DEFAULT_NODE_PORT_RANGE: PortRange = { first: 30000, last: 32767 };

/** An inclusive range of port numbers. */
export interface PortRange {
  readonly first: number;
  readonly last: number;
}

/** True for the Services a client outside the cluster can reach (they get an externalTrafficPolicy). */
export function isExternallyAccessible(service: Service): boolean {
  const type = service.spec.type ?? 'ClusterIP';
  return (
    type === 'NodePort' ||
    type === 'LoadBalancer' ||
    (type === 'ClusterIP' && (service.spec.externalIPs?.length ?? 0) > 0)
  );
}

/** True for a headless Service (`clusterIP: None`). */
export function isHeadlessService(service: Service): boolean {
  return service.spec.clusterIP === 'None';
}

/**
 * The matcher for the pods a Service selects, or undefined when the Service has no selector
 * (absent or empty): such a Service gets no managed EndpointSlices, and its endpoints are
 * whatever EndpointSlices the user supplies. ExternalName Services never have endpoints.
 */
export function serviceSelectorMatcher(service: Service): LabelMatcher | undefined {
  const selector = service.spec.selector;
  if (service.spec.type === 'ExternalName' || selector === undefined || Object.keys(selector).length === 0) {
    return undefined;
  }
  return compileLabelMap(selector);
}
