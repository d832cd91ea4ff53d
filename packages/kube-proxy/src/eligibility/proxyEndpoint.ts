/**
 * The endpoint as kube-proxy sees it: one backend address and port of one Service port, with
 * the conditions and topology that decide whether this node may send traffic to it.
 *
 * @module
 */
import { formatIp, formatIpv4, isIpv4Mapped, tryParseIp, type IpFamily } from '@knsim/api';

/**
 * One backend of one Service port, as built by a kube-proxy from the EndpointSlices (the
 * counterpart of kube-proxy's `BaseEndpointInfo`). Two endpoints of a Service port are the same
 * endpoint exactly when their {@link ProxyEndpoint.endpoint} strings are equal.
 */
export interface ProxyEndpoint {
  /** `ip:port`, or `[ip]:port` for IPv6: the endpoint's identity and sort key. */
  readonly endpoint: string;
  /** The address in canonical form (dotted quad, or RFC 5952 for IPv6). */
  readonly ip: string;
  /** The slice port's number, i.e. the resolved target port. */
  readonly port: number;
  /** Ready and not terminating (or the Service publishes not-ready addresses). */
  readonly ready: boolean;
  /** The pod is Ready, whether or not it is terminating. */
  readonly serving: boolean;
  /** The pod has a deletion timestamp. */
  readonly terminating: boolean;
  /** The endpoint runs on the node this kube-proxy runs on. */
  readonly isLocal: boolean;
  /** `hints.forZones` names, sorted; empty when the slice gives none. */
  readonly zoneHints: readonly string[];
  /** `hints.forNodes` names, sorted; empty when the slice gives none. */
  readonly nodeHints: readonly string[];
  /** The endpoint's node, or "" when the slice does not say. */
  readonly nodeName: string;
  /** The endpoint's zone, or "" when the slice does not say. */
  readonly zone: string;
}

/**
 * The canonical text of an address (as Go's `ParseIPSloppy(text).String()` prints it: leading
 * zeros read as decimal, IPv4-mapped IPv6 printed as IPv4), or undefined when it is no address.
 *
 * @example
 * ```ts
 * canonicalIp('010.000.000.001'); // '10.0.0.1'
 * canonicalIp('FD00::0001'); // 'fd00::1'
 * ```
 */
export function canonicalIp(text: string): string | undefined {
  let form = canonicalForms.get(text);
  if (form === undefined) {
    if (canonicalForms.size >= 8192) canonicalForms.clear();
    form = parseCanonical(text) ?? null;
    canonicalForms.set(text, form);
  }
  return form ?? undefined;
}

// The canonical forms of addresses seen lately: the same few thousand come back for every
// node's rules and every connection, and parsing one costs more than what is done with it.
// Emptied when it fills.
const canonicalForms = new Map<string, string | null>();

function parseCanonical(text: string): string | undefined {
  const parsed = tryParseIp(text.trim(), { legacy: true });
  if (parsed === undefined) return undefined;
  if (parsed.family === 'IPv6' && isIpv4Mapped(parsed.value))
    return formatIpv4(Number(parsed.value & 0xffff_ffffn));
  return formatIp(parsed);
}

/**
 * The family of a canonical address (see {@link canonicalIp}).
 *
 * @example
 * ```ts
 * ipFamilyOf('fd00::1'); // 'IPv6'
 * ```
 */
export function ipFamilyOf(ip: string): IpFamily {
  return ip.includes(':') ? 'IPv6' : 'IPv4';
}

/**
 * The `host:port` text kube-proxy keys and sorts endpoints by (Go's `net.JoinHostPort`).
 *
 * @example
 * ```ts
 * endpointString('10.244.1.5', 8080); // '10.244.1.5:8080'
 * endpointString('fd00::5', 8080); // '[fd00::5]:8080'
 * ```
 */
export function endpointString(ip: string, port: number): string {
  return ip.includes(':') ? `[${ip}]:${port}` : `${ip}:${port}`;
}

/**
 * kube-proxy's endpoint order: plain string order of {@link ProxyEndpoint.endpoint} (Go compares
 * strings bytewise; the text is ASCII, so UTF-16 order is the same). It is *textual*, so
 * `10.0.0.10:80` sorts before both `10.0.0.1:80` (":" sorts after the digits) and `10.0.0.2:80`.
 * iptables rules are written in this order, which is why knsim keeps it rather than a numeric
 * one.
 *
 * @example
 * ```ts
 * ['10.0.0.2:80', '10.0.0.1:80', '10.0.0.10:80'].sort(compareEndpointStrings);
 * // ['10.0.0.10:80', '10.0.0.1:80', '10.0.0.2:80']
 * ```
 */
export function compareEndpointStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
