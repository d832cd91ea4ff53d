/**
 * How one pod becomes one endpoint of a Service: which pods qualify, the endpoint's conditions,
 * addresses, hostname and topology, and the ports a Service port resolves to on that pod.
 * The EndpointSlice reconciler (`reconcileEndpointSlices`) builds on these; they are
 * exported on their own so tests and other controllers can check one rule at a time.
 *
 * @module
 */
import {
  DEFAULT_NAMESPACE,
  formatIp,
  formatIpv4,
  isIpv4Mapped,
  parseIpv4,
  tryParseIp,
  type Endpoint,
  type EndpointPort,
  type ObjectReference,
  type Pod,
  type Protocol,
  type Service,
  type ServicePort,
} from '@knsim/api';

/** The node label an endpoint's `zone` comes from. */
export const ZONE_LABEL = 'topology.kubernetes.io/zone';

/** The address types a managed EndpointSlice can have (FQDN slices are never managed). */
export type IpAddressType = 'IPv4' | 'IPv6';

/**
 * What the EndpointSlice controller needs to know about one candidate pod. Only `pod` is
 * required: every other field overrides what would otherwise be read from the pod object, so a
 * caller whose pod objects lag behind its own state (readiness tracked elsewhere, an IP not yet
 * written to `status`) can pass the facts it knows.
 *
 * @example
 * ```ts
 * const facts: PodEndpointFacts = { pod, ready: true, zone: 'zone-a' };
 * ```
 */
export interface PodEndpointFacts {
  readonly pod: Pod;
  /** The pod's Ready condition is True. Default: read from `pod.status.conditions`. */
  readonly ready?: boolean;
  /** The pod is being deleted. Default: `pod.metadata.deletionTimestamp` is set. */
  readonly terminating?: boolean;
  /**
   * The pod's IPs, at most one per family, primary first. Default: `pod.status.podIPs`, or
   * `pod.status.podIP` when the pod has no `podIPs`.
   */
  readonly ips?: readonly string[];
  /** The node the pod is bound to. Default: `pod.spec.nodeName`. */
  readonly nodeName?: string;
  /**
   * The `topology.kubernetes.io/zone` label of the pod's node. There is no default: the pod
   * object does not carry it, so a caller that wants zones must look the node up.
   */
  readonly zone?: string;
  /**
   * False when the pod's node is not in the cluster. The real controller then leaves the pod out
   * (and retries the Service later) unless the Service publishes not-ready addresses. Default: true.
   */
  readonly nodeExists?: boolean;
}

/** The pod's Ready condition is True. */
export function isPodReady(pod: Pod): boolean {
  const conditions = pod.status?.conditions;
  if (conditions === undefined) return false;
  // The first Ready condition decides, as in the upstream helper.
  for (const condition of conditions) if (condition.type === 'Ready') return condition.status === 'True';
  return false;
}

/** The IPs of a pod as {@link PodEndpointFacts} describes them (facts first, then status). */
export function podIps(facts: PodEndpointFacts): readonly string[] {
  if (facts.ips !== undefined) return facts.ips;
  const status = facts.pod.status;
  const podIPs = status?.podIPs;
  if (podIPs !== undefined && podIPs.length > 0) return podIPs.map((entry) => entry.ip);
  const podIP = status?.podIP;
  return podIP === undefined || podIP === '' ? [] : [podIP];
}

/**
 * True when a pod may back a Service at all: it is not in a terminal phase (Succeeded or
 * Failed) and it has an IP. Terminating pods qualify: they stay in the slice with
 * `terminating: true` until the pod object is gone, so proxies can drain them.
 *
 * @example
 * ```ts
 * shouldPodBeInEndpoints({ pod: { ...pod, status: { phase: 'Succeeded', podIP: '10.0.0.5' } } }); // false
 * ```
 */
export function shouldPodBeInEndpoints(facts: PodEndpointFacts): boolean {
  const phase = facts.pod.status?.phase;
  if (phase === 'Succeeded' || phase === 'Failed') return false;
  return podIps(facts).some((ip) => ip !== '');
}

/**
 * The container port a Service port reaches on a pod, or undefined when the pod has none.
 * A numeric `targetPort` is used as it is. A named one is looked up among the pod's container
 * ports by **name and protocol** (a UDP port named `dns` does not satisfy a TCP Service port
 * targeting `dns`); the first match wins.
 *
 * Upstream also searches sidecars (init containers with `restartPolicy: Always`); knsim's
 * `Container` has no restartPolicy, so init containers are never searched here.
 *
 * @example
 * ```ts
 * findPort(pod, { port: 80, protocol: 'TCP', targetPort: 'http' }); // 8080 if a container has port "http"
 * ```
 */
export function findPort(pod: Pod, servicePort: ServicePort): number | undefined {
  const target = servicePort.targetPort ?? servicePort.port;
  if (typeof target === 'number') return target === 0 ? servicePort.port : target;
  // The API server defaults an empty targetPort to the port; tolerate an undefaulted Service.
  if (target === '') return servicePort.port;
  const protocol: Protocol = servicePort.protocol ?? 'TCP';
  for (const container of pod.spec.containers) {
    for (const port of container.ports ?? []) {
      if (port.name === target && (port.protocol ?? 'TCP') === protocol) return port.containerPort;
    }
  }
  return undefined;
}

/**
 * The ports of a pod's endpoint for a Service, in the order of the Service's ports: one per
 * Service port that resolves on this pod ({@link findPort}); ports that do not resolve are
 * left out, so such a pod gets a shorter port list and lands in a slice of its own kind.
 *
 * @example
 * ```ts
 * podEndpointPorts(service, pod); // [{ name: 'http', port: 8080, protocol: 'TCP' }]
 * ```
 */
export function podEndpointPorts(service: Service, pod: Pod): EndpointPort[] {
  const ports: EndpointPort[] = [];
  for (const servicePort of service.spec.ports ?? []) {
    const port = findPort(pod, servicePort);
    if (port === undefined) continue;
    ports.push({
      // The controller always writes the name, "" for an unnamed port.
      name: servicePort.name ?? '',
      port,
      protocol: servicePort.protocol ?? 'TCP',
      ...(servicePort.appProtocol === undefined ? {} : { appProtocol: servicePort.appProtocol }),
    });
  }
  return ports;
}

/**
 * The addresses of a pod for a slice of one address type, canonically formatted. IPv4-mapped
 * IPv6 addresses count as IPv4 (as Go's `net.IP` has it); unparseable entries are skipped.
 */
export function podEndpointAddresses(ips: readonly string[], addressType: IpAddressType): string[] {
  const addresses: string[] = [];
  for (const text of ips) {
    // Fast path: a strictly valid dotted quad is already canonical, so skip the reformatting.
    if (!text.includes(':') && parseIpv4(text) !== undefined) {
      if (addressType === 'IPv4') addresses.push(text);
      continue;
    }
    const ip = tryParseIp(text, { legacy: true });
    if (ip === undefined) continue;
    if (ip.family === 'IPv6' && isIpv4Mapped(ip.value)) {
      if (addressType === 'IPv4') addresses.push(formatIpv4(Number(ip.value & 0xffff_ffffn)));
    } else if (ip.family === addressType) {
      addresses.push(formatIp(ip));
    }
  }
  return addresses;
}

/**
 * True when the endpoint carries the pod's hostname: the pod sets `spec.hostname`, and its
 * `spec.subdomain` names this Service in the pod's own namespace (the headless-Service DNS
 * pattern `<hostname>.<subdomain>.<ns>.svc`).
 */
export function shouldSetHostname(pod: Pod, service: Service): boolean {
  const hostname = pod.spec.hostname;
  return (
    hostname !== undefined &&
    hostname !== '' &&
    pod.spec.subdomain === service.metadata.name &&
    (pod.metadata.namespace ?? DEFAULT_NAMESPACE) === (service.metadata.namespace ?? DEFAULT_NAMESPACE)
  );
}

/**
 * The endpoint of a pod in a slice of `addressType`. Conditions: `serving` is the pod's Ready
 * condition, `terminating` is whether it is being deleted, and `ready` is
 * `publishNotReadyAddresses || (serving && !terminating)`, so a terminating pod is never ready
 * unless the Service asks for not-ready addresses. `addresses` may come out empty (a pod with no
 * IP of this family); the reconciler drops such endpoints.
 *
 * @example
 * ```ts
 * podToEndpoint({ pod, ready: true, terminating: true }, service, 'IPv4').conditions;
 * // { ready: false, serving: true, terminating: true }
 * ```
 */
export function podToEndpoint(
  facts: PodEndpointFacts,
  service: Service,
  addressType: IpAddressType,
): Endpoint {
  const pod = facts.pod;
  const serving = facts.ready ?? isPodReady(pod);
  const terminating = facts.terminating ?? pod.metadata.deletionTimestamp !== undefined;
  const ready = service.spec.publishNotReadyAddresses === true || (serving && !terminating);
  const nodeName = facts.nodeName ?? pod.spec.nodeName;
  // Built by assignment rather than conditional spreads: this runs once per pod per reconcile.
  const endpoint: Mutable<Endpoint> = {
    addresses: podEndpointAddresses(podIps(facts), addressType),
    conditions: { ready, serving, terminating },
  };
  if (shouldSetHostname(pod, service)) endpoint.hostname = pod.spec.hostname as string;
  if (nodeName !== undefined && nodeName !== '') endpoint.nodeName = nodeName;
  if (facts.zone !== undefined && facts.zone !== '') endpoint.zone = facts.zone;
  const targetRef: Mutable<ObjectReference> = {
    kind: 'Pod',
    namespace: pod.metadata.namespace ?? DEFAULT_NAMESPACE,
  };
  if (pod.metadata.name !== undefined) targetRef.name = pod.metadata.name;
  if (pod.metadata.uid !== undefined) targetRef.uid = pod.metadata.uid;
  endpoint.targetRef = targetRef;
  return endpoint;
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };
