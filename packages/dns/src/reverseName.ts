import { formatIp, formatIpv4, formatIpv6, parseIpv4, tryParseIp } from '@knsim/api';

const IPV4_ARPA = '.in-addr.arpa.';
const IPV6_ARPA = '.ip6.arpa.';

/**
 * The PTR query name of an address: reversed octets under `in-addr.arpa.`, or reversed nibbles
 * (all 32, no compression) under `ip6.arpa.`. Undefined when `ip` is not an address.
 *
 * @example
 * ```ts
 * reverseName('10.96.0.1'); // '1.0.96.10.in-addr.arpa.'
 * reverseName('2001:db8::1'); // '1.0.0.0.….8.b.d.0.1.0.0.2.ip6.arpa.'
 * ```
 */
export function reverseName(ip: string): string | undefined {
  const address = tryParseIp(ip);
  if (address === undefined) return undefined;
  if (address.family === 'IPv4') {
    return `${formatIpv4(address.value).split('.').reverse().join('.')}${IPV4_ARPA}`;
  }
  const nibbles = address.value.toString(16).padStart(32, '0').split('').reverse();
  return `${nibbles.join('.')}${IPV6_ARPA}`;
}

/**
 * The address a full reverse name stands for, in canonical text, or undefined for anything else
 * (a partial name such as `96.10.in-addr.arpa.`, a forward name). Matching is case-insensitive.
 * Like CoreDNS (`dnsutil.ExtractAddressFromReverse`), an IPv4 name needs exactly four decimal
 * labels and an IPv6 name exactly 32 one-digit hex labels.
 *
 * @example
 * ```ts
 * addressFromReverseName('1.0.96.10.in-addr.arpa.'); // '10.96.0.1'
 * ```
 */
export function addressFromReverseName(name: string): string | undefined {
  const lower = name.toLowerCase();
  if (lower.endsWith(IPV4_ARPA)) {
    const labels = lower.slice(0, -IPV4_ARPA.length).split('.');
    if (labels.length !== 4) return undefined;
    const value = parseIpv4(labels.reverse().join('.'));
    return value === undefined ? undefined : formatIpv4(value);
  }
  if (lower.endsWith(IPV6_ARPA)) {
    const labels = lower.slice(0, -IPV6_ARPA.length).split('.');
    if (labels.length !== 32 || !labels.every((label) => /^[0-9a-f]$/.test(label))) return undefined;
    return formatIpv6(BigInt(`0x${labels.reverse().join('')}`));
  }
  return undefined;
}

/** The canonical text of an address (so `2001:DB8:0::1` and `2001:db8::1` index alike), or undefined. */
export function canonicalIp(ip: string): string | undefined {
  const address = tryParseIp(ip);
  return address === undefined ? undefined : formatIp(address);
}
