/**
 * Where a new connection comes from, and kube-proxy's "local traffic detector": the rule that
 * tells traffic from pods apart from everything else (`--detect-local-mode`).
 *
 * @module
 */
import { cidrContains, parseCidr, tryParseIp, type Cidr, type IpFamily } from '@knsim/api';

/**
 * The sender of a new connection, as the node that handles it sees it.
 *
 * - `pod`: a pod with its own network namespace; `onThisNode` says whether it runs on the node
 *   whose rules handle the packet (its packets then arrive on a pod interface).
 * - `node`: this node's own network namespace: host processes and `hostNetwork` pods. Its
 *   packets carry one of the node's addresses (iptables `--src-type LOCAL`).
 * - `external`: anything else: clients outside the cluster, and other nodes' host network.
 */
export type ConnectionSource =
  | { readonly kind: 'pod'; readonly ip: string; readonly onThisNode: boolean }
  | { readonly kind: 'node'; readonly ip: string }
  | { readonly kind: 'external'; readonly ip: string };

/**
 * kube-proxy's `--detect-local-mode`.
 *
 * - `ClusterCIDR` (default): a source inside the cluster's pod CIDR of the proxy's family is a
 *   pod. No CIDR of that family: no detector.
 * - `NodeCIDR`: a source inside this node's podCIDR of that family is a pod (pods on other
 *   nodes are then treated like external clients). No podCIDR: no detector.
 * - `BridgeInterface`: a packet arriving on the named bridge (e.g. `cni0`) is from a pod.
 * - `InterfaceNamePrefix`: a packet arriving on an interface with the prefix (e.g. `veth`) is
 *   from a pod.
 *
 * knsim has no interfaces; it reads both interface modes as "the source is a pod on this node",
 * which is what they match when the CNI plugs pods into that bridge or those veths.
 */
export type DetectLocalMode = 'ClusterCIDR' | 'NodeCIDR' | 'BridgeInterface' | 'InterfaceNamePrefix';

/** The KubeProxyConfiguration fields that decide masquerading and local-traffic detection. */
export interface ProxyMasqueradeConfig {
  /** SNAT every connection to a ClusterIP. Default false. */
  readonly masqueradeAll?: boolean | undefined;
  /** Default ClusterCIDR. */
  readonly detectLocalMode?: DetectLocalMode | undefined;
  /** `clusterCIDR`: comma-separated pod CIDRs (at most one per family). */
  readonly clusterCIDR?: string | undefined;
}

/** This node's facts a detector needs. */
export interface DetectorNode {
  /** The family of the kube-proxy instance. Default IPv4. */
  readonly ipFamily?: IpFamily | undefined;
  /** The node's `spec.podCIDRs` (used by NodeCIDR mode). */
  readonly podCIDRs?: readonly string[] | undefined;
}

/** A compiled `--detect-local-mode` (kube-proxy's `LocalTrafficDetector`). */
export interface LocalTrafficDetector {
  readonly mode: DetectLocalMode;
  /**
   * False for the no-op detector (CIDR mode without a CIDR): kube-proxy then writes none of the
   * rules that depend on it, so it neither masquerades non-pod traffic to ClusterIPs nor
   * short-circuits pod traffic to external addresses.
   */
  readonly implemented: boolean;
  /** The CIDR matched, for the CIDR modes. */
  readonly cidr: string | undefined;
  /** True when the detector's rule matches the source as pod traffic ("local"). */
  isLocal(source: ConnectionSource): boolean;
}

function firstCidrOfFamily(texts: readonly string[], family: IpFamily): Cidr | undefined {
  for (const text of texts) {
    if (text.trim() === '') continue;
    const cidr = parseCidr(text.trim(), { allowHostBits: true });
    if (cidr.family === family) return cidr;
  }
  return undefined;
}

function cidrDetector(mode: DetectLocalMode, cidr: Cidr | undefined): LocalTrafficDetector {
  return {
    mode,
    implemented: cidr !== undefined,
    cidr: cidr?.toString(),
    isLocal(source) {
      if (cidr === undefined) return false;
      const ip = tryParseIp(source.ip, { legacy: true });
      return ip !== undefined && cidrContains(cidr, ip);
    },
  };
}

/**
 * Compiles the local-traffic detector of one node's kube-proxy. Throws an `AddressParseError`
 * for a malformed CIDR (kube-proxy refuses to start).
 *
 * @example
 * ```ts
 * const detector = localTrafficDetector({ clusterCIDR: '10.244.0.0/16' });
 * detector.isLocal({ kind: 'pod', ip: '10.244.3.7', onThisNode: false }); // true
 * ```
 */
export function localTrafficDetector(
  config: ProxyMasqueradeConfig,
  node: DetectorNode = {},
): LocalTrafficDetector {
  const mode = config.detectLocalMode ?? 'ClusterCIDR';
  const family = node.ipFamily ?? 'IPv4';
  switch (mode) {
    case 'ClusterCIDR':
      return cidrDetector(mode, firstCidrOfFamily((config.clusterCIDR ?? '').split(','), family));
    case 'NodeCIDR':
      return cidrDetector(mode, firstCidrOfFamily(node.podCIDRs ?? [], family));
    case 'BridgeInterface':
    case 'InterfaceNamePrefix':
      return {
        mode,
        implemented: true,
        cidr: undefined,
        isLocal: (source) => source.kind === 'pod' && source.onThisNode,
      };
  }
}
