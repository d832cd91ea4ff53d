import { formatIpv4, formatIpv6, tryParseIp, type IpAddress, type IpFamily } from '@knsim/api';

/**
 * The inclusive span `start..end` of one family's addresses that host-local walks round-robin,
 * with the gateway inside it skipped. Internal to the package: {@link HostLocalIpam} speaks in
 * address strings, and this is the one place that does arithmetic on address values (numbers for
 * IPv4, bigints for IPv6), so the walk is written once for both families.
 *
 * @example
 * ```ts
 * const ring = addressRing('IPv4', 0x0af40101, 0x0af401fe, 0x0af40101); // 10.244.1.1-10.244.1.254
 * ring.firstFree(null, () => false); // '10.244.1.2': .1 is the gateway
 * ring.firstFree('10.244.1.254', (ip) => ip === '10.244.1.2'); // '10.244.1.3' (wrapped)
 * ```
 */
export interface AddressRing {
  readonly family: IpFamily;
  /** First address of the span, canonical text. */
  readonly start: string;
  /** Last address of the span, canonical text. */
  readonly end: string;
  /** The gateway, canonical text; never handed out. */
  readonly gateway: string;
  /**
   * Number of addresses that can be handed out (the span minus the gateway). Exact up to 2^53;
   * above that (large IPv6 spans) an approximation that no allocation count can reach.
   */
  readonly capacity: number;
  /** True when `address` is of this family and within `start..end`. */
  includes(address: IpAddress): boolean;
  /** True when `address` is the gateway. */
  isGateway(address: IpAddress): boolean;
  /**
   * The first address not `isUsed`, walking as host-local's iterator does: from `last + 1` (or
   * from `start` when `last` is null or outside the span) to `end`, then from `start` back to
   * `last` inclusive, skipping the gateway. Undefined when every address is used.
   */
  firstFree(last: string | null, isUsed: (ip: string) => boolean): string | undefined;
}

/** The arithmetic the walk needs on one family's address values. */
interface Arithmetic<A extends number | bigint> {
  readonly family: IpFamily;
  readonly format: (value: A) => string;
  readonly successor: (value: A) => A;
  readonly span: (from: A, to: A) => number;
}

const IPV4: Arithmetic<number> = {
  family: 'IPv4',
  format: formatIpv4,
  successor: (value) => value + 1,
  span: (from, to) => to - from + 1,
};

const IPV6: Arithmetic<bigint> = {
  family: 'IPv6',
  format: formatIpv6,
  successor: (value) => value + 1n,
  span: (from, to) => Number(to - from + 1n),
};

class Ring<A extends number | bigint> implements AddressRing {
  readonly family: IpFamily;
  readonly start: string;
  readonly end: string;
  readonly gateway: string;
  readonly capacity: number;

  constructor(
    private readonly arithmetic: Arithmetic<A>,
    private readonly first: A,
    private readonly last: A,
    private readonly gatewayValue: A,
  ) {
    this.family = arithmetic.family;
    this.start = arithmetic.format(first);
    this.end = arithmetic.format(last);
    this.gateway = arithmetic.format(gatewayValue);
    const gatewayInside = gatewayValue >= first && gatewayValue <= last;
    this.capacity = arithmetic.span(first, last) - (gatewayInside ? 1 : 0);
  }

  includes(address: IpAddress): boolean {
    const value = this.#valueOf(address);
    return value !== undefined && value >= this.first && value <= this.last;
  }

  isGateway(address: IpAddress): boolean {
    return this.#valueOf(address) === this.gatewayValue;
  }

  firstFree(last: string | null, isUsed: (ip: string) => boolean): string | undefined {
    const { format, successor } = this.arithmetic;
    let cursor = this.first;
    if (last !== null) {
      const lastAddress = tryParseIp(last);
      const lastValue = lastAddress === undefined ? undefined : this.#valueOf(lastAddress);
      if (lastValue !== undefined && lastValue >= this.first && lastValue <= this.last) {
        cursor = lastValue === this.last ? this.first : successor(lastValue);
      }
    }
    // One lap at most; in practice the walk stops within a few steps of the cursor unless the
    // span is nearly full (the caller short-cuts the completely full case).
    const stop = cursor;
    do {
      if (cursor !== this.gatewayValue) {
        const text = format(cursor);
        if (!isUsed(text)) return text;
      }
      cursor = cursor === this.last ? this.first : successor(cursor);
    } while (cursor !== stop);
    return undefined;
  }

  #valueOf(address: IpAddress): A | undefined {
    // The family tag says which representation `value` has; A is that representation.
    return address.family === this.family ? (address.value as A) : undefined;
  }
}

/**
 * The span `start..end` with `gateway` skipped; the three values must be of `family`'s
 * representation (a number for IPv4, a bigint for IPv6), with `start <= end`.
 */
export function addressRing(family: 'IPv4', start: number, end: number, gateway: number): AddressRing;
export function addressRing(family: 'IPv6', start: bigint, end: bigint, gateway: bigint): AddressRing;
export function addressRing(
  family: IpFamily,
  start: number | bigint,
  end: number | bigint,
  gateway: number | bigint,
): AddressRing {
  return family === 'IPv4'
    ? new Ring(IPV4, Number(start), Number(end), Number(gateway))
    : new Ring(IPV6, BigInt(start), BigInt(end), BigInt(gateway));
}
