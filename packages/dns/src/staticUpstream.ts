import { tryParseIp, formatIp } from '@knsim/api';
import { DnsConfigError } from './DnsConfigError.js';
import {
  DNS_RECORD_TYPES,
  emptyResponse,
  toFqdn,
  type DnsQuestion,
  type DnsRecord,
  type DnsRecordType,
  type DnsResponse,
} from './DnsMessage.js';
import type { Upstream } from './answerQuery.js';

/** A record of the world outside the cluster, as a scenario declares it. */
export interface ExternalRecord {
  readonly name: string;
  readonly type: DnsRecordType;
  /** Text form, as in {@link DnsRecord}; names get a trailing dot, addresses are canonicalised. */
  readonly data: string;
  /** Seconds; defaults to the upstream's `defaultTtl`. */
  readonly ttl?: number;
}

/** Options for {@link staticUpstream}. */
export interface StaticUpstreamOptions {
  readonly records: readonly ExternalRecord[];
  /** Names whose resolution fails (SERVFAIL), with everything under them: a broken authority. */
  readonly servfail?: readonly string[];
  /** Names whose queries are refused (REFUSED), with everything under them. */
  readonly refused?: readonly string[];
  /** TTL of records that give none; defaults to 300. */
  readonly defaultTtl?: number;
  /** How long resolvers may cache this upstream's negative answers (SOA minimum); defaults to 60. */
  readonly negativeTtl?: number;
}

/** How many CNAMEs the upstream follows before giving up (SERVFAIL), as recursive resolvers cap chains. */
const MAX_CHAIN = 8;

/**
 * An upstream resolver over a fixed set of external records: what a pod's DNS sees beyond the
 * cluster. It answers like a recursive resolver would: records of the asked type; a CNAME
 * followed through the declared records (the rcode is the last name's, RFC 6604); NODATA for a
 * name that exists with other types or has names under it (an empty non-terminal, RFC 8020);
 * NXDOMAIN otherwise. Negative answers carry the root zone's SOA with `negativeTtl` as minimum.
 *
 * @throws {@link DnsConfigError} for an address record whose data is not an address of its family.
 *
 * @example
 * ```ts
 * const upstream = staticUpstream({ records: [{ name: 'api.example.com', type: 'A', data: '203.0.113.10' }] });
 * answerQuery(zone, { name: 'api.example.com', type: 'A' }, { upstream }).answer[0]?.data; // '203.0.113.10'
 * ```
 */
export function staticUpstream(options: StaticUpstreamOptions): Upstream {
  const defaultTtl = options.defaultTtl ?? 300;
  const negativeTtl = options.negativeTtl ?? 60;
  const byName = new Map<string, DnsRecord[]>();
  const nonTerminals = new Set<string>();
  for (const record of options.records) {
    const name = toFqdn(record.name).toLowerCase();
    const normalised: DnsRecord = {
      name,
      type: record.type,
      ttl: record.ttl ?? defaultTtl,
      data: normaliseData(record),
    };
    const list = byName.get(name) ?? [];
    list.push(normalised);
    byName.set(name, list);
    for (let dot = name.indexOf('.'); dot >= 0 && dot < name.length - 1; dot = name.indexOf('.', dot + 1)) {
      nonTerminals.add(name.slice(dot + 1));
    }
  }
  const servfail = (options.servfail ?? []).map((name) => toFqdn(name).toLowerCase());
  const refused = (options.refused ?? []).map((name) => toFqdn(name).toLowerCase());
  const soa: DnsRecord = {
    name: '.',
    type: 'SOA',
    ttl: negativeTtl,
    data: `a.root-servers.net. nstld.verisign-grs.com. 1 1800 900 604800 ${negativeTtl}`,
  };

  return (question: DnsQuestion): DnsResponse => {
    const asked: DnsQuestion = { name: toFqdn(question.name), type: question.type };
    const answer: DnsRecord[] = [];
    let owner = asked.name;
    for (let hops = 0; hops <= MAX_CHAIN; hops++) {
      const lower = owner.toLowerCase();
      if (under(lower, refused)) return { ...emptyResponse(asked, 'REFUSED'), answer };
      if (under(lower, servfail)) return emptyResponse(asked, 'SERVFAIL');
      const here = byName.get(lower) ?? [];
      const matching = asked.type === 'ANY' ? here : here.filter((record) => record.type === asked.type);
      if (matching.length > 0) {
        answer.push(...matching.map((record) => ({ ...record, name: owner })));
        return { question: asked, rcode: 'NOERROR', answer, authority: [], additional: [] };
      }
      const alias = asked.type === 'CNAME' ? undefined : here.find((record) => record.type === 'CNAME');
      if (alias === undefined) {
        const exists = here.length > 0 || nonTerminals.has(lower);
        return {
          question: asked,
          rcode: exists ? 'NOERROR' : 'NXDOMAIN',
          answer,
          authority: [soa],
          additional: [],
        };
      }
      answer.push({ ...alias, name: owner });
      owner = alias.data;
    }
    return emptyResponse(asked, 'SERVFAIL');
  };
}

function under(name: string, roots: readonly string[]): boolean {
  return roots.some((root) => root === '.' || name === root || name.endsWith(`.${root}`));
}

function normaliseData(record: ExternalRecord): string {
  if (!DNS_RECORD_TYPES.includes(record.type)) {
    throw new DnsConfigError(`unknown record type ${String(record.type)} for ${record.name}`);
  }
  const data = record.data.trim();
  switch (record.type) {
    case 'A':
    case 'AAAA': {
      const address = tryParseIp(data);
      if (address === undefined || (address.family === 'IPv4') !== (record.type === 'A')) {
        throw new DnsConfigError(
          `${record.type} record ${record.name}: not an ${record.type === 'A' ? 'IPv4' : 'IPv6'} address: ${data}`,
        );
      }
      return formatIp(address);
    }
    case 'CNAME':
    case 'PTR':
    case 'NS':
      return toFqdn(data);
    case 'TXT':
      return data.startsWith('"') ? data : JSON.stringify(data);
    case 'SRV':
    case 'SOA':
      return data;
  }
}
