import {
  AddressParseError,
  describeBadIp,
  formatIpv4,
  formatIpv6,
  IPV6_MAX,
  tryParseIp,
  type IpAddress,
  type IpParseOptions,
} from './ipAddress.js';

/** Options for reading a CIDR. */
export interface CidrParseOptions extends IpParseOptions {
  /**
   * Accept an address with bits set beyond the prefix ("interface address" form such as
   * `10.0.0.5/24`) and use its network. The API server accepts this in legacy fields such as
   * NetworkPolicy `ipBlock.cidr` and `loadBalancerSourceRanges` (with a warning).
   */
  readonly allowHostBits?: boolean;
}

function ipv4Mask(prefixLength: number): number {
  return prefixLength === 0 ? 0 : (0xffff_ffff << (32 - prefixLength)) >>> 0;
}

function ipv6Mask(prefixLength: number): bigint {
  return IPV6_MAX ^ ((1n << BigInt(128 - prefixLength)) - 1n);
}

/**
 * An IPv4 block: `network` (host bits clear) and `prefixLength`. Addresses are unsigned 32-bit
 * integers, so containment and indexing are a subtraction and a comparison.
 */
export class Ipv4Cidr {
  readonly family = 'IPv4' as const;
  /** Number of addresses in the block (2^(32 - prefixLength)). */
  readonly size: number;

  constructor(
    readonly network: number,
    readonly prefixLength: number,
  ) {
    if (!Number.isInteger(prefixLength) || prefixLength < 0 || prefixLength > 32) {
      throw new RangeError(`IPv4 prefix length ${prefixLength} is not within 0-32`);
    }
    if (!Number.isInteger(network) || network < 0 || network >= 2 ** 32) {
      throw new RangeError(`${network} is not an IPv4 address value`);
    }
    if ((network & ~ipv4Mask(prefixLength)) !== 0) {
      throw new RangeError(`${formatIpv4(network)}/${prefixLength} has bits set beyond the prefix`);
    }
    this.size = 2 ** (32 - prefixLength);
  }

  /** The lowest address (the network address). */
  get first(): number {
    return this.network;
  }

  /** The highest address (the broadcast address for prefixes shorter than /31). */
  get last(): number {
    return this.network + this.size - 1;
  }

  /** True when `address` is inside the block. */
  contains(address: number): boolean {
    const offset = address - this.network;
    return offset >= 0 && offset < this.size;
  }

  /** True when `other` lies wholly inside this block. */
  containsCidr(other: Ipv4Cidr): boolean {
    return other.prefixLength >= this.prefixLength && this.contains(other.network);
  }

  /** True when the two blocks share at least one address. */
  overlaps(other: Ipv4Cidr): boolean {
    return this.contains(other.network) || other.contains(this.network);
  }

  /** The address at `index` (0 = network address); a negative index counts from the end. */
  nth(index: number): number {
    const offset = index < 0 ? this.size + index : index;
    if (!Number.isInteger(offset) || offset < 0 || offset >= this.size) {
      throw new RangeError(`index ${index} is outside ${this.toString()} (${this.size} addresses)`);
    }
    return this.network + offset;
  }

  /** The index of `address` in the block, or -1 when it is outside. */
  indexOf(address: number): number {
    return this.contains(address) ? address - this.network : -1;
  }

  /** How many blocks of `prefixLength` this block splits into. */
  subnetCount(prefixLength: number): number {
    this.#checkSubnetPrefix(prefixLength);
    return 2 ** (prefixLength - this.prefixLength);
  }

  /** The `index`-th block of `prefixLength` inside this block (e.g. a node's podCIDR). */
  subnet(prefixLength: number, index: number): Ipv4Cidr {
    const count = this.subnetCount(prefixLength);
    if (!Number.isInteger(index) || index < 0 || index >= count) {
      throw new RangeError(`subnet index ${index} is outside 0-${count - 1} for /${prefixLength}`);
    }
    return new Ipv4Cidr(this.network + index * 2 ** (32 - prefixLength), prefixLength);
  }

  /** Addresses from index `from` (inclusive) to `to` (exclusive), in order. */
  *addresses(from = 0, to = this.size): IterableIterator<number> {
    const end = Math.min(to, this.size);
    for (let offset = Math.max(0, from); offset < end; offset++) yield this.network + offset;
  }

  /** Canonical text, e.g. `10.244.0.0/16`. */
  toString(): string {
    return `${formatIpv4(this.network)}/${this.prefixLength}`;
  }

  #checkSubnetPrefix(prefixLength: number): void {
    if (!Number.isInteger(prefixLength) || prefixLength < this.prefixLength || prefixLength > 32) {
      throw new RangeError(`subnet prefix /${prefixLength} must be within /${this.prefixLength}-/32`);
    }
  }
}

/** An IPv6 block; addresses are 128-bit bigints. */
export class Ipv6Cidr {
  readonly family = 'IPv6' as const;
  /** Number of addresses in the block (2^(128 - prefixLength)). */
  readonly size: bigint;

  constructor(
    readonly network: bigint,
    readonly prefixLength: number,
  ) {
    if (!Number.isInteger(prefixLength) || prefixLength < 0 || prefixLength > 128) {
      throw new RangeError(`IPv6 prefix length ${prefixLength} is not within 0-128`);
    }
    if (network < 0n || network > IPV6_MAX) throw new RangeError(`${network} is not an IPv6 address value`);
    if ((network & ~ipv6Mask(prefixLength)) !== 0n) {
      throw new RangeError(`${formatIpv6(network)}/${prefixLength} has bits set beyond the prefix`);
    }
    this.size = 1n << BigInt(128 - prefixLength);
  }

  /** The lowest address. */
  get first(): bigint {
    return this.network;
  }

  /** The highest address. */
  get last(): bigint {
    return this.network + this.size - 1n;
  }

  /** True when `address` is inside the block. */
  contains(address: bigint): boolean {
    const offset = address - this.network;
    return offset >= 0n && offset < this.size;
  }

  /** True when `other` lies wholly inside this block. */
  containsCidr(other: Ipv6Cidr): boolean {
    return other.prefixLength >= this.prefixLength && this.contains(other.network);
  }

  /** True when the two blocks share at least one address. */
  overlaps(other: Ipv6Cidr): boolean {
    return this.contains(other.network) || other.contains(this.network);
  }

  /** The address at `index` (0 = network address); a negative index counts from the end. */
  nth(index: bigint): bigint {
    const offset = index < 0n ? this.size + index : index;
    if (offset < 0n || offset >= this.size) {
      throw new RangeError(`index ${index} is outside ${this.toString()} (${this.size} addresses)`);
    }
    return this.network + offset;
  }

  /** The index of `address` in the block, or -1n when it is outside. */
  indexOf(address: bigint): bigint {
    return this.contains(address) ? address - this.network : -1n;
  }

  /** How many blocks of `prefixLength` this block splits into. */
  subnetCount(prefixLength: number): bigint {
    this.#checkSubnetPrefix(prefixLength);
    return 1n << BigInt(prefixLength - this.prefixLength);
  }

  /** The `index`-th block of `prefixLength` inside this block (e.g. a node's /64). */
  subnet(prefixLength: number, index: bigint): Ipv6Cidr {
    const count = this.subnetCount(prefixLength);
    if (index < 0n || index >= count) {
      throw new RangeError(`subnet index ${index} is outside 0-${count - 1n} for /${prefixLength}`);
    }
    return new Ipv6Cidr(this.network + (index << BigInt(128 - prefixLength)), prefixLength);
  }

  /** Addresses from index `from` (inclusive) to `to` (exclusive), in order. */
  *addresses(from = 0n, to = this.size): IterableIterator<bigint> {
    const end = to < this.size ? to : this.size;
    for (let offset = from > 0n ? from : 0n; offset < end; offset++) yield this.network + offset;
  }

  /** Canonical text (RFC 5952), e.g. `fd00:10:244::/56`. */
  toString(): string {
    return `${formatIpv6(this.network)}/${this.prefixLength}`;
  }

  #checkSubnetPrefix(prefixLength: number): void {
    if (!Number.isInteger(prefixLength) || prefixLength < this.prefixLength || prefixLength > 128) {
      throw new RangeError(`subnet prefix /${prefixLength} must be within /${this.prefixLength}-/128`);
    }
  }
}

/** An IPv4 or IPv6 block. */
export type Cidr = Ipv4Cidr | Ipv6Cidr;

/** True when `address` is of the block's family and inside it. */
export function cidrContains(cidr: Cidr, address: IpAddress): boolean {
  return cidr.family === 'IPv4'
    ? address.family === 'IPv4' && cidr.contains(address.value)
    : address.family === 'IPv6' && cidr.contains(address.value);
}

/** True when `inner` is of the same family and wholly inside `outer`. */
export function cidrContainsCidr(outer: Cidr, inner: Cidr): boolean {
  return outer.family === 'IPv4'
    ? inner.family === 'IPv4' && outer.containsCidr(inner)
    : inner.family === 'IPv6' && outer.containsCidr(inner);
}

/** Splits `a.b.c.d/n` into its address, prefix length and the reason it is malformed, if it is. */
function readCidr(
  text: string,
  options: CidrParseOptions,
): { cidr: Cidr; address: IpAddress } | { problem: string } {
  const slash = text.indexOf('/');
  if (slash < 0)
    return { problem: 'must be a CIDR with a prefix length (e.g. 10.9.8.0/24 or 2001:db8::/64)' };
  const addressText = text.slice(0, slash);
  const prefixText = text.slice(slash + 1);
  const address = tryParseIp(addressText, options);
  if (address === undefined) return { problem: describeBadIp(addressText, options) };
  const maxPrefix = address.family === 'IPv4' ? 32 : 128;
  if (!/^[0-9]{1,3}$/.test(prefixText) || Number(prefixText) > maxPrefix) {
    return { problem: `prefix length must be a number within 0-${maxPrefix}` };
  }
  if (prefixText.length > 1 && prefixText.startsWith('0') && !options.legacy) {
    return { problem: 'prefix length must not have leading zeros' };
  }
  const prefixLength = Number(prefixText);
  if (address.family === 'IPv4') {
    const network = (address.value & ipv4Mask(prefixLength)) >>> 0;
    if (network !== address.value && !options.allowHostBits) {
      return {
        problem: `must not have bits set beyond the prefix length (use ${formatIpv4(network)}/${prefixLength})`,
      };
    }
    return { cidr: new Ipv4Cidr(network, prefixLength), address };
  }
  const network = address.value & ipv6Mask(prefixLength);
  if (network !== address.value && !options.allowHostBits) {
    return {
      problem: `must not have bits set beyond the prefix length (use ${formatIpv6(network)}/${prefixLength})`,
    };
  }
  return { cidr: new Ipv6Cidr(network, prefixLength), address };
}

/** Parses a CIDR, or returns undefined when it is malformed. */
export function tryParseCidr(text: string, options: CidrParseOptions = {}): Cidr | undefined {
  const result = readCidr(text, options);
  return 'cidr' in result ? result.cidr : undefined;
}

/** Parses a CIDR such as `10.244.0.0/16`; throws {@link AddressParseError} with the reason. */
export function parseCidr(text: string, options: CidrParseOptions = {}): Cidr {
  const result = readCidr(text, options);
  if ('cidr' in result) return result.cidr;
  throw new AddressParseError(text, result.problem);
}

/** The reason `text` is not an acceptable CIDR under `options`, or undefined when it is. */
export function describeBadCidr(text: string, options: CidrParseOptions = {}): string | undefined {
  const result = readCidr(text, options);
  return 'problem' in result ? result.problem : undefined;
}

/** Parses an IPv4 CIDR straight to an {@link Ipv4Cidr}; throws when it is not one. */
export function parseIpv4Cidr(text: string): Ipv4Cidr {
  const cidr = parseCidr(text);
  if (cidr.family !== 'IPv4') throw new AddressParseError(text, 'must be an IPv4 CIDR');
  return cidr;
}

/** Parses an IPv6 CIDR straight to an {@link Ipv6Cidr}; throws when it is not one. */
export function parseIpv6Cidr(text: string): Ipv6Cidr {
  const cidr = parseCidr(text);
  if (cidr.family !== 'IPv6') throw new AddressParseError(text, 'must be an IPv6 CIDR');
  return cidr;
}
