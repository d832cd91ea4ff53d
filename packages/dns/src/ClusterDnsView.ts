import {
  DEFAULT_NAMESPACE,
  isHeadlessService,
  SERVICE_NAME_LABEL,
  type EndpointSlice,
  type Pod,
  type Protocol,
  type Service,
  type ServiceType,
} from '@knsim/api';

/**
 * What cluster DNS reads of the cluster: the fields CoreDNS's kubernetes plugin keeps in its
 * informer caches (`object.Service`, `object.Endpoints`, `object.Pod`), and nothing else. Build it
 * from API objects with {@link clusterDnsViewFromObjects}, or directly from simulation state.
 *
 * Records for `<hostname>.<subdomain>.<ns>.svc.<zone>` come from the endpoints' `hostname`, which
 * the EndpointSlice controller copies from pods whose `spec.subdomain` names the Service; like
 * CoreDNS, DNS never reads pod hostnames itself.
 */
export interface ClusterDnsView {
  /**
   * Namespaces that exist. CoreDNS answers nothing (NXDOMAIN) in a namespace that does not exist;
   * the namespaces of the Services, slices and pods listed here are taken to exist too.
   */
  readonly namespaces?: readonly string[];
  readonly services: readonly DnsService[];
  readonly endpointSlices: readonly DnsEndpointSlice[];
  /** Needed only for `pods verified`. */
  readonly pods?: readonly DnsPod[];
}

/** A port of a Service. Only named ports get SRV records of their own. */
export interface DnsServicePort {
  /** `''` for an unnamed port. */
  readonly name: string;
  readonly protocol: Protocol;
  readonly port: number;
}

/** A Service as DNS sees it. */
export interface DnsService {
  readonly name: string;
  readonly namespace: string;
  readonly type: ServiceType;
  /** `clusterIP: None`: A records list the ready endpoints instead of a virtual IP. */
  readonly headless: boolean;
  /** The allocated ClusterIPs (one per family); empty for headless and ExternalName Services. */
  readonly clusterIPs: readonly string[];
  /** For type ExternalName: the name the Service's CNAME points to. */
  readonly externalName?: string;
  readonly ports: readonly DnsServicePort[];
}

/** A port of an EndpointSlice: the Service port's name and protocol, the pod's port number. */
export interface DnsEndpointPort {
  /** `''` for an unnamed Service port. */
  readonly name: string;
  readonly protocol: Protocol;
  /** Undefined: all ports (never in controller-managed slices). */
  readonly port?: number;
}

/** One endpoint of a slice. */
export interface DnsEndpoint {
  readonly addresses: readonly string[];
  /** The endpoint's `ready` condition (absent in the API means ready). Only ready endpoints get records. */
  readonly ready: boolean;
  /** Set by the EndpointSlice controller for pods with `hostname` and `subdomain` = the Service. */
  readonly hostname?: string;
  /** The endpoint's `targetRef.name` (the pod behind it), used with `endpointPodNames`. */
  readonly podName?: string;
  readonly nodeName?: string;
}

/** An EndpointSlice of a Service (IPv4 or IPv6; FQDN slices carry no DNS records). */
export interface DnsEndpointSlice {
  /** Orders the slices of one Service, so answers do not depend on input order. */
  readonly name: string;
  readonly namespace: string;
  /** The `kubernetes.io/service-name` label. */
  readonly serviceName: string;
  readonly ports: readonly DnsEndpointPort[];
  readonly endpoints: readonly DnsEndpoint[];
}

/** A pod as `pods verified` sees it: its primary IP in its namespace. */
export interface DnsPod {
  readonly name: string;
  readonly namespace: string;
  /** The primary pod IP (`status.podIP`); pods without one have no record. */
  readonly ip?: string;
  /** Has a deletionTimestamp: CoreDNS drops such pods from its cache. */
  readonly terminating?: boolean;
}

/** API objects to build a {@link ClusterDnsView} from. */
export interface ClusterDnsObjects {
  readonly namespaces?: readonly string[];
  readonly services: readonly Service[];
  readonly endpointSlices: readonly EndpointSlice[];
  readonly pods?: readonly Pod[];
}

/**
 * Reads the DNS view out of (defaulted) API objects. Slices without the service-name label and
 * FQDN slices are left out, as CoreDNS has no use for them; endpoint `ready` absent counts as
 * ready, per the API's "unknown means ready".
 *
 * @example
 * ```ts
 * const view = clusterDnsViewFromObjects({ services, endpointSlices, pods });
 * const zone = buildDnsZone(view, { podsMode: 'insecure' });
 * ```
 */
export function clusterDnsViewFromObjects(objects: ClusterDnsObjects): ClusterDnsView {
  const services = objects.services.map(dnsServiceFromObject);
  const endpointSlices: DnsEndpointSlice[] = [];
  for (const slice of objects.endpointSlices) {
    const serviceName = slice.metadata.labels?.[SERVICE_NAME_LABEL];
    if (serviceName === undefined || slice.addressType === 'FQDN') continue;
    endpointSlices.push({
      name: slice.metadata.name ?? '',
      namespace: slice.metadata.namespace ?? DEFAULT_NAMESPACE,
      serviceName,
      ports: (slice.ports ?? []).map((port) => ({
        name: port.name ?? '',
        protocol: port.protocol ?? 'TCP',
        ...(port.port === undefined ? {} : { port: port.port }),
      })),
      endpoints: slice.endpoints.map((endpoint) => ({
        addresses: endpoint.addresses,
        ready: endpoint.conditions?.ready ?? true,
        ...(endpoint.hostname === undefined ? {} : { hostname: endpoint.hostname }),
        ...(endpoint.targetRef?.name === undefined ? {} : { podName: endpoint.targetRef.name }),
        ...(endpoint.nodeName === undefined ? {} : { nodeName: endpoint.nodeName }),
      })),
    });
  }
  const pods = (objects.pods ?? []).map((pod): DnsPod => ({
    name: pod.metadata.name ?? '',
    namespace: pod.metadata.namespace ?? DEFAULT_NAMESPACE,
    ...(pod.status?.podIP === undefined ? {} : { ip: pod.status.podIP }),
    ...(pod.metadata.deletionTimestamp === undefined ? {} : { terminating: true }),
  }));
  return {
    ...(objects.namespaces === undefined ? {} : { namespaces: objects.namespaces }),
    services,
    endpointSlices,
    pods,
  };
}

function dnsServiceFromObject(service: Service): DnsService {
  const type = service.spec.type ?? 'ClusterIP';
  const headless = type !== 'ExternalName' && isHeadlessService(service);
  const ips =
    service.spec.clusterIPs ?? (service.spec.clusterIP === undefined ? [] : [service.spec.clusterIP]);
  return {
    name: service.metadata.name ?? '',
    namespace: service.metadata.namespace ?? DEFAULT_NAMESPACE,
    type,
    headless,
    clusterIPs: type === 'ExternalName' ? [] : ips.filter((ip) => ip !== '' && ip !== 'None'),
    ...(type === 'ExternalName' && service.spec.externalName !== undefined
      ? { externalName: service.spec.externalName }
      : {}),
    ports: (service.spec.ports ?? []).map((port) => ({
      name: port.name ?? '',
      protocol: port.protocol ?? 'TCP',
      port: port.port,
    })),
  };
}
