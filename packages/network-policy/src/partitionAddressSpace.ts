import { formatIpv4, formatIpv6, IPV4_SPACE, IPV6_MAX, type IpFamily } from '@knsim/api';
import type { AddressRange } from './compileIpBlock.js';

const SPACE_LAST: Readonly<Record<IpFamily, bigint>> = {
  IPv4: BigInt(IPV4_SPACE) - 1n,
  IPv6: IPV6_MAX,
};

/**
 * Splits a family's whole address space into consecutive ranges, cutting at the start and
 * just past the end of every given range, so that each piece lies wholly inside or wholly
 * outside each of them: one address stands for its whole piece when policies are evaluated.
 */
export function partitionAddressSpace(ranges: readonly AddressRange[], family: IpFamily): AddressRange[] {
  const last = SPACE_LAST[family];
  const cuts = new Set<bigint>([0n]);
  for (const range of ranges) {
    if (range.family !== family) continue;
    cuts.add(range.first);
    if (range.last < last) cuts.add(range.last + 1n);
  }
  const starts = [...cuts].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return starts.map((first, index) => {
    const next = starts[index + 1];
    return { family, first, last: next === undefined ? last : next - 1n };
  });
}

/** An address value (IPv4 widened to bigint) in dotted-quad or RFC 5952 form. */
export function formatAddress(family: IpFamily, value: bigint): string {
  return family === 'IPv4' ? formatIpv4(Number(value)) : formatIpv6(value);
}

/** `first-last`, as netpol-analyzer names external ranges. */
export function formatAddressRange(range: AddressRange): string {
  return `${formatAddress(range.family, range.first)}-${formatAddress(range.family, range.last)}`;
}
