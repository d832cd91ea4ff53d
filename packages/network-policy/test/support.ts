import type { NetworkPolicy, StringMap } from '@knsim/api';
import type { PolicyConnection, PolicyEndpoint, PolicyPodInfo } from '../src/index.js';

/** A NetworkPolicy in `namespace` with `spec` (podSelector defaults to `{}`). */
export function policy(
  namespace: string,
  name: string,
  spec: Partial<NetworkPolicy['spec']> = {},
): NetworkPolicy {
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: { namespace, name },
    spec: { podSelector: {}, ...spec },
  };
}

/** A pod; `ips` defaults to none, ports to none. */
export function pod(
  namespace: string,
  name: string,
  labels: StringMap = {},
  extra: Partial<Omit<PolicyPodInfo, 'namespace' | 'name' | 'labels'>> = {},
): PolicyPodInfo {
  return { namespace, name, labels, ips: [], containerPorts: [], ...extra };
}

/** A pod endpoint. */
export function at(info: PolicyPodInfo): PolicyEndpoint {
  return { kind: 'pod', pod: info };
}

/** A TCP (by default) connection. */
export function tcp(
  source: PolicyEndpoint,
  destination: PolicyEndpoint,
  port: number,
  protocol: PolicyConnection['protocol'] = 'TCP',
): PolicyConnection {
  return { source, destination, port, protocol };
}
