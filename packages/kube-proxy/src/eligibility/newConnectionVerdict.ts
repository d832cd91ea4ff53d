/**
 * What a node's kube-proxy rules do with a new connection to a Service address: forward it to
 * one of an endpoint set, reject it, or drop it (the outcome of the iptables proxier's
 * `syncProxyRules` for that Service port, written as a decision instead of rules).
 *
 * @module
 */
import { cidrContains, parseCidr, tryParseIp } from '@knsim/api';
import type { CategorizedEndpoints } from './categorizeEndpoints.js';
import type { ConnectionSource, LocalTrafficDetector } from './localTrafficDetector.js';
import type { ProxyEndpoint } from './proxyEndpoint.js';
import type { ServicePortInfo } from './servicePortInfo.js';

/**
 * The Service address a connection is sent to: the ClusterIP and port, a NodePort on one of the
 * node's addresses, a load-balancer VIP, or an external IP.
 */
export type ServiceDestination = 'clusterIP' | 'nodePort' | 'loadBalancer' | 'externalIP';

/**
 * Why a forwarded connection uses the endpoint set it does.
 *
 * - `cluster-traffic-policy`: Cluster policy applies (the default).
 * - `internal-traffic-policy-local`: ClusterIP traffic under `internalTrafficPolicy: Local`.
 * - `external-traffic-policy-local`: external traffic under `externalTrafficPolicy: Local`.
 * - `pod-short-circuit`: a pod reaching an external address of a Local-policy Service gets
 *   Cluster semantics, as if it had gone out to the balancer and back.
 * - `node-short-circuit`: the same for the node itself (and hostNetwork pods).
 */
export type ForwardReason =
  | 'cluster-traffic-policy'
  | 'internal-traffic-policy-local'
  | 'external-traffic-policy-local'
  | 'pod-short-circuit'
  | 'node-short-circuit';

/**
 * Why kube-proxy programs nothing for this destination, so the packet is routed as if kube-proxy
 * did not exist: the Service is not proxied (headless, ExternalName, no ClusterIP of this
 * family), or the port has no NodePort, no load-balancer VIP or no external IP.
 */
export type NotProxiedReason =
  'service-not-proxied' | 'no-node-port' | 'no-load-balancer-vip' | 'no-external-ip';

/** The fate of a new connection. */
export type NewConnectionVerdict =
  | {
      readonly outcome: 'forward';
      readonly destination: ServiceDestination;
      /** Which list of {@link CategorizedEndpoints} the connection is balanced over. */
      readonly endpointSet: 'cluster' | 'local';
      /** Never empty. */
      readonly endpoints: readonly ProxyEndpoint[];
      readonly reason: ForwardReason;
    }
  | {
      /**
       * Refused at once (iptables `REJECT`, ICMP port unreachable): no usable endpoint exists
       * anywhere in the cluster. A TCP client sees "connection refused".
       */
      readonly outcome: 'reject';
      readonly destination: ServiceDestination;
      readonly reason: 'no-endpoints';
    }
  | {
      /**
       * Silently discarded (iptables `DROP`); the client retransmits until it times out.
       * `no-local-endpoints`: a Local policy applies and this node has no usable endpoint,
       * though others do. `source-range`: a load-balancer VIP with `loadBalancerSourceRanges`
       * that exclude the source.
       */
      readonly outcome: 'drop';
      readonly destination: ServiceDestination;
      readonly reason: 'no-local-endpoints' | 'source-range';
    }
  | {
      readonly outcome: 'not-proxied';
      readonly destination: ServiceDestination;
      readonly reason: NotProxiedReason;
    };

/** What {@link newConnectionVerdict} decides from. */
export interface NewConnectionInput {
  readonly servicePort: ServicePortInfo;
  /** The port's endpoints, categorized for this node (with the port's policies). */
  readonly categorized: CategorizedEndpoints;
  readonly destination: ServiceDestination;
  readonly source: ConnectionSource;
  /** This node's `--detect-local-mode` (decides who is short-circuited). */
  readonly localDetector: LocalTrafficDetector;
}

function notProxiedReason(
  servicePort: ServicePortInfo,
  destination: ServiceDestination,
): NotProxiedReason | undefined {
  if (!servicePort.proxied) return 'service-not-proxied';
  switch (destination) {
    case 'clusterIP':
      return undefined;
    case 'nodePort':
      return servicePort.nodePort === 0 ? 'no-node-port' : undefined;
    case 'loadBalancer':
      return servicePort.loadBalancerVIPs.length === 0 ? 'no-load-balancer-vip' : undefined;
    case 'externalIP':
      return servicePort.externalIPs.length === 0 ? 'no-external-ip' : undefined;
  }
}

/**
 * True when `loadBalancerSourceRanges` let the source through to a load-balancer VIP (always,
 * when the Service gives no ranges).
 *
 * @example
 * ```ts
 * sourceAllowedToLoadBalancer(info, '203.0.113.9'); // false with ranges ['198.51.100.0/24']
 * ```
 */
export function sourceAllowedToLoadBalancer(servicePort: ServicePortInfo, sourceIp: string): boolean {
  if (servicePort.loadBalancerSourceRanges.length === 0) return true;
  const ip = tryParseIp(sourceIp, { legacy: true });
  if (ip === undefined) return false;
  return servicePort.loadBalancerSourceRanges.some((range) => cidrContains(parseCidr(range), ip));
}

/**
 * What the rules that one node's kube-proxy programs (iptables mode) do with a new connection to
 * a Service address, given the port's endpoints categorized for that node:
 *
 * 1. Nothing is programmed for a Service that is not proxied or an address the port lacks:
 *    `not-proxied`.
 * 2. No usable endpoint anywhere (`hasAnyEndpoints` false): `reject`, for every destination.
 * 3. ClusterIP: `internalTrafficPolicy: Local` uses this node's endpoints, and `drop`s when it
 *    has none; otherwise the Cluster endpoints (topology-narrowed).
 * 4. A load-balancer VIP with `loadBalancerSourceRanges` `drop`s sources outside them (pods and
 *    the node included: the firewall chain sees every packet to the VIP).
 * 5. NodePort, load-balancer VIP, external IP: `externalTrafficPolicy: Cluster` uses the Cluster
 *    endpoints. Under Local, traffic the local detector recognises as from a pod, and traffic
 *    from the node itself, is short-circuited to the Cluster endpoints (so traffic to a
 *    LoadBalancer or external IP from inside the cluster gets Cluster semantics); any other
 *    source uses this node's endpoints, and is dropped when it has none.
 *
 * Throws when `categorized` lacks the Cluster list that the path needs (it was computed without
 * the port's `externallyAccessible` and policies): a caller bug, not a network outcome.
 *
 * Not modelled: localhost NodePorts (`127.0.0.1:nodePort`), `--nodeport-addresses`, the
 * `allowFromNode` exception for VIPs the node itself owns, and conntrack (an established
 * connection keeps its backend; see the conntrack module).
 *
 * @example
 * ```ts
 * const verdict = newConnectionVerdict({
 *   servicePort: info,
 *   categorized: categorizeEndpoints(endpoints, { nodeName: 'node-1', ...info }),
 *   destination: 'nodePort',
 *   source: { kind: 'external', ip: '203.0.113.9' },
 *   localDetector: localTrafficDetector({ clusterCIDR: '10.244.0.0/16' }),
 * });
 * if (verdict.outcome === 'drop') console.log(verdict.reason); // 'no-local-endpoints'
 * ```
 */
export function newConnectionVerdict(input: NewConnectionInput): NewConnectionVerdict {
  const { servicePort, categorized, destination, source, localDetector } = input;
  const notProxied = notProxiedReason(servicePort, destination);
  if (notProxied !== undefined) return { outcome: 'not-proxied', destination, reason: notProxied };
  if (!categorized.hasAnyEndpoints) return { outcome: 'reject', destination, reason: 'no-endpoints' };

  const forward = (endpointSet: 'cluster' | 'local', reason: ForwardReason): NewConnectionVerdict => {
    if (endpointSet === 'local') {
      const endpoints = categorized.localEndpoints;
      return endpoints.length > 0
        ? { outcome: 'forward', destination, endpointSet, endpoints, reason }
        : { outcome: 'drop', destination, reason: 'no-local-endpoints' };
    }
    // With some usable endpoint anywhere, the Cluster list is never empty when the port uses it.
    if (!categorized.usesClusterEndpoints) {
      throw new Error(
        `${destination} traffic needs Cluster endpoints, but the endpoints were categorized without them ` +
          "(pass the port's externallyAccessible and traffic policies to categorizeEndpoints)",
      );
    }
    return { outcome: 'forward', destination, endpointSet, endpoints: categorized.clusterEndpoints, reason };
  };

  if (destination === 'clusterIP') {
    return servicePort.internalTrafficPolicy === 'Local'
      ? forward('local', 'internal-traffic-policy-local')
      : forward('cluster', 'cluster-traffic-policy');
  }
  if (destination === 'loadBalancer' && !sourceAllowedToLoadBalancer(servicePort, source.ip)) {
    return { outcome: 'drop', destination, reason: 'source-range' };
  }
  if (servicePort.externalTrafficPolicy !== 'Local') return forward('cluster', 'cluster-traffic-policy');
  if (localDetector.implemented && localDetector.isLocal(source))
    return forward('cluster', 'pod-short-circuit');
  if (source.kind === 'node') return forward('cluster', 'node-short-circuit');
  return forward('local', 'external-traffic-policy-local');
}
