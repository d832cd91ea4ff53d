import {
  cidrContains,
  tryParseCidr,
  type Cidr,
  type IpAddress,
  type IpBlock,
  type IpFamily,
} from '@knsim/api';

/** An inclusive range of addresses of one family (IPv4 values widened to bigint). */
export interface AddressRange {
  readonly family: IpFamily;
  readonly first: bigint;
  readonly last: bigint;
}

/** An `ipBlock` ready to test addresses against. */
export interface CompiledIpBlock {
  /** `cidr` or `cidr except a, b` as written. */
  readonly text: string;
  /** The family of `cidr`; undefined when `cidr` is malformed (the block then matches nothing). */
  readonly family: IpFamily | undefined;
  /** True when `address` is in `cidr` and in none of `except`. */
  contains(address: IpAddress): boolean;
  /** The block as disjoint, sorted, non-adjacent address ranges (`cidr` minus every `except`). */
  ranges(): readonly AddressRange[];
}

// Go's net.ParseCIDR, which the API server validates with, masks host bits rather than failing.
const CIDR_OPTIONS = { legacy: true, allowHostBits: true } as const;

function bounds(cidr: Cidr): { first: bigint; last: bigint } {
  return { first: BigInt(cidr.first), last: BigInt(cidr.last) };
}

/** Compiles an `ipBlock`; malformed CIDRs never match (loaded policies have none). */
export function compileIpBlock(block: IpBlock): CompiledIpBlock {
  const cidr = tryParseCidr(block.cidr, CIDR_OPTIONS);
  const except = (block.except ?? [])
    .map((text) => tryParseCidr(text, CIDR_OPTIONS))
    .filter((entry): entry is Cidr => entry !== undefined && entry.family === cidr?.family);
  const text =
    block.except === undefined || block.except.length === 0
      ? block.cidr
      : `${block.cidr} except ${block.except.join(', ')}`;
  return {
    text,
    family: cidr?.family,
    contains(address) {
      if (cidr === undefined || !cidrContains(cidr, address)) return false;
      for (const hole of except) if (cidrContains(hole, address)) return false;
      return true;
    },
    ranges() {
      if (cidr === undefined) return [];
      const holes = except.map(bounds).sort((a, b) => (a.first < b.first ? -1 : a.first > b.first ? 1 : 0));
      const family = cidr.family;
      const result: AddressRange[] = [];
      let { first: next } = bounds(cidr);
      const { last } = bounds(cidr);
      for (const hole of holes) {
        if (hole.last < next) continue;
        if (hole.first > last) break;
        if (hole.first > next) result.push({ family, first: next, last: hole.first - 1n });
        next = hole.last + 1n;
      }
      if (next <= last) result.push({ family, first: next, last });
      return result;
    },
  };
}
