import { formatIp, tryParseIp, type IpFamily } from '@knsim/api';
import type { ClusterDnsView, DnsEndpoint, DnsEndpointSlice, DnsService } from './ClusterDnsView.js';
import { DnsConfigError } from './DnsConfigError.js';
import { toFqdn } from './DnsMessage.js';

/** The schema version of the Kubernetes DNS specification served in `dns-version.<zone>` TXT. */
export const DNS_SCHEMA_VERSION = '1.1.0';
/** The cluster domain when none is configured. */
export const DEFAULT_CLUSTER_DOMAIN = 'cluster.local';
/** CoreDNS's kubernetes plugin TTL when the Corefile sets none (kubeadm's Corefile sets 30). */
export const DEFAULT_DNS_TTL = 5;
/** The largest TTL the plugin accepts. */
export const MAX_DNS_TTL = 3600;

/**
 * How `a-b-c-d.<ns>.pod.<zone>` names are answered, as the plugin's `pods` option:
 * `disabled` (the plugin's default: NXDOMAIN), `insecure` (any well-formed IP, in an existing
 * namespace; kubeadm's Corefile uses this) or `verified` (only when a pod of that namespace has the IP).
 */
export type PodsMode = 'disabled' | 'insecure' | 'verified';

const PODS_MODES: readonly PodsMode[] = ['disabled', 'insecure', 'verified'];

/** The Corefile settings {@link buildDnsZone} honours. */
export interface DnsZoneOptions {
  /** The cluster domain; defaults to `cluster.local`. */
  readonly zone?: string;
  /** Seconds, 0-3600; defaults to 5. */
  readonly ttl?: number;
  /** Defaults to `disabled`, the plugin's default. */
  readonly podsMode?: PodsMode;
  /**
   * `endpoint_pod_names`: an endpoint without a hostname is named after its pod rather than its
   * dashed IP. Defaults to false.
   */
  readonly endpointPodNames?: boolean;
  /**
   * Serve `in-addr.arpa.` and `ip6.arpa.` with `fallthrough` (name errors go upstream), as
   * kubeadm's Corefile does. Defaults to true; false sends every reverse query upstream.
   */
  readonly reverseZones?: boolean;
  /**
   * The SOA serial. CoreDNS uses the Unix time of the last change it saw; pass something that
   * grows with the state version (virtual seconds, say). Defaults to 0.
   */
  readonly serial?: number;
  /**
   * The answering CoreDNS instance's own addresses (its pod IPs). As in CoreDNS, the apex NS
   * record names the Services those addresses are ready endpoints of (`kube-dns.kube-system.svc`),
   * and falls back to `ns.dns.<zone>` with these addresses. Defaults to none.
   */
  readonly nameserverIPs?: readonly string[];
}

/** A port as the zone matches it: `port` -1 stands for "the object declares no ports". */
export interface ZonePort {
  readonly name: string;
  readonly protocol: string;
  readonly port: number;
}

/** A ready endpoint address and the name it is known by under its Service. */
export interface ZoneAddress {
  readonly ip: string;
  readonly family: IpFamily;
  readonly hostname: string;
}

/** The ready addresses of one EndpointSlice, with the slice's ports. */
export interface ZoneEndpointGroup {
  readonly namespace: string;
  readonly serviceName: string;
  readonly ports: readonly ZonePort[];
  readonly addresses: readonly ZoneAddress[];
}

/** A Service in the zone index. */
export interface ZoneService {
  readonly name: string;
  readonly namespace: string;
  readonly kind: 'ClusterIP' | 'Headless' | 'ExternalName';
  readonly clusterIPs: readonly { readonly ip: string; readonly family: IpFamily }[];
  readonly externalName: string | undefined;
  readonly ports: readonly ZonePort[];
}

/** An endpoint address found by hostname, with its slice. */
export interface ZoneEndpointMatch {
  readonly group: ZoneEndpointGroup;
  readonly address: ZoneAddress;
}

const NO_PORTS: readonly ZonePort[] = [{ name: '', protocol: '', port: -1 }];
const REVERSE_ZONES = ['in-addr.arpa.', 'ip6.arpa.'];

/** A zone that matched a query name: its canonical (lower-case) name and whether it is a reverse zone. */
export interface MatchedZone {
  readonly name: string;
  readonly reverse: boolean;
}

/**
 * The cluster's DNS data, indexed once per state version for constant-time lookups: Services
 * by namespace and name, endpoint addresses by hostname, PTR targets by address, pod IPs by
 * namespace. Immutable; build a new one when the view changes. {@link answerQuery} reads it.
 *
 * @example
 * ```ts
 * const zone = buildDnsZone(view, { zone: 'cluster.local', ttl: 5, podsMode: 'insecure' });
 * zone.service('default', 'kubernetes')?.clusterIPs; // [{ ip: '10.96.0.1', family: 'IPv4' }]
 * ```
 */
export class DnsZone {
  /** The cluster zone, lower case with a trailing dot (`cluster.local.`). */
  readonly zone: string;
  readonly ttl: number;
  readonly podsMode: PodsMode;
  readonly reverseZones: boolean;
  readonly serial: number;
  /** Canonical addresses. */
  readonly nameserverIPs: readonly string[];

  /** @internal Use {@link buildDnsZone}. */
  constructor(
    options: Required<Omit<DnsZoneOptions, 'endpointPodNames'>>,
    private readonly namespaces: ReadonlySet<string>,
    private readonly services: ReadonlyMap<string, ZoneService>,
    private readonly groups: ReadonlyMap<string, readonly ZoneEndpointGroup[]>,
    private readonly hostnames: ReadonlyMap<string, readonly ZoneEndpointMatch[]>,
    private readonly groupsByIp: ReadonlyMap<string, readonly ZoneEndpointGroup[]>,
    private readonly ptr: ReadonlyMap<string, readonly string[]>,
    private readonly podNamespacesByIp: ReadonlyMap<string, ReadonlySet<string>>,
  ) {
    this.zone = options.zone;
    this.ttl = options.ttl;
    this.podsMode = options.podsMode;
    this.reverseZones = options.reverseZones;
    this.serial = options.serial;
    this.nameserverIPs = options.nameserverIPs;
  }

  /** How many Services the zone holds. */
  get serviceCount(): number {
    return this.services.size;
  }

  /** The zone a lower-case FQDN falls in (the longest match), or undefined when it is out of zone. */
  matchZone(name: string): MatchedZone | undefined {
    if (isInZone(name, this.zone)) return { name: this.zone, reverse: false };
    if (!this.reverseZones) return undefined;
    const reverse = REVERSE_ZONES.find((zone) => isInZone(name, zone));
    return reverse === undefined ? undefined : { name: reverse, reverse: true };
  }

  /** True when the namespace exists (case-insensitive). */
  namespaceExists(namespace: string): boolean {
    return this.namespaces.has(namespace.toLowerCase());
  }

  /** The Service `namespace/name` (case-insensitive). */
  service(namespace: string, name: string): ZoneService | undefined {
    return this.services.get(serviceKey(namespace, name));
  }

  /** The slices of Service `namespace/name`, ordered by slice name, with their ready addresses. */
  endpointGroups(namespace: string, name: string): readonly ZoneEndpointGroup[] {
    return this.groups.get(serviceKey(namespace, name)) ?? [];
  }

  /** The ready addresses of Service `namespace/name` whose endpoint name is `hostname` (case-insensitive). */
  endpointsByHostname(namespace: string, name: string, hostname: string): readonly ZoneEndpointMatch[] {
    return this.hostnames.get(`${serviceKey(namespace, name)}/${hostname.toLowerCase()}`) ?? [];
  }

  /** The slices with `ip` among their ready addresses. */
  endpointGroupsForIp(ip: string): readonly ZoneEndpointGroup[] {
    return this.groupsByIp.get(ip) ?? [];
  }

  /**
   * The PTR targets of a canonical address: the Service with that ClusterIP, else one name per
   * ready endpoint with that address (`<hostname>.<svc>.<ns>.svc.<zone>.`), as CoreDNS answers.
   */
  ptrTargets(ip: string): readonly string[] {
    return this.ptr.get(ip) ?? [];
  }

  /** True when a running (not terminating) pod of `namespace` has primary IP `ip` (canonical). */
  podHasIp(namespace: string, ip: string): boolean {
    return this.podNamespacesByIp.get(ip)?.has(namespace.toLowerCase()) ?? false;
  }
}

/**
 * Indexes a {@link ClusterDnsView} for {@link answerQuery}. Linear in the size of the view; every
 * lookup afterwards is a hash-map access. Only ready endpoints are indexed (CoreDNS drops the
 * others when it converts EndpointSlices), and slices are ordered by namespace, Service and slice
 * name so answers do not depend on the order of the input. A ClusterIP Service whose IP is not
 * allocated yet has no records.
 *
 * @throws {@link DnsConfigError} for a TTL outside 0-3600, an empty zone or an unknown pods mode.
 *
 * @example
 * ```ts
 * const zone = buildDnsZone(view, { zone: 'cluster.local', ttl: 5, podsMode: 'verified' });
 * answerQuery(zone, { name: 'web.shop.svc.cluster.local', type: 'A' });
 * ```
 */
export function buildDnsZone(view: ClusterDnsView, options: DnsZoneOptions = {}): DnsZone {
  const settings = checkedOptions(options);
  const endpointPodNames = options.endpointPodNames ?? false;

  const namespaces = new Set<string>();
  for (const namespace of view.namespaces ?? []) namespaces.add(namespace.toLowerCase());

  const services = new Map<string, ZoneService>();
  for (const service of [...view.services].sort(byNamespaceAndName)) {
    namespaces.add(service.namespace.toLowerCase());
    const indexed = indexService(service);
    const key = serviceKey(service.namespace, service.name);
    if (indexed !== undefined && !services.has(key)) services.set(key, indexed);
  }

  const groups = new Map<string, ZoneEndpointGroup[]>();
  const hostnames = new Map<string, ZoneEndpointMatch[]>();
  const groupsByIp = new Map<string, ZoneEndpointGroup[]>();
  const endpointPtr = new Map<string, string[]>();
  const slices = [...view.endpointSlices].sort(
    (a, b) =>
      compare(a.namespace, b.namespace) || compare(a.serviceName, b.serviceName) || compare(a.name, b.name),
  );
  for (const slice of slices) {
    namespaces.add(slice.namespace.toLowerCase());
    const group = indexSlice(slice, endpointPodNames);
    const key = serviceKey(slice.namespace, slice.serviceName);
    pushTo(groups, key, group);
    const seen = new Set<string>();
    for (const address of group.addresses) {
      pushTo(hostnames, `${key}/${address.hostname.toLowerCase()}`, { group, address });
      if (!seen.has(address.ip)) pushTo(groupsByIp, address.ip, group);
      seen.add(address.ip);
      // CoreDNS names endpoints in reverse answers by the Service-name label of their slice,
      // whether or not that Service exists.
      const target = `${address.hostname}.${slice.serviceName}.${slice.namespace}.svc.${settings.zone}`;
      pushTo(endpointPtr, address.ip, target);
    }
  }

  const ptr = new Map<string, readonly string[]>(endpointPtr);
  // A ClusterIP wins over endpoints: CoreDNS checks Services first and returns the first match.
  for (const service of [...services.values()].reverse()) {
    const target = `${service.name}.${service.namespace}.svc.${settings.zone}`;
    for (const { ip } of service.clusterIPs) ptr.set(ip, [target]);
  }

  const podNamespacesByIp = new Map<string, Set<string>>();
  for (const pod of view.pods ?? []) {
    namespaces.add(pod.namespace.toLowerCase());
    if (pod.terminating === true || pod.ip === undefined) continue;
    const address = tryParseIp(pod.ip);
    if (address === undefined) continue;
    const ip = formatIp(address);
    const set = podNamespacesByIp.get(ip) ?? new Set<string>();
    set.add(pod.namespace.toLowerCase());
    podNamespacesByIp.set(ip, set);
  }

  return new DnsZone(settings, namespaces, services, groups, hostnames, groupsByIp, ptr, podNamespacesByIp);
}

function checkedOptions(options: DnsZoneOptions): Required<Omit<DnsZoneOptions, 'endpointPodNames'>> {
  const zone = toFqdn((options.zone ?? DEFAULT_CLUSTER_DOMAIN).trim().toLowerCase());
  if (zone === '.' || zone.includes('..')) {
    throw new DnsConfigError(`zone must be a domain name: ${JSON.stringify(options.zone)}`);
  }
  const ttl = options.ttl ?? DEFAULT_DNS_TTL;
  if (!Number.isInteger(ttl) || ttl < 0 || ttl > MAX_DNS_TTL) {
    throw new DnsConfigError(`ttl must be in range [0, ${MAX_DNS_TTL}]: ${ttl}`);
  }
  const podsMode = options.podsMode ?? 'disabled';
  if (!PODS_MODES.includes(podsMode)) {
    throw new DnsConfigError(`pods must be one of ${PODS_MODES.join(', ')}: ${String(podsMode)}`);
  }
  const serial = options.serial ?? 0;
  if (!Number.isInteger(serial) || serial < 0 || serial > 0xffff_ffff) {
    throw new DnsConfigError(`serial must be an unsigned 32-bit integer: ${serial}`);
  }
  const nameserverIPs: string[] = [];
  for (const ip of options.nameserverIPs ?? []) {
    const address = tryParseIp(ip);
    if (address === undefined) throw new DnsConfigError(`nameserver address is not an IP: ${ip}`);
    nameserverIPs.push(formatIp(address));
  }
  return { zone, ttl, podsMode, reverseZones: options.reverseZones ?? true, serial, nameserverIPs };
}

function indexService(service: DnsService): ZoneService | undefined {
  const ports: readonly ZonePort[] =
    service.ports.length === 0
      ? NO_PORTS
      : service.ports.map((port) => ({ name: port.name, protocol: port.protocol, port: port.port }));
  const base = { name: service.name, namespace: service.namespace, ports };
  if (service.type === 'ExternalName') {
    return { ...base, kind: 'ExternalName', clusterIPs: [], externalName: service.externalName ?? '' };
  }
  if (service.headless) return { ...base, kind: 'Headless', clusterIPs: [], externalName: undefined };
  const clusterIPs = service.clusterIPs.flatMap((ip) => {
    const address = tryParseIp(ip);
    return address === undefined ? [] : [{ ip: formatIp(address), family: address.family }];
  });
  if (clusterIPs.length === 0) return undefined;
  return { ...base, kind: 'ClusterIP', clusterIPs, externalName: undefined };
}

function indexSlice(slice: DnsEndpointSlice, endpointPodNames: boolean): ZoneEndpointGroup {
  const ports: readonly ZonePort[] =
    slice.ports.length === 0
      ? NO_PORTS
      : slice.ports.map((port) => ({ name: port.name, protocol: port.protocol, port: port.port ?? -1 }));
  const addresses: ZoneAddress[] = [];
  for (const endpoint of slice.endpoints) {
    if (!endpoint.ready) continue;
    for (const text of endpoint.addresses) {
      const address = tryParseIp(text);
      if (address === undefined) continue;
      const ip = formatIp(address);
      addresses.push({
        ip,
        family: address.family,
        hostname: endpointHostname(endpoint, ip, endpointPodNames),
      });
    }
  }
  return { namespace: slice.namespace, serviceName: slice.serviceName, ports, addresses };
}

/**
 * The name of an endpoint under its Service, as CoreDNS picks it: the endpoint's hostname, else
 * (with `endpoint_pod_names`) its pod's name when that fits in a label, else the dashed IP
 * (`10-244-1-5`; for IPv6 colons become dashes and a trailing dash gets a `0`).
 */
function endpointHostname(endpoint: DnsEndpoint, ip: string, endpointPodNames: boolean): string {
  if (endpoint.hostname !== undefined && endpoint.hostname !== '') return endpoint.hostname;
  if (
    endpointPodNames &&
    endpoint.podName !== undefined &&
    endpoint.podName !== '' &&
    endpoint.podName.length < 64
  ) {
    return endpoint.podName;
  }
  if (ip.includes('.')) return ip.replaceAll('.', '-');
  const dashed = ip.replaceAll(':', '-');
  return dashed.endsWith('-') ? `${dashed}0` : dashed;
}

function serviceKey(namespace: string, name: string): string {
  return `${namespace.toLowerCase()}/${name.toLowerCase()}`;
}

function isInZone(name: string, zone: string): boolean {
  return name === zone || name.endsWith(`.${zone}`);
}

function pushTo<V>(map: Map<string, V[]>, key: string, value: V): void {
  const list = map.get(key);
  if (list === undefined) map.set(key, [value]);
  else list.push(value);
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function byNamespaceAndName(a: DnsService, b: DnsService): number {
  return compare(a.namespace, b.namespace) || compare(a.name, b.name);
}
