import type { Protocol, StringMap } from '@knsim/api';

/** A port a pod's container declares: what a NetworkPolicy named port resolves to. */
export interface PolicyContainerPort {
  readonly name?: string;
  readonly containerPort: number;
  readonly protocol: Protocol;
}

/** What NetworkPolicy needs to know about a pod. */
export interface PolicyPodInfo {
  readonly namespace: string;
  readonly name: string;
  /** The pod's IPs (one per family); matched by `ipBlock` peers. */
  readonly ips: readonly string[];
  readonly labels: StringMap | undefined;
  /** The node the pod runs on: traffic from that node's IP is always admitted. */
  readonly nodeName?: string;
  /** Every container's ports, in container order; named ports resolve against them. */
  readonly containerPorts: readonly PolicyContainerPort[];
}

/** What NetworkPolicy needs to know about a namespace. */
export interface PolicyNamespaceInfo {
  readonly name: string;
  /** `kubernetes.io/metadata.name` is added when missing, as the API server does. */
  readonly labels: StringMap | undefined;
}

/**
 * One end of a connection: a pod, a node (its own IP, e.g. kubelet probes or host-network
 * processes), or an address outside the cluster.
 */
export type PolicyEndpoint =
  | {
      readonly kind: 'pod';
      readonly pod: PolicyPodInfo;
      /** The pod address this connection uses; absent: `ipBlock` peers match any of `pod.ips`. */
      readonly ip?: string;
    }
  | { readonly kind: 'node'; readonly nodeName: string; readonly ip: string }
  | { readonly kind: 'external'; readonly ip: string };

/**
 * A connection as NetworkPolicy sees it when it is set up: after Service DNAT (the destination
 * is the backend pod), judged once; replies of an allowed connection are allowed.
 */
export interface PolicyConnection {
  readonly source: PolicyEndpoint;
  readonly destination: PolicyEndpoint;
  /** The destination port, 1-65535. */
  readonly port: number;
  readonly protocol: Protocol;
}

/** The two directions NetworkPolicy isolates. */
export type PolicyDirection = 'ingress' | 'egress';

/** A short human name for an endpoint: `ns/name`, `node/name (ip)` or the address. */
export function describeEndpoint(endpoint: PolicyEndpoint): string {
  switch (endpoint.kind) {
    case 'pod':
      return `${endpoint.pod.namespace}/${endpoint.pod.name}`;
    case 'node':
      return `node ${endpoint.nodeName} (${endpoint.ip})`;
    case 'external':
      return endpoint.ip;
  }
}
