/**
 * The DNS message model knsim uses between pods, CoreDNS and upstream servers: a question, and a
 * response with the three record sections of RFC 1035. Records carry their data in zone-file text
 * form (what `dig` prints), so tests and logs read like real DNS traffic without a wire codec.
 *
 * @module
 */

/** The record types knsim's cluster DNS serves. */
export type DnsRecordType = 'A' | 'AAAA' | 'SRV' | 'PTR' | 'CNAME' | 'TXT' | 'NS' | 'SOA';

/** Every record type, in a fixed order (for generators and exhaustive tables). */
export const DNS_RECORD_TYPES: readonly DnsRecordType[] = [
  'A',
  'AAAA',
  'SRV',
  'PTR',
  'CNAME',
  'TXT',
  'NS',
  'SOA',
];

/** What a question may ask for: a record type, or ANY (a query type, never a record's type). */
export type DnsQueryType = DnsRecordType | 'ANY';

/**
 * The response codes knsim models. NOERROR with an empty answer section is NODATA (the name exists,
 * with no record of the asked type); NXDOMAIN says the name does not exist at all.
 */
export type DnsRcode = 'NOERROR' | 'NXDOMAIN' | 'SERVFAIL' | 'REFUSED';

/** A question: a domain name (a trailing dot is added when missing) and a query type. */
export interface DnsQuestion {
  readonly name: string;
  readonly type: DnsQueryType;
}

/**
 * One resource record, class IN. `name` is fully qualified (trailing dot). `data` is the text form:
 * A/AAAA an address, CNAME/PTR/NS a fully qualified name, SRV `priority weight port target.`,
 * SOA `mname. rname. serial refresh retry expire minimum`, TXT a quoted string. `ttl` is seconds.
 */
export interface DnsRecord {
  readonly name: string;
  readonly type: DnsRecordType;
  readonly ttl: number;
  readonly data: string;
}

/** A response: the question it answers, its rcode and the answer, authority and additional sections. */
export interface DnsResponse {
  readonly question: DnsQuestion;
  readonly rcode: DnsRcode;
  readonly answer: readonly DnsRecord[];
  readonly authority: readonly DnsRecord[];
  readonly additional: readonly DnsRecord[];
}

/** The fields of an SOA record's data. */
export interface SoaData {
  readonly mname: string;
  readonly rname: string;
  readonly serial: number;
  readonly refresh: number;
  readonly retry: number;
  readonly expire: number;
  /** The negative-caching TTL (RFC 2308). */
  readonly minimum: number;
}

/** The fields of an SRV record's data. */
export interface SrvData {
  readonly priority: number;
  readonly weight: number;
  readonly port: number;
  readonly target: string;
}

/**
 * Appends the root label's dot when `name` lacks it: DNS names on the wire are always absolute.
 *
 * @example
 * ```ts
 * toFqdn('web.shop.svc.cluster.local'); // 'web.shop.svc.cluster.local.'
 * ```
 */
export function toFqdn(name: string): string {
  return name.endsWith('.') ? name : `${name}.`;
}

/**
 * A response with no records; `rcode` NOERROR makes it NODATA.
 *
 * @example
 * ```ts
 * emptyResponse({ name: 'x.example.', type: 'A' }, 'SERVFAIL').answer; // []
 * ```
 */
export function emptyResponse(
  question: DnsQuestion,
  rcode: DnsRcode,
  authority: readonly DnsRecord[] = [],
): DnsResponse {
  return { question, rcode, answer: [], authority, additional: [] };
}

/**
 * True for NODATA: NOERROR and no answer (the name exists, the type does not).
 *
 * @example
 * ```ts
 * isNodata(emptyResponse({ name: 'shop.svc.cluster.local.', type: 'A' }, 'NOERROR')); // true
 * ```
 */
export function isNodata(response: DnsResponse): boolean {
  return response.rcode === 'NOERROR' && response.answer.length === 0;
}

/**
 * Reads an SOA record's data, or undefined when it is not seven fields.
 *
 * @example
 * ```ts
 * parseSoaData('ns.dns.cluster.local. hostmaster.cluster.local. 1 7200 1800 86400 5')?.minimum; // 5
 * ```
 */
export function parseSoaData(data: string): SoaData | undefined {
  const fields = data.trim().split(/\s+/);
  if (fields.length !== 7) return undefined;
  const [mname, rname, ...rest] = fields as [string, string, ...string[]];
  const numbers = rest.map(Number);
  if (!numbers.every((value) => Number.isSafeInteger(value) && value >= 0)) return undefined;
  const [serial, refresh, retry, expire, minimum] = numbers as [number, number, number, number, number];
  return { mname, rname, serial, refresh, retry, expire, minimum };
}

/**
 * Reads an SRV record's data, or undefined when it is not `priority weight port target`.
 *
 * @example
 * ```ts
 * parseSrvData('0 100 443 web.shop.svc.cluster.local.')?.port; // 443
 * ```
 */
export function parseSrvData(data: string): SrvData | undefined {
  const fields = data.trim().split(/\s+/);
  if (fields.length !== 4) return undefined;
  const [priority, weight, port] = fields.slice(0, 3).map(Number) as [number, number, number];
  if (![priority, weight, port].every((value) => Number.isInteger(value) && value >= 0 && value <= 65535)) {
    return undefined;
  }
  return { priority, weight, port, target: fields[3] as string };
}

/**
 * One record as a zone-file line, the way `dig` prints it.
 *
 * @example
 * ```ts
 * formatRecord({ name: 'web.shop.svc.cluster.local.', type: 'A', ttl: 5, data: '10.96.0.20' });
 * // 'web.shop.svc.cluster.local.\t5\tIN\tA\t10.96.0.20'
 * ```
 */
export function formatRecord(record: DnsRecord): string {
  return `${record.name}\t${record.ttl}\tIN\t${record.type}\t${record.data}`;
}

/**
 * A response as `dig` would summarise it: the rcode line, then each non-empty section.
 *
 * @example
 * ```ts
 * formatResponse(emptyResponse({ name: 'nope.example.', type: 'A' }, 'NXDOMAIN'));
 * // ';; nope.example. IN A: NXDOMAIN'
 * ```
 */
export function formatResponse(response: DnsResponse): string {
  const lines = [`;; ${toFqdn(response.question.name)} IN ${response.question.type}: ${response.rcode}`];
  for (const [title, records] of [
    ['ANSWER', response.answer],
    ['AUTHORITY', response.authority],
    ['ADDITIONAL', response.additional],
  ] as const) {
    if (records.length === 0) continue;
    lines.push(`;; ${title} SECTION:`, ...records.map(formatRecord));
  }
  return lines.join('\n');
}
