/**
 * @knsim/dns: knsim's cluster DNS, as pure functions. The records of the Kubernetes DNS
 * specification (schema 1.1.0) answered the way CoreDNS's `kubernetes` plugin answers them, an
 * upstream for the names outside the cluster, the resolv.conf the kubelet writes for each pod, the
 * glibc search walk that turns `ndots:5` into several queries per lookup, and a TTL cache.
 *
 * @packageDocumentation
 */
export {
  DNS_RECORD_TYPES,
  emptyResponse,
  formatRecord,
  formatResponse,
  isNodata,
  parseSoaData,
  parseSrvData,
  toFqdn,
  type DnsQueryType,
  type DnsQuestion,
  type DnsRcode,
  type DnsRecord,
  type DnsRecordType,
  type DnsResponse,
  type SoaData,
  type SrvData,
} from './DnsMessage.js';
export { addressFromReverseName, reverseName } from './reverseName.js';
export {
  clusterDnsViewFromObjects,
  type ClusterDnsObjects,
  type ClusterDnsView,
  type DnsEndpoint,
  type DnsEndpointPort,
  type DnsEndpointSlice,
  type DnsPod,
  type DnsService,
  type DnsServicePort,
} from './ClusterDnsView.js';
export { DnsConfigError } from './DnsConfigError.js';
export {
  buildDnsZone,
  DEFAULT_CLUSTER_DOMAIN,
  DEFAULT_DNS_TTL,
  DNS_SCHEMA_VERSION,
  DnsZone,
  MAX_DNS_TTL,
  type DnsZoneOptions,
  type MatchedZone,
  type PodsMode,
  type ZoneAddress,
  type ZoneEndpointGroup,
  type ZoneEndpointMatch,
  type ZonePort,
  type ZoneService,
} from './DnsZone.js';
export { answerQuery, type AnswerOptions, type Upstream } from './answerQuery.js';
export { staticUpstream, type ExternalRecord, type StaticUpstreamOptions } from './staticUpstream.js';
export {
  formatResolvConf,
  MAX_DNS_NAMESERVERS,
  MAX_DNS_SEARCH_LIST_CHARS,
  MAX_DNS_SEARCH_PATHS,
  parseResolvConf,
  resolverConfig,
  type KubeletDnsOptions,
  type PodResolverConfig,
  type ResolverPod,
  type ResolvConf,
} from './resolverConfig.js';
export {
  resolveName,
  type QueryFunction,
  type QueryOutcome,
  type ResolveAttempt,
  type ResolveError,
  type ResolverSearchConfig,
  type ResolveResult,
} from './resolveName.js';
export { DnsCache, type DnsCacheOptions } from './DnsCache.js';
export { ClusterDns, type NameserverReach } from './runtime/index.js';
