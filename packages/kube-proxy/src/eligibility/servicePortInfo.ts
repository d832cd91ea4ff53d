/**
 * What a kube-proxy keeps about one port of a Service (its `BaseServicePortInfo`): the
 * addresses it captures for that port and the traffic policies that decide which endpoints
 * serve each kind of traffic.
 *
 * @module
 */
import {
  DEFAULT_NAMESPACE,
  isExternallyAccessible,
  tryParseCidr,
  type IpFamily,
  type Protocol,
  type Service,
  type ServicePort,
  type TrafficPolicy,
} from '@knsim/api';
import { canonicalIp, ipFamilyOf } from './proxyEndpoint.js';

/** One Service port as one kube-proxy (of one IP family) sees it. */
export interface ServicePortInfo {
  readonly namespace: string;
  readonly serviceName: string;
  /** The port's name; "" for the single unnamed port of a Service. */
  readonly portName: string;
  readonly protocol: Protocol;
  readonly port: number;
  /** The family of the kube-proxy instance this view belongs to. */
  readonly ipFamily: IpFamily;
  /**
   * False when kube-proxy programs nothing for the Service: headless (`clusterIP: None`), no
   * ClusterIP yet or none of this family, or type ExternalName (kube-proxy's
   * `ShouldSkipService`).
   */
  readonly proxied: boolean;
  /** The ClusterIP of this family, canonical; "" when there is none. */
  readonly clusterIP: string;
  /** 0 when the port has no NodePort. */
  readonly nodePort: number;
  /** `spec.externalIPs` of this family, canonical. */
  readonly externalIPs: readonly string[];
  /**
   * `status.loadBalancer.ingress[].ip` of this family whose `ipMode` is VIP (the default).
   * Ingress in `Proxy` mode is not captured: the balancer itself forwards to the nodes.
   */
  readonly loadBalancerVIPs: readonly string[];
  /**
   * `spec.loadBalancerSourceRanges` of this family, canonical; empty (allow everyone) when none
   * are given or one of them is a /0.
   */
  readonly loadBalancerSourceRanges: readonly string[];
  /** `Local` only when set so; defaults to Cluster. */
  readonly internalTrafficPolicy: TrafficPolicy;
  /**
   * `Local` only when set so on an externally accessible Service (NodePort, LoadBalancer, or
   * ClusterIP with external IPs), as kube-proxy's `ExternalPolicyLocal`; else Cluster.
   */
  readonly externalTrafficPolicy: TrafficPolicy;
  /** The port accepts external traffic: it has a NodePort, a load-balancer VIP or an external IP. */
  readonly externallyAccessible: boolean;
}

/** Options of {@link servicePortInfo}. */
export interface ServicePortInfoOptions {
  /**
   * The family of the kube-proxy instance. Default: the Service's primary family
   * (`spec.ipFamilies[0]`, else the family of `spec.clusterIP`, else IPv4).
   */
  readonly ipFamily?: IpFamily | undefined;
}

/**
 * The family of a Service's primary ClusterIP.
 *
 * @example
 * ```ts
 * servicePrimaryFamily({ ...service, spec: { clusterIP: 'fd00:10:96::1' } }); // 'IPv6'
 * ```
 */
export function servicePrimaryFamily(service: Service): IpFamily {
  const first = service.spec.ipFamilies?.[0];
  if (first !== undefined) return first;
  const ip = canonicalIp(service.spec.clusterIPs?.[0] ?? service.spec.clusterIP ?? '');
  return ip === undefined ? 'IPv4' : ipFamilyOf(ip);
}

function ipsOfFamily(texts: readonly string[], family: IpFamily): string[] {
  const out: string[] = [];
  for (const text of texts) {
    const ip = canonicalIp(text);
    if (ip !== undefined && ipFamilyOf(ip) === family) out.push(ip);
  }
  return out;
}

function sourceRangesOfFamily(texts: readonly string[], family: IpFamily): string[] {
  const out: string[] = [];
  for (const text of texts) {
    // The API server lets padded and host-bit forms through in this legacy field.
    const cidr = tryParseCidr(text.trim(), { allowHostBits: true, legacy: true });
    if (cidr === undefined || cidr.family !== family) continue;
    // A zero-length prefix means "allow any", the same as giving no ranges at all.
    if (cidr.prefixLength === 0) return [];
    out.push(cidr.toString());
  }
  return out;
}

/**
 * The kube-proxy view of one port of a Service, for the kube-proxy instance of one IP family.
 *
 * @example
 * ```ts
 * const info = servicePortInfo(service, service.spec.ports![0]!);
 * info.externallyAccessible; // true for a NodePort Service
 * ```
 */
export function servicePortInfo(
  service: Service,
  servicePort: ServicePort,
  options: ServicePortInfoOptions = {},
): ServicePortInfo {
  const spec = service.spec;
  const ipFamily = options.ipFamily ?? servicePrimaryFamily(service);
  const clusterIPs = spec.clusterIPs ?? (spec.clusterIP === undefined ? [] : [spec.clusterIP]);
  const clusterIP = spec.clusterIP === 'None' ? '' : (ipsOfFamily(clusterIPs, ipFamily)[0] ?? '');
  const nodePort = servicePort.nodePort ?? 0;
  const externalIPs = ipsOfFamily(spec.externalIPs ?? [], ipFamily);
  const vipIngress = (service.status?.loadBalancer?.ingress ?? []).filter(
    (ingress) => ingress.ip !== undefined && ingress.ip !== '' && (ingress.ipMode ?? 'VIP') === 'VIP',
  );
  const loadBalancerVIPs = ipsOfFamily(
    vipIngress.map((ingress) => ingress.ip ?? ''),
    ipFamily,
  );
  return {
    namespace: service.metadata.namespace ?? DEFAULT_NAMESPACE,
    serviceName: service.metadata.name ?? '',
    portName: servicePort.name ?? '',
    protocol: servicePort.protocol ?? 'TCP',
    port: servicePort.port,
    ipFamily,
    proxied: clusterIP !== '' && spec.type !== 'ExternalName',
    clusterIP,
    nodePort,
    externalIPs,
    loadBalancerVIPs,
    loadBalancerSourceRanges: sourceRangesOfFamily(spec.loadBalancerSourceRanges ?? [], ipFamily),
    internalTrafficPolicy: spec.internalTrafficPolicy === 'Local' ? 'Local' : 'Cluster',
    externalTrafficPolicy:
      spec.externalTrafficPolicy === 'Local' && isExternallyAccessible(service) ? 'Local' : 'Cluster',
    externallyAccessible: nodePort !== 0 || loadBalancerVIPs.length > 0 || externalIPs.length > 0,
  };
}
