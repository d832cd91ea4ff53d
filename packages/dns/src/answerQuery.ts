import { formatIp, tryParseIp, type IpFamily } from '@knsim/api';
import {
  emptyResponse,
  toFqdn,
  type DnsQuestion,
  type DnsRecord,
  type DnsResponse,
  type DnsQueryType,
} from './DnsMessage.js';
import { DNS_SCHEMA_VERSION, type DnsZone, type ZonePort } from './DnsZone.js';
import { addressFromReverseName } from './reverseName.js';

/**
 * Where names outside the cluster zone go: CoreDNS's `forward . /etc/resolv.conf`. It also
 * completes ExternalName CNAMEs whose target is outside the zone. {@link staticUpstream} builds one
 * from declared records.
 */
export type Upstream = (question: DnsQuestion) => DnsResponse;

/** Options for {@link answerQuery}. */
export interface AnswerOptions {
  /** Absent: out-of-zone questions get SERVFAIL, as CoreDNS does with no plugin after `kubernetes`. */
  readonly upstream?: Upstream;
}

/** TTL of `dns-version.<zone>` TXT, hard-coded in CoreDNS. */
const DNS_VERSION_TTL = 28800;
/** CoreDNS drops a CNAME whose chain already holds more than this many records (loop guard). */
const MAX_CNAME_CHAIN = 10;

/** An address (or name) CoreDNS's backend produced for a query name: its `msg.Service`. */
type Entry =
  | {
      readonly kind: 'address';
      readonly ip: string;
      readonly family: IpFamily;
      /** -1: the object declares no ports (no SRV record). */
      readonly port: number;
      /** The name SRV and NS records point to for this address. */
      readonly target: string;
    }
  | { readonly kind: 'name'; readonly target: string };

/** The backend's verdict on a name: a name error (NXDOMAIN), or entries (none: NODATA). */
type Lookup =
  { readonly nameError: true } | { readonly nameError: false; readonly entries: readonly Entry[] };

const NAME_ERROR: Lookup = { nameError: true };
const NO_ENTRIES: Lookup = { nameError: false, entries: [] };

/** What one query resolved to inside a zone, before it becomes a response. */
type Outcome =
  | { readonly kind: 'nameError' }
  | {
      readonly kind: 'records';
      readonly answer: readonly DnsRecord[];
      readonly additional: readonly DnsRecord[];
    };

const NAME_ERROR_OUTCOME: Outcome = { kind: 'nameError' };
const NODATA_OUTCOME: Outcome = { kind: 'records', answer: [], additional: [] };

interface Context {
  readonly zone: DnsZone;
  /** The matched zone, lower case. */
  readonly zoneName: string;
  /** The matched zone as the question spells it: CoreDNS keeps the question's case in the SOA and SRV targets. */
  readonly zoneCased: string;
  readonly reverse: boolean;
  readonly forward: Upstream;
}

/**
 * Answers a question the way CoreDNS's `kubernetes` plugin does for the cluster zone (and the
 * reverse zones, with `fallthrough`), handing everything else to `options.upstream`:
 *
 * - `<svc>.<ns>.svc.<zone>` A/AAAA: the ClusterIPs; headless: one record per ready endpoint address
 *   (NXDOMAIN when none is ready); ExternalName: a CNAME, completed with the target's addresses
 *   (resolved in-zone, or asked upstream; the CNAME alone when upstream has none).
 * - `<hostname>.<svc>.<ns>.svc.<zone>`: the ready endpoints with that name (hostname, else dashed IP).
 * - SRV `_<port>._<proto>.<svc>.<ns>.svc.<zone>` for named ports, and the bare Service name for all
 *   ports; targets the Service (ClusterIP) or each endpoint (headless), addresses in additional.
 * - PTR for ClusterIPs and ready endpoint addresses; `a-b-c-d.<ns>.pod.<zone>` per the pods mode;
 *   `dns-version.<zone>` TXT; SOA and NS at the apex.
 * - NXDOMAIN for a name that does not exist, NOERROR with no answer (NODATA) for one that does,
 *   both with the zone's SOA in authority (negative TTL = the plugin TTL).
 *
 * Matching is case-insensitive and answers keep the question's spelling. The function is pure.
 *
 * @example
 * ```ts
 * const response = answerQuery(zone, { name: 'web.shop.svc.cluster.local', type: 'A' });
 * response.answer; // [{ name: 'web.shop.svc.cluster.local.', type: 'A', ttl: 5, data: '10.96.0.20' }]
 * ```
 */
export function answerQuery(zone: DnsZone, question: DnsQuestion, options: AnswerOptions = {}): DnsResponse {
  const qname = toFqdn(question.name);
  const asked: DnsQuestion = { name: qname, type: question.type };
  const upstream = options.upstream;
  const forward: Upstream =
    upstream === undefined ? (q) => emptyResponse(q, 'SERVFAIL') : (q) => ({ ...upstream(q), question: q });
  const lower = qname.toLowerCase();
  const matched = zone.matchZone(lower);
  if (matched === undefined) return forward(asked);

  const context: Context = {
    zone,
    zoneName: matched.name,
    zoneCased: qname.slice(qname.length - matched.name.length),
    reverse: matched.reverse,
    forward,
  };
  const outcome = serve(context, qname, lower, question.type);
  if (outcome.kind === 'nameError') {
    // `fallthrough in-addr.arpa ip6.arpa`: reverse names the cluster does not own go upstream.
    if (context.reverse) return forward(asked);
    return emptyResponse(asked, 'NXDOMAIN', [soaRecord(context)]);
  }
  if (outcome.answer.length === 0) return emptyResponse(asked, 'NOERROR', [soaRecord(context)]);
  return {
    question: asked,
    rcode: 'NOERROR',
    answer: outcome.answer,
    authority: [],
    additional: outcome.additional,
  };
}

/** The handler's switch on the query type (CoreDNS `ServeDNS`). */
function serve(context: Context, qname: string, lower: string, type: DnsQueryType): Outcome {
  const apex = lower === context.zoneName;
  switch (type) {
    case 'A':
    case 'AAAA': {
      const result = addressRecords(context, qname, lower, type, []);
      return result === undefined ? NAME_ERROR_OUTCOME : records(result);
    }
    case 'TXT':
      return txt(context, qname, lower);
    case 'CNAME':
      return cname(context, qname, lower);
    case 'PTR':
      return ptr(context, qname, lower);
    case 'SRV':
      return srv(context, qname, lower);
    case 'SOA':
      // Only the apex has an SOA; any other name (even one that does not exist) gets NODATA.
      return apex ? records([soaRecord(context)]) : NODATA_OUTCOME;
    case 'NS':
      if (apex) return ns(context, qname);
      return existence(context, lower);
    case 'ANY':
    default:
      // Types the plugin has no records of (MX, HTTPS... from untyped input) exist or not.
      return existence(context, lower);
  }
}

/**
 * NXDOMAIN or NODATA for types the plugin has no records of: CoreDNS runs an A lookup only to tell
 * whether the name exists.
 */
function existence(context: Context, lower: string): Outcome {
  return addressLookup(context, lower, 'A').nameError ? NAME_ERROR_OUTCOME : NODATA_OUTCOME;
}

function records(answer: readonly DnsRecord[], additional: readonly DnsRecord[] = []): Outcome {
  return { kind: 'records', answer, additional };
}

/** The lookup behind A and AAAA: the apex has no address (NODATA). */
function addressLookup(context: Context, lower: string, type: 'A' | 'AAAA'): Lookup {
  if (lower === context.zoneName) return NO_ENTRIES;
  return services(context, lower, type);
}

/**
 * A or AAAA records for `qname` (CoreDNS `plugin.A`/`plugin.AAAA`), or undefined for a name error.
 * Names (ExternalName targets) become a CNAME followed by the target's records: looked up in the
 * zone when the target is in it (the CNAME is dropped if that finds nothing), else asked upstream
 * (the CNAME stays even when upstream has no address).
 */
function addressRecords(
  context: Context,
  qname: string,
  lower: string,
  type: 'A' | 'AAAA',
  chain: readonly DnsRecord[],
): DnsRecord[] | undefined {
  const lookup = addressLookup(context, lower, type);
  if (lookup.nameError) return undefined;
  const family: IpFamily = type === 'A' ? 'IPv4' : 'IPv6';
  const out: DnsRecord[] = [];
  const seen = new Set<string>();
  for (const entry of lookup.entries) {
    if (entry.kind === 'address') {
      if (entry.family !== family || seen.has(entry.ip)) continue;
      seen.add(entry.ip);
      out.push({ name: qname, type, ttl: context.zone.ttl, data: entry.ip });
      continue;
    }
    const target = toFqdn(entry.target);
    const targetLower = target.toLowerCase();
    if (targetLower === lower) continue; // x CNAME x: a direct loop
    if (chain.length > MAX_CNAME_CHAIN) continue;
    if (chain.some((record) => record.type === 'CNAME' && record.data === target)) continue;
    const record: DnsRecord = { name: qname, type: 'CNAME', ttl: context.zone.ttl, data: target };
    if (isInZone(targetLower, context.zoneName)) {
      const next = addressRecords(context, target, targetLower, type, [...chain, record]);
      if (next !== undefined && next.length > 0) out.push(record, ...next);
      continue;
    }
    out.push(record, ...context.forward({ name: target, type }).answer);
  }
  return out;
}

/** `dns-version` TXT; for other names NODATA if the name has records, else NXDOMAIN (as CoreDNS). */
function txt(context: Context, qname: string, lower: string): Outcome {
  if (lower === `dns-version.${context.zoneName}`) {
    return records([{ name: qname, type: 'TXT', ttl: DNS_VERSION_TTL, data: `"${DNS_SCHEMA_VERSION}"` }]);
  }
  // CoreDNS decides on the records alone, so names that exist without records (the apex,
  // `<ns>.svc.<zone>`) answer NXDOMAIN for TXT although they answer NODATA for A.
  const lookup = recordsFor(context, lower);
  return !lookup.nameError && lookup.entries.length > 0 ? NODATA_OUTCOME : NAME_ERROR_OUTCOME;
}

/** A CNAME for ExternalName Services; NODATA for other existing names. */
function cname(context: Context, qname: string, lower: string): Outcome {
  const lookup = services(context, lower, 'CNAME');
  if (lookup.nameError) return NAME_ERROR_OUTCOME;
  const first = lookup.entries[0];
  if (first?.kind !== 'name') return NODATA_OUTCOME;
  return records([{ name: qname, type: 'CNAME', ttl: context.zone.ttl, data: toFqdn(first.target) }]);
}

/** PTR for a full reverse name; other names get NXDOMAIN or NODATA from the forward lookup. */
function ptr(context: Context, qname: string, lower: string): Outcome {
  const ip = addressFromReverseName(lower);
  if (ip === undefined) return recordsFor(context, lower).nameError ? NAME_ERROR_OUTCOME : NODATA_OUTCOME;
  const targets = context.zone.ptrTargets(ip);
  if (targets.length === 0) return NAME_ERROR_OUTCOME;
  const unique = [...new Set(targets)];
  return records(unique.map((target) => ({ name: qname, type: 'PTR', ttl: context.zone.ttl, data: target })));
}

/**
 * SRV records (CoreDNS `plugin.SRV`): priority 0, the weight 100/n split evenly over the n entries
 * (at least 1), one record per distinct (target, port), and the target's address in additional.
 * ExternalName Services have no SRV (NODATA).
 */
function srv(context: Context, qname: string, lower: string): Outcome {
  const lookup = services(context, lower, 'SRV');
  if (lookup.nameError) return NAME_ERROR_OUTCOME;
  const entries = lookup.entries.filter((entry) => entry.kind === 'address');
  const weight = Math.max(1, Math.floor((100 / (100 * entries.length)) * 100));
  const answer: DnsRecord[] = [];
  const additional: DnsRecord[] = [];
  const seenSrv = new Set<string>();
  const seenAddress = new Set<string>();
  const ttl = context.zone.ttl;
  for (const entry of entries) {
    if (entry.port === -1) continue;
    const srvKey = `${entry.target} ${entry.port}`;
    if (!seenSrv.has(srvKey)) {
      seenSrv.add(srvKey);
      answer.push({ name: qname, type: 'SRV', ttl, data: `0 ${weight} ${entry.port} ${entry.target}` });
    }
    const addressKey = `${entry.target} ${entry.ip}`;
    if (!seenAddress.has(addressKey)) {
      seenAddress.add(addressKey);
      additional.push({
        name: entry.target,
        type: entry.family === 'IPv4' ? 'A' : 'AAAA',
        ttl,
        data: entry.ip,
      });
    }
  }
  return records(answer, additional);
}

/** NS at the apex: the nameserver names of {@link nameserverAddresses}, their addresses in additional. */
function ns(context: Context, qname: string): Outcome {
  const answer: DnsRecord[] = [];
  const additional: DnsRecord[] = [];
  const ttl = context.zone.ttl;
  for (const { name, ip, family } of nameserverAddresses(context)) {
    const target = toFqdn(name);
    const address: DnsRecord = { name: target, type: family === 'IPv4' ? 'A' : 'AAAA', ttl, data: ip };
    if (!additional.some((record) => record.name === target && record.data === ip)) additional.push(address);
    if (!answer.some((record) => record.data === target))
      answer.push({ name: qname, type: 'NS', ttl, data: target });
  }
  return records(answer, additional);
}

/**
 * CoreDNS's `nsAddrs`: for each of its own addresses that is a ready endpoint, the Services of
 * that endpoint (ClusterIP: the Service name and ClusterIPs; headless: each endpoint's name and
 * address); when none is, `ns.dns.<zone>` with its own addresses.
 */
function nameserverAddresses(context: Context): { name: string; ip: string; family: IpFamily }[] {
  const out: { name: string; ip: string; family: IpFamily }[] = [];
  const zone = context.zone;
  let found = false;
  for (const localIp of zone.nameserverIPs) {
    for (const group of zone.endpointGroupsForIp(localIp)) {
      found = true;
      const service = zone.service(group.namespace, group.serviceName);
      if (service === undefined) continue;
      const serviceName = `${service.name}.${service.namespace}.svc.${context.zoneCased}`;
      if (service.kind === 'Headless') {
        for (const address of group.addresses) {
          out.push({ name: `${address.hostname}.${serviceName}`, ip: address.ip, family: address.family });
        }
      } else {
        for (const { ip, family } of service.clusterIPs) out.push({ name: serviceName, ip, family });
      }
    }
  }
  if (!found) {
    for (const ip of zone.nameserverIPs) {
      const family = tryParseIp(ip)?.family ?? 'IPv4';
      out.push({ name: `ns.dns.${context.zoneCased}`, ip, family });
    }
  }
  return out;
}

/**
 * The backend's `Services`: `ns.dns.<zone>` answers the nameserver addresses (of the asked family),
 * SRV ignores ExternalName targets, everything else is {@link recordsFor}.
 */
function services(context: Context, lower: string, type: DnsQueryType): Lookup {
  if (lower === `ns.dns.${context.zoneName}`) {
    const family = type === 'A' ? 'IPv4' : type === 'AAAA' ? 'IPv6' : undefined;
    const entries: Entry[] = nameserverAddresses(context)
      .filter((address) => address.family === family)
      .map(({ ip, family: addressFamily }) => ({
        kind: 'address',
        ip,
        family: addressFamily,
        port: 0,
        target: lower,
      }));
    return { nameError: false, entries };
  }
  const lookup = recordsFor(context, lower);
  if (type !== 'SRV' || lookup.nameError) return lookup;
  return { nameError: false, entries: lookup.entries.filter((entry) => entry.kind === 'address') };
}

/** A query name split into the parts the plugin reads (CoreDNS `recordRequest`). */
interface RecordRequest {
  readonly podOrSvc: 'pod' | 'svc';
  readonly namespace: string;
  readonly service: string;
  readonly endpoint: string;
  readonly port: string;
  readonly protocol: string;
}

/**
 * CoreDNS's `Records`: parses `[endpoint.|_port._proto.]service.namespace.(svc|pod).<zone>` and
 * finds what it names. The apex, `svc.<zone>` and `pod.<zone>` exist without records; anything
 * else outside `svc`/`pod`, or with more labels, is a name error.
 */
function recordsFor(context: Context, lower: string): Lookup {
  const base = lower === context.zoneName ? '' : lower.slice(0, lower.length - context.zoneName.length - 1);
  if (base === '' || base === 'svc' || base === 'pod') return NO_ENTRIES;
  const labels = base.split('.');
  const podOrSvc = labels.pop();
  if (podOrSvc !== 'svc' && podOrSvc !== 'pod') return NAME_ERROR;
  const namespace = labels.pop() ?? '';
  const service = labels.pop() ?? '';
  let endpoint = '';
  let port = '';
  let protocol = '';
  if (labels.length === 1) {
    endpoint = labels[0] as string;
  } else if (labels.length === 2) {
    port = stripUnderscore(labels[0] as string);
    protocol = stripUnderscore(labels[1] as string);
  } else if (labels.length > 2) {
    return NAME_ERROR;
  }
  if (context.reverse) return NAME_ERROR;
  if (!context.zone.namespaceExists(namespace)) return NAME_ERROR;
  const request: RecordRequest = { podOrSvc, namespace, service, endpoint, port, protocol };
  return podOrSvc === 'pod' ? findPods(context, request) : findServices(context, request);
}

/**
 * Pod names `a-b-c-d.<ns>.pod.<zone>` (IPv6: colons written as dashes). Like CoreDNS, only the
 * first label left of the namespace is read.
 */
function findPods(context: Context, request: RecordRequest): Lookup {
  const zone = context.zone;
  if (zone.podsMode === 'disabled') return NAME_ERROR;
  const podName = request.service;
  if (podName === '') return NO_ENTRIES;
  const dashes = podName.split('-').length - 1;
  const text =
    dashes === 3 && !podName.includes('--') ? podName.replaceAll('-', '.') : podName.replaceAll('-', ':');
  const address = tryParseIp(text);
  if (address === undefined) return NAME_ERROR;
  const ip = formatIp(address);
  if (zone.podsMode === 'verified' && !zone.podHasIp(request.namespace, ip)) return NAME_ERROR;
  const target = `${podName}.${request.namespace}.pod.${context.zoneCased}`;
  return { nameError: false, entries: [{ kind: 'address', ip, family: address.family, port: 0, target }] };
}

/** CoreDNS's `findServices` for one Service name. */
function findServices(context: Context, request: RecordRequest): Lookup {
  if (request.service === '') return NO_ENTRIES;
  const zone = context.zone;
  const service = zone.service(request.namespace, request.service);
  if (service === undefined) return NAME_ERROR;

  if (service.kind === 'ExternalName') {
    if (request.endpoint !== '' || request.port !== '' || request.protocol !== '') return NAME_ERROR;
    const target = service.externalName ?? '';
    // An IP written as an external name is not a CNAME target: CoreDNS serves nothing for it.
    if (target === '' || tryParseIp(target.replace(/\.$/, '')) !== undefined) return NAME_ERROR;
    return { nameError: false, entries: [{ kind: 'name', target }] };
  }

  const entries: Entry[] = [];
  let found = false;
  if (service.kind === 'Headless' || request.endpoint !== '') {
    const serviceName = `${service.name}.${service.namespace}.svc.${context.zoneCased}`;
    const matches =
      request.endpoint === ''
        ? zone
            .endpointGroups(service.namespace, service.name)
            .flatMap((group) => group.addresses.map((address) => ({ group, address })))
        : zone.endpointsByHostname(service.namespace, service.name, request.endpoint);
    for (const { group, address } of matches) {
      for (const port of group.ports) {
        if (!matchPort(request, port)) continue;
        found = true;
        const target = `${address.hostname}.${serviceName}`;
        entries.push({ kind: 'address', ip: address.ip, family: address.family, port: port.port, target });
      }
    }
    return found ? { nameError: false, entries } : NAME_ERROR;
  }

  const target = `${service.name}.${service.namespace}.svc.${context.zoneCased}`;
  for (const port of service.ports) {
    if (!matchPort(request, port)) continue;
    found = true;
    for (const { ip, family } of service.clusterIPs) {
      entries.push({ kind: 'address', ip, family, port: port.port, target });
    }
  }
  return found ? { nameError: false, entries } : NAME_ERROR;
}

/** An empty port or protocol in the request matches any (the bare Service name asks for all ports). */
function matchPort(request: RecordRequest, port: ZonePort): boolean {
  return (
    (request.port === '' || request.port === port.name.toLowerCase()) &&
    (request.protocol === '' || request.protocol === port.protocol.toLowerCase())
  );
}

function stripUnderscore(label: string): string {
  return label.startsWith('_') ? label.slice(1) : label;
}

function isInZone(name: string, zone: string): boolean {
  return name === zone || name.endsWith(`.${zone}`);
}

/**
 * The zone's SOA as CoreDNS writes it: `ns.dns.<zone>. hostmaster.<zone>. serial 7200 1800 86400
 * ttl`, with the record's own TTL capped at 300 s. Its minimum (the plugin TTL) is what resolvers
 * cache a negative answer for.
 */
function soaRecord(context: Context): DnsRecord {
  const { zoneCased, zone } = context;
  return {
    name: zoneCased,
    type: 'SOA',
    ttl: Math.min(zone.ttl, 300),
    data: `ns.dns.${zoneCased} hostmaster.${zoneCased} ${zone.serial} 7200 1800 86400 ${zone.ttl}`,
  };
}
