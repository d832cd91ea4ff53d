import { UserError } from '@knsim/core';

/** An address family, spelled as in a Service's `spec.ipFamilies`. */
export type IpFamily = 'IPv4' | 'IPv6';

/**
 * A parsed IP address. IPv4 addresses are unsigned 32-bit integers (plain numbers, so the hot
 * paths of IPAM never allocate); IPv6 addresses are 128-bit bigints.
 */
export type IpAddress =
  { readonly family: 'IPv4'; readonly value: number } | { readonly family: 'IPv6'; readonly value: bigint };

/** Options for the lenient forms that Kubernetes still accepts in older ("legacy") fields. */
export interface IpParseOptions {
  /**
   * Accept IPv4 octets with leading zeros (read as decimal, as Go's `ParseIPSloppy` does) and
   * IPv4-mapped IPv6 addresses. The API server accepts both in legacy fields (with a warning).
   */
  readonly legacy?: boolean;
}

/** An IP address or CIDR that could not be parsed; `reason` says why. */
export class AddressParseError extends UserError {
  override readonly name = 'AddressParseError';
  constructor(
    readonly input: string,
    readonly reason: string,
  ) {
    super(`invalid address ${JSON.stringify(input)}: ${reason}`);
  }
}

/** Number of addresses in the IPv4 space (2^32). */
export const IPV4_SPACE = 0x1_0000_0000;
/** Largest IPv6 address value (2^128 - 1). */
export const IPV6_MAX = (1n << 128n) - 1n;

/**
 * Parses a dotted-quad IPv4 address to an unsigned 32-bit integer, or returns undefined.
 * Octets with leading zeros are rejected unless `legacy` is set (then read as decimal).
 */
export function parseIpv4(text: string, options: IpParseOptions = {}): number | undefined {
  let value = 0;
  let octets = 0;
  let position = 0;
  const length = text.length;
  while (position <= length) {
    const start = position;
    let octet = 0;
    while (position < length) {
      const code = text.charCodeAt(position);
      if (code < 48 || code > 57) break;
      octet = octet * 10 + (code - 48);
      position++;
    }
    const digits = position - start;
    if (digits === 0 || octet > 255) return undefined;
    if (digits > 1 && text.charCodeAt(start) === 48 && !options.legacy) return undefined;
    if (digits > 3 && !options.legacy) return undefined;
    value = value * 256 + octet;
    octets++;
    if (position === length) break;
    if (text.charCodeAt(position) !== 46 || octets === 4) return undefined;
    position++;
  }
  return octets === 4 ? value : undefined;
}

/** Formats an unsigned 32-bit integer as a dotted-quad IPv4 address. */
export function formatIpv4(value: number): string {
  return `${value >>> 24}.${(value >>> 16) & 255}.${(value >>> 8) & 255}.${value & 255}`;
}

/**
 * Parses an IPv6 address (with `::` compression and an optional trailing dotted IPv4 part) to a
 * 128-bit bigint, or returns undefined. Zone identifiers (`%eth0`) are not addresses here.
 */
export function parseIpv6(text: string): bigint | undefined {
  if (text.length < 2 || text.length > 45) return undefined;
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const head = halves[0] === '' ? [] : (halves[0] as string).split(':');
  const tail = halves.length === 2 ? (halves[1] === '' ? [] : (halves[1] as string).split(':')) : [];
  const groups: number[] = [];
  const parseGroups = (parts: string[], allowIpv4Last: boolean): boolean => {
    for (let index = 0; index < parts.length; index++) {
      const part = parts[index] as string;
      if (allowIpv4Last && index === parts.length - 1 && part.includes('.')) {
        const ipv4 = parseIpv4(part);
        if (ipv4 === undefined) return false;
        groups.push(ipv4 >>> 16, ipv4 & 0xffff);
        continue;
      }
      if (!/^[0-9A-Fa-f]{1,4}$/.test(part)) return false;
      groups.push(parseInt(part, 16));
    }
    return true;
  };
  const tailIsLast = halves.length === 2 && tail.length > 0;
  if (!parseGroups(head, !tailIsLast && halves.length === 1)) return undefined;
  const headCount = groups.length;
  if (!parseGroups(tail, true)) return undefined;
  const tailCount = groups.length - headCount;
  if (halves.length === 1) {
    if (groups.length !== 8) return undefined;
  } else {
    // `::` stands for at least one zero group.
    if (groups.length > 7) return undefined;
    groups.splice(headCount, 0, ...new Array<number>(8 - headCount - tailCount).fill(0));
  }
  let value = 0n;
  for (const group of groups) value = (value << 16n) | BigInt(group);
  return value;
}

/**
 * Formats a 128-bit value as an IPv6 address in RFC 5952 canonical form: lowercase hex, no
 * leading zeros, the longest run (the first on a tie) of two or more zero groups as `::`, and
 * IPv4-mapped addresses as `::ffff:a.b.c.d`.
 */
export function formatIpv6(value: bigint): string {
  if (isIpv4Mapped(value)) return `::ffff:${formatIpv4(Number(value & 0xffff_ffffn))}`;
  const groups: number[] = [];
  for (let shift = 112n; shift >= 0n; shift -= 16n) groups.push(Number((value >> shift) & 0xffffn));
  let bestStart = -1;
  let bestLength = 1;
  for (let index = 0; index < 8;) {
    if (groups[index] !== 0) {
      index++;
      continue;
    }
    let end = index;
    while (end < 8 && groups[end] === 0) end++;
    if (end - index > bestLength) {
      bestStart = index;
      bestLength = end - index;
    }
    index = end;
  }
  const hex = (from: number, to: number): string =>
    groups
      .slice(from, to)
      .map((group) => group.toString(16))
      .join(':');
  if (bestStart < 0) return hex(0, 8);
  return `${hex(0, bestStart)}::${hex(bestStart + bestLength, 8)}`;
}

/** Parses an IPv4 or IPv6 address, or returns undefined when `text` is neither. */
export function tryParseIp(text: string, options: IpParseOptions = {}): IpAddress | undefined {
  if (text.includes(':')) {
    const value = parseIpv6(text);
    if (value === undefined) return undefined;
    if (isIpv4Mapped(value) && !options.legacy) return undefined;
    return { family: 'IPv6', value };
  }
  const value = parseIpv4(text, options);
  return value === undefined ? undefined : { family: 'IPv4', value };
}

/** Parses an IPv4 or IPv6 address; throws {@link AddressParseError} with the reason. */
export function parseIp(text: string, options: IpParseOptions = {}): IpAddress {
  const address = tryParseIp(text, options);
  if (address !== undefined) return address;
  throw new AddressParseError(text, describeBadIp(text, options));
}

/** Formats an address canonically (dotted quad, or RFC 5952 for IPv6). */
export function formatIp(address: IpAddress): string {
  return address.family === 'IPv4' ? formatIpv4(address.value) : formatIpv6(address.value);
}

/** True when both addresses are of one family and equal. */
export function ipEquals(a: IpAddress, b: IpAddress): boolean {
  return a.family === b.family && a.value === b.value;
}

/** Orders addresses: all IPv4 before all IPv6, then numerically. */
export function compareIps(a: IpAddress, b: IpAddress): number {
  if (a.family !== b.family) return a.family === 'IPv4' ? -1 : 1;
  return a.value < b.value ? -1 : a.value > b.value ? 1 : 0;
}

/** The reason `text` is not an address, for error messages. */
export function describeBadIp(text: string, options: IpParseOptions = {}): string {
  if (text === '') return 'must not be empty';
  if (text.includes('%')) return 'must not have a zone identifier';
  if (text.includes(':')) {
    const value = parseIpv6(text);
    if (value !== undefined && !options.legacy) return 'must not be an IPv4-mapped IPv6 address';
    return 'must be a valid IP address (e.g. 10.9.8.7 or 2001:db8::ffff)';
  }
  if (parseIpv4(text, { legacy: true }) !== undefined) return 'must not have leading zeros';
  return 'must be a valid IP address (e.g. 10.9.8.7 or 2001:db8::ffff)';
}

/** True for an IPv4-mapped IPv6 address (`::ffff:a.b.c.d`). */
export function isIpv4Mapped(value: bigint): boolean {
  return value >> 32n === 0xffffn;
}
