/**
 * Whether kube-proxy's rules SNAT (masquerade) a forwarded connection: the `KUBE-MARK-MASQ`
 * marks of the iptables proxier, applied later by `KUBE-POSTROUTING`.
 *
 * @module
 */
import type { LocalTrafficDetector, ConnectionSource } from './localTrafficDetector.js';
import type { ServiceDestination } from './newConnectionVerdict.js';
import { canonicalIp } from './proxyEndpoint.js';
import type { ServicePortInfo } from './servicePortInfo.js';

/**
 * Why a connection is, or is not, masqueraded.
 *
 * Masqueraded:
 * - `masquerade-all`: `masqueradeAll` is set and the destination is the ClusterIP.
 * - `source-not-local`: ClusterIP traffic the local detector does not recognise as from a pod
 *   (the node itself, or a client routed to the service range from outside), so replies come
 *   back through this node.
 * - `external-traffic-policy-cluster`: NodePort/LB/external-IP traffic under Cluster policy,
 *   which may be forwarded to another node: the client is SNATed to the node.
 * - `node-source`: the node itself reaching an external address of a Local-policy Service; the
 *   source it picked may be that very address.
 * - `hairpin`: the chosen endpoint is the client itself; without SNAT the pod would answer
 *   itself directly and drop the reply.
 *
 * Not masqueraded:
 * - `pod-source`: a pod to a ClusterIP (pod IPs are routable, the backend sees the pod IP).
 * - `no-local-detector`: ClusterIP traffic when kube-proxy has no detector (no cluster CIDR):
 *   the non-pod masquerade rule is not written at all.
 * - `pod-short-circuit`: a pod to an external address of a Local-policy Service.
 * - `external-traffic-policy-local`: the client IP is preserved.
 */
export type MasqueradeReason =
  | 'masquerade-all'
  | 'source-not-local'
  | 'external-traffic-policy-cluster'
  | 'node-source'
  | 'hairpin'
  | 'pod-source'
  | 'no-local-detector'
  | 'pod-short-circuit'
  | 'external-traffic-policy-local';

/** The answer of {@link masqueradeDecision}. */
export interface MasqueradeDecision {
  readonly masquerade: boolean;
  readonly reason: MasqueradeReason;
}

/** What {@link masqueradeDecision} decides from. */
export interface MasqueradeInput {
  readonly servicePort: ServicePortInfo;
  readonly destination: ServiceDestination;
  readonly source: ConnectionSource;
  /** The address of the endpoint the connection was balanced to. */
  readonly endpointIp: string;
  /** KubeProxyConfiguration `masqueradeAll`. Default false. */
  readonly masqueradeAll?: boolean | undefined;
  readonly localDetector: LocalTrafficDetector;
  /**
   * Whether the source is the endpoint itself (a hairpin), for a caller that already knows it
   * (say, from canonical forms of both addresses it keeps); compared from the addresses otherwise.
   */
  readonly hairpin?: boolean | undefined;
}

const yes = (reason: MasqueradeReason): MasqueradeDecision => ({ masquerade: true, reason });
const no = (reason: MasqueradeReason): MasqueradeDecision => ({ masquerade: false, reason });

function sameIp(a: string, b: string): boolean {
  const left = canonicalIp(a);
  return left !== undefined && left === canonicalIp(b);
}

/**
 * Whether the iptables proxier masquerades a connection it forwards (call it only for a
 * `forward` verdict). The marks are cumulative, so the first rule that marks gives the reason:
 * the ClusterIP rules (`masqueradeAll`, then a non-pod source), or the external-destination
 * rules (Cluster policy; under Local policy only the node's own traffic), and last the
 * endpoint's hairpin rule (source = endpoint). When masqueraded, the kernel rewrites the source
 * to the address of the interface the packet leaves by: the node IP towards another node, the
 * pod bridge's address for a hairpin.
 *
 * @example
 * ```ts
 * masqueradeDecision({
 *   servicePort: info, // externalTrafficPolicy: Local
 *   destination: 'loadBalancer',
 *   source: { kind: 'external', ip: '203.0.113.9' },
 *   endpointIp: '10.244.1.5',
 *   localDetector,
 * }); // { masquerade: false, reason: 'external-traffic-policy-local' }
 * ```
 */
export function masqueradeDecision(input: MasqueradeInput): MasqueradeDecision {
  const { servicePort, destination, source, endpointIp, localDetector } = input;
  const hairpin = input.hairpin ?? sameIp(source.ip, endpointIp);

  if (destination === 'clusterIP') {
    if (input.masqueradeAll === true) return yes('masquerade-all');
    if (localDetector.implemented && !localDetector.isLocal(source)) return yes('source-not-local');
    if (hairpin) return yes('hairpin');
    return no(localDetector.implemented ? 'pod-source' : 'no-local-detector');
  }

  if (servicePort.externalTrafficPolicy !== 'Local') return yes('external-traffic-policy-cluster');
  if (localDetector.implemented && localDetector.isLocal(source)) {
    return hairpin ? yes('hairpin') : no('pod-short-circuit');
  }
  if (source.kind === 'node') return yes('node-source');
  return hairpin ? yes('hairpin') : no('external-traffic-policy-local');
}
