import { DEFAULT_NAMESPACE, type DnsPolicy, type PodDnsConfig } from '@knsim/api';

/** The contents of a resolv.conf: nameserver lines, the search line, the options line (`ndots:5`, `edns0`). */
export interface ResolvConf {
  readonly nameservers: readonly string[];
  readonly searches: readonly string[];
  readonly options: readonly string[];
}

/** The pod fields the kubelet reads to configure its resolver (an API `Pod` fits). */
export interface ResolverPod {
  readonly metadata: { readonly namespace?: string };
  readonly spec: {
    readonly hostNetwork?: boolean;
    /** Defaults to ClusterFirst. */
    readonly dnsPolicy?: DnsPolicy;
    readonly dnsConfig?: PodDnsConfig;
  };
}

/** The kubelet's DNS settings. */
export interface KubeletDnsOptions {
  /** `--cluster-domain` (`clusterDomain`); empty: no cluster search domains. */
  readonly clusterDomain: string;
  /** `--cluster-dns` (`clusterDNS`): the kube-dns ClusterIP(s). Empty: ClusterFirst falls back to Default. */
  readonly clusterDns: readonly string[];
  /**
   * The node's resolv.conf (`--resolv-conf`), the base of every pod's config. Absent: an empty
   * file. `null`: `--resolv-conf=""`, which makes Default pods use 127.0.0.1 (::1 on IPv6 nodes)
   * with search `.`.
   */
  readonly hostResolvConf?: ResolvConf | null;
  /** The node's IP families, for `--resolv-conf=""`; defaults to IPv4 only. */
  readonly nodeIpFamilies?: readonly ('IPv4' | 'IPv6')[];
}

/** A pod's resolver configuration, with what glibc will make of it. */
export interface PodResolverConfig extends ResolvConf {
  /** The policy in effect (ClusterFirst on a hostNetwork pod is Default; without clusterDNS too). */
  readonly effectivePolicy: 'ClusterFirst' | 'Default' | 'None';
  /** glibc's ndots: the last `ndots:n` option, capped at 15; 1 when none. */
  readonly ndots: number;
  /** Warnings the kubelet records as events (`DNSConfigForming`, `MissingClusterDNS`), in order. */
  readonly events: readonly string[];
}

/** The most nameservers the kubelet writes (`validation.MaxDNSNameservers`). */
export const MAX_DNS_NAMESERVERS = 3;
/** The most search domains the kubelet writes (ExpandedDNSConfig, GA since 1.28). */
export const MAX_DNS_SEARCH_PATHS = 32;
/** The longest search line the kubelet writes, in characters (ExpandedDNSConfig). */
export const MAX_DNS_SEARCH_LIST_CHARS = 2048;
/** A search domain longer than a DNS-1123 subdomain is dropped (glibc 2.28 aborts on them). */
const MAX_SEARCH_DOMAIN_LENGTH = 253;
/** glibc's `RES_MAXNDOTS`. */
const MAX_NDOTS = 15;

/**
 * The resolv.conf the kubelet gives a pod (`pkg/kubelet/network/dns` `GetPodDNS`):
 *
 * - ClusterFirst (and ClusterFirstWithHostNet): nameservers = clusterDNS, search =
 *   `<ns>.svc.<domain> svc.<domain> <domain>` then the node's search domains (duplicates dropped),
 *   options = `ndots:5` alone. ClusterFirst on a hostNetwork pod, or with no clusterDNS, is Default.
 * - Default: the node's resolv.conf as it is.
 * - None: empty, so everything comes from `dnsConfig`.
 *
 * `dnsConfig` is then merged in: nameservers and searches appended without duplicates, options
 * merged by name (the pod's value wins). Finally the limits: 3 nameservers, 32 search domains of at
 * most 253 characters and 2048 in all; what is cut is reported in `events` with the kubelet's text.
 * Merged options keep first-seen order (the kubelet's order comes from a Go map and is random).
 *
 * @example
 * ```ts
 * const config = resolverConfig(
 *   { metadata: { namespace: 'shop' }, spec: {} },
 *   { clusterDomain: 'cluster.local', clusterDns: ['10.96.0.10'] },
 * );
 * config.searches; // ['shop.svc.cluster.local', 'svc.cluster.local', 'cluster.local']
 * config.ndots; // 5
 * ```
 */
export function resolverConfig(pod: ResolverPod, options: KubeletDnsOptions): PodResolverConfig {
  const events: string[] = [];
  const host = hostConfig(options);
  const namespace = pod.metadata.namespace ?? DEFAULT_NAMESPACE;
  const policy = pod.spec.dnsPolicy ?? 'ClusterFirst';
  let kind: PodResolverConfig['effectivePolicy'] =
    policy === 'None'
      ? 'None'
      : policy === 'Default' || (policy === 'ClusterFirst' && pod.spec.hostNetwork === true)
        ? 'Default'
        : 'ClusterFirst';
  if (kind === 'ClusterFirst' && options.clusterDns.length === 0) {
    events.push(
      `MissingClusterDNS: kubelet does not have ClusterDNS IP configured and cannot create Pod using "ClusterFirst" policy. Falling back to "Default" policy.`,
    );
    kind = 'Default';
  }

  let nameservers: string[];
  let searches: string[];
  let resolverOptions: string[];
  if (kind === 'None') {
    nameservers = [];
    searches = [];
    resolverOptions = [];
  } else if (kind === 'ClusterFirst') {
    nameservers = [...options.clusterDns];
    const domain = options.clusterDomain;
    searches =
      domain === ''
        ? [...host.searches]
        : unique([`${namespace}.svc.${domain}`, `svc.${domain}`, domain, ...host.searches]);
    resolverOptions = ['ndots:5'];
  } else {
    nameservers = [...host.nameservers];
    searches = [...host.searches];
    resolverOptions = [...host.options];
  }

  const dnsConfig = pod.spec.dnsConfig;
  if (dnsConfig !== undefined) {
    nameservers = unique([...nameservers, ...(dnsConfig.nameservers ?? [])]);
    searches = unique([...searches, ...(dnsConfig.searches ?? [])]);
    resolverOptions = mergeOptions(resolverOptions, dnsConfig.options ?? []);
  }

  if (nameservers.length > MAX_DNS_NAMESERVERS) {
    nameservers = nameservers.slice(0, MAX_DNS_NAMESERVERS);
    events.push(
      `DNSConfigForming: Nameserver limits were exceeded, some nameservers have been omitted, the applied nameserver line is: ${nameservers.join(' ')}`,
    );
  }
  const limited = limitSearches(searches);
  if (limited.exceeded) {
    events.push(
      `DNSConfigForming: Search Line limits were exceeded, some search paths have been omitted, the applied search line is: ${limited.searches.join(' ')}`,
    );
  }
  return {
    nameservers,
    searches: limited.searches,
    options: resolverOptions,
    effectivePolicy: kind,
    ndots: ndotsOf(resolverOptions),
    events,
  };
}

/**
 * A resolv.conf's text, in the order container runtimes write it.
 *
 * @example
 * ```ts
 * formatResolvConf({ nameservers: ['10.96.0.10'], searches: ['default.svc.cluster.local'], options: ['ndots:5'] });
 * // 'search default.svc.cluster.local\nnameserver 10.96.0.10\noptions ndots:5\n'
 * ```
 */
export function formatResolvConf(conf: ResolvConf): string {
  const lines: string[] = [];
  if (conf.searches.length > 0) lines.push(`search ${conf.searches.join(' ')}`);
  for (const nameserver of conf.nameservers) lines.push(`nameserver ${nameserver}`);
  if (conf.options.length > 0) lines.push(`options ${conf.options.join(' ')}`);
  return lines.map((line) => `${line}\n`).join('');
}

/**
 * Reads resolv.conf text as the kubelet does: nameserver lines accumulate, the last search line
 * and the last options line win, comments (`#`) are skipped, trailing dots on search domains go.
 *
 * @example
 * ```ts
 * parseResolvConf('nameserver 1.1.1.1\nsearch corp.example.\n').searches; // ['corp.example']
 * ```
 */
export function parseResolvConf(text: string): ResolvConf {
  const nameservers: string[] = [];
  let searches: string[] = [];
  let options: string[] = [];
  for (const line of text.split('\n')) {
    const trimmed = line.trim();
    if (trimmed.startsWith('#')) continue;
    const [keyword, ...fields] = trimmed.split(/\s+/);
    if (keyword === 'nameserver' && fields[0] !== undefined) nameservers.push(fields[0]);
    if (keyword === 'search') searches = fields.map((domain) => domain.replace(/\.$/, ''));
    if (keyword === 'options') options = fields;
  }
  return { nameservers, searches, options };
}

function hostConfig(options: KubeletDnsOptions): ResolvConf {
  if (options.hostResolvConf === null) {
    const families = options.nodeIpFamilies ?? ['IPv4'];
    const nameservers = families.map((family) => (family === 'IPv6' ? '::1' : '127.0.0.1'));
    return {
      nameservers: nameservers.length > 0 ? nameservers : ['127.0.0.1'],
      searches: ['.'],
      options: [],
    };
  }
  return options.hostResolvConf ?? { nameservers: [], searches: [], options: [] };
}

function unique(values: readonly string[]): string[] {
  return [...new Set(values)];
}

/** The kubelet's `mergeDNSOptions`: one entry per option name, the pod's value overriding. */
function mergeOptions(
  existing: readonly string[],
  extra: readonly { readonly name: string; readonly value?: string }[],
): string[] {
  const merged = new Map<string, string>();
  for (const option of existing) {
    const colon = option.indexOf(':');
    if (colon === -1) merged.set(option, '');
    else merged.set(option.slice(0, colon), option.slice(colon + 1));
  }
  for (const option of extra) merged.set(option.name, option.value ?? '');
  return [...merged].map(([name, value]) => (value === '' ? name : `${name}:${value}`));
}

function limitSearches(composed: readonly string[]): { searches: string[]; exceeded: boolean } {
  let exceeded = false;
  let searches = [...composed];
  if (searches.length > MAX_DNS_SEARCH_PATHS) {
    searches = searches.slice(0, MAX_DNS_SEARCH_PATHS);
    exceeded = true;
  }
  const fitting = searches.filter((domain) => domain.length <= MAX_SEARCH_DOMAIN_LENGTH);
  if (fitting.length !== searches.length) exceeded = true;
  searches = fitting;
  // Drop domains from the end until the joined line fits.
  while (searches.length > 0 && searches.join(' ').length > MAX_DNS_SEARCH_LIST_CHARS) {
    searches.pop();
    exceeded = true;
  }
  return { searches, exceeded };
}

/** glibc's `res_init`: each `ndots:n` sets ndots (atoi, capped at 15); the last one wins; default 1. */
function ndotsOf(options: readonly string[]): number {
  let ndots = 1;
  for (const option of options) {
    if (!option.startsWith('ndots:')) continue;
    const digits = /^\d+/.exec(option.slice('ndots:'.length));
    const value = digits === null ? 0 : Number(digits[0]);
    ndots = Math.min(value, MAX_NDOTS);
  }
  return ndots;
}
