/**
 * Endpoint eligibility: which endpoints of a Service port this node may use for Cluster and for
 * Local traffic policy (kube-proxy's `CategorizeEndpoints`, `pkg/proxy/topology.go`).
 *
 * @module
 */
import type { TrafficPolicy } from '@knsim/api';
import type { ProxyEndpoint } from './proxyEndpoint.js';

/**
 * How topology hints narrowed the Cluster endpoints: `''` not at all, `PreferSameNode` to the
 * endpoints hinted for this node, `PreferSameZone` to those hinted for this node's zone.
 */
export type TopologyMode = '' | 'PreferSameNode' | 'PreferSameZone';

/** The node and Service-port facts {@link categorizeEndpoints} decides from. */
export interface CategorizeOptions {
  /** The node this kube-proxy runs on (matched against node hints). */
  readonly nodeName: string;
  /** The node's `topology.kubernetes.io/zone` label; absent or "" when it has none. */
  readonly zone?: string | undefined;
  /** Default Cluster. */
  readonly internalTrafficPolicy?: TrafficPolicy | undefined;
  /**
   * Default Cluster. Only counts when the port is {@link CategorizeOptions.externallyAccessible}
   * (`ServicePortInfo.externalTrafficPolicy` is already Cluster for Services that are not).
   */
  readonly externalTrafficPolicy?: TrafficPolicy | undefined;
  /**
   * The port accepts external traffic (a NodePort, a load-balancer VIP or an external IP).
   * Such a port always needs the Cluster endpoints, even under Local policies, because pods and
   * the node itself reach its external addresses with Cluster semantics. Default false.
   */
  readonly externallyAccessible?: boolean | undefined;
}

/** What {@link categorizeEndpoints} returns. */
export interface CategorizedEndpoints {
  /**
   * The endpoints for Cluster traffic policy, in input order; empty when the port never uses
   * Cluster policy (internal policy Local and not externally accessible).
   */
  readonly clusterEndpoints: readonly ProxyEndpoint[];
  /**
   * This node's endpoints for Local traffic policy, in input order; empty when the port never
   * uses Local policy, or when this node has no usable endpoint.
   */
  readonly localEndpoints: readonly ProxyEndpoint[];
  /** The union of the two lists, in input order: every endpoint this node may send to. */
  readonly allReachableEndpoints: readonly ProxyEndpoint[];
  /**
   * Some endpoint anywhere in the cluster is usable (ready, or serving and terminating). This
   * may be true while `allReachableEndpoints` is empty (Local policy, no local endpoint): that
   * is the difference between dropping and rejecting.
   */
  readonly hasAnyEndpoints: boolean;
  /** Whether the port uses Cluster policy endpoints at all. */
  readonly usesClusterEndpoints: boolean;
  /** Whether the port uses Local policy endpoints at all. */
  readonly usesLocalEndpoints: boolean;
  /** How topology hints narrowed `clusterEndpoints`. */
  readonly topologyMode: TopologyMode;
  /** `clusterEndpoints` fell back to serving-and-terminating endpoints (no endpoint was ready). */
  readonly clusterFallbackToTerminating: boolean;
  /** `localEndpoints` fell back to serving-and-terminating endpoints (no local one was ready). */
  readonly localFallbackToTerminating: boolean;
}

const servingTerminating = (endpoint: ProxyEndpoint): boolean => endpoint.serving && endpoint.terminating;

/**
 * The topology mode hints allow on this node. Hints are all-or-nothing: node hints apply only
 * when every ready endpoint carries one and some ready endpoint is hinted for this node; else
 * zone hints apply only when every ready endpoint carries one and some ready endpoint is hinted
 * for this node's zone; else none apply. (kube-proxy no longer consults the Service's
 * `trafficDistribution` or topology annotation: the EndpointSlice controller writes hints only
 * when they are asked for, so their presence is the request.)
 *
 * @example
 * ```ts
 * topologyModeFromHints(endpoints, 'node-1', 'zone-a'); // 'PreferSameZone'
 * ```
 */
export function topologyModeFromHints(
  endpoints: readonly ProxyEndpoint[],
  nodeName: string,
  zone: string,
): TopologyMode {
  let hasReady = false;
  let allHaveNodeHints = true;
  let hasForNode = false;
  let allHaveZoneHints = true;
  let hasForZone = false;
  for (const endpoint of endpoints) {
    if (!endpoint.ready) continue;
    hasReady = true;
    if (endpoint.nodeHints.length === 0) allHaveNodeHints = false;
    else if (endpoint.nodeHints.includes(nodeName)) hasForNode = true;
    if (endpoint.zoneHints.length === 0) allHaveZoneHints = false;
    else if (endpoint.zoneHints.includes(zone)) hasForZone = true;
  }
  if (!hasReady) return '';
  if (allHaveNodeHints && hasForNode) return 'PreferSameNode';
  if (allHaveZoneHints && hasForZone) return 'PreferSameZone';
  return '';
}

function availableForTopology(endpoint: ProxyEndpoint, mode: TopologyMode, nodeName: string, zone: string) {
  switch (mode) {
    case '':
      return true;
    case 'PreferSameNode':
      return endpoint.nodeHints.includes(nodeName);
    case 'PreferSameZone':
      return endpoint.zoneHints.includes(zone);
  }
}

/**
 * Splits the endpoints of a Service port into those this node uses for Cluster traffic policy
 * and for Local traffic policy, exactly as kube-proxy's `CategorizeEndpoints`:
 *
 * - Cluster: the ready endpoints, narrowed by topology hints when {@link topologyModeFromHints}
 *   allows; if none is ready anywhere, the serving-and-terminating endpoints (KEP-1669),
 *   regardless of hints.
 * - Local: this node's ready endpoints; if it has none, its serving-and-terminating ones.
 *   Hints never apply to Local policy.
 * - `hasAnyEndpoints`: some endpoint anywhere is ready or serving-and-terminating.
 *
 * kube-proxy returns nil lists for unused policies and merges the two lists through a Go map
 * (random order); here unused lists are empty and every list keeps the input order.
 *
 * @example
 * ```ts
 * const { clusterEndpoints, localEndpoints } = categorizeEndpoints(endpoints, {
 *   nodeName: 'node-1',
 *   zone: 'zone-a',
 *   internalTrafficPolicy: 'Local',
 * });
 * ```
 */
export function categorizeEndpoints(
  endpoints: readonly ProxyEndpoint[],
  options: CategorizeOptions,
): CategorizedEndpoints {
  const { nodeName } = options;
  const zone = options.zone ?? '';
  const internalPolicyLocal = options.internalTrafficPolicy === 'Local';
  const externallyAccessible = options.externallyAccessible ?? false;
  const externalPolicyLocal = externallyAccessible && options.externalTrafficPolicy === 'Local';
  // Even with external policy Local, pods and the node itself reach the port's external
  // addresses with Cluster semantics ("short-circuiting"), so the Cluster list is still needed.
  const usesClusterEndpoints = !internalPolicyLocal || externallyAccessible;
  const usesLocalEndpoints = internalPolicyLocal || externalPolicyLocal;

  let clusterEndpoints: readonly ProxyEndpoint[] = [];
  let localEndpoints: readonly ProxyEndpoint[] = [];
  let topologyMode: TopologyMode = '';
  let clusterFallbackToTerminating = false;
  let localFallbackToTerminating = false;
  let hasAnyEndpoints = false;

  if (usesClusterEndpoints) {
    topologyMode = topologyModeFromHints(endpoints, nodeName, zone);
    clusterEndpoints = endpoints.filter(
      (endpoint) => endpoint.ready && availableForTopology(endpoint, topologyMode, nodeName, zone),
    );
    // A topology mode is only chosen when it keeps some ready endpoint, so an empty list here
    // means nothing is ready anywhere.
    if (clusterEndpoints.length === 0) {
      clusterEndpoints = endpoints.filter(servingTerminating);
      clusterFallbackToTerminating = clusterEndpoints.length > 0;
    }
    hasAnyEndpoints = clusterEndpoints.length > 0;
  }

  if (usesLocalEndpoints) {
    let hasLocalReady = false;
    let hasLocalServingTerminating = false;
    for (const endpoint of endpoints) {
      if (endpoint.ready) {
        hasAnyEndpoints = true;
        if (endpoint.isLocal) hasLocalReady = true;
      } else if (servingTerminating(endpoint)) {
        hasAnyEndpoints = true;
        if (endpoint.isLocal) hasLocalServingTerminating = true;
      }
    }
    if (hasLocalReady) {
      localEndpoints = endpoints.filter((endpoint) => endpoint.isLocal && endpoint.ready);
    } else if (hasLocalServingTerminating) {
      localEndpoints = endpoints.filter((endpoint) => endpoint.isLocal && servingTerminating(endpoint));
      localFallbackToTerminating = true;
    }
  }

  let allReachableEndpoints: readonly ProxyEndpoint[];
  if (!usesLocalEndpoints) {
    allReachableEndpoints = clusterEndpoints;
  } else if (!usesClusterEndpoints) {
    allReachableEndpoints = localEndpoints;
  } else if (topologyMode === '' && !localFallbackToTerminating) {
    // Every ready endpoint is a Cluster endpoint and the Local ones are ready: a superset.
    allReachableEndpoints = clusterEndpoints;
  } else {
    const reachable = new Set<ProxyEndpoint>([...clusterEndpoints, ...localEndpoints]);
    allReachableEndpoints = endpoints.filter((endpoint) => reachable.has(endpoint));
  }

  return {
    clusterEndpoints,
    localEndpoints,
    allReachableEndpoints,
    hasAnyEndpoints,
    usesClusterEndpoints,
    usesLocalEndpoints,
    topologyMode,
    clusterFallbackToTerminating,
    localFallbackToTerminating,
  };
}
