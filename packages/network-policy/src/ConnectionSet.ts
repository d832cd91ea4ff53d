import type { Protocol } from '@knsim/api';

/** The lowest port number a connection can use. */
export const MIN_PORT = 1;
/** The highest port number a connection can use. */
export const MAX_PORT = 65535;

/** An inclusive range of port numbers. */
export interface PortRange {
  readonly from: number;
  readonly to: number;
}

/** The protocols NetworkPolicy ports name, in the order connection sets list them. */
export const POLICY_PROTOCOLS: readonly Protocol[] = ['SCTP', 'TCP', 'UDP'];

type Ranges = Readonly<Record<Protocol, readonly PortRange[]>>;

const NO_RANGES: readonly PortRange[] = [];
const FULL_RANGE: readonly PortRange[] = [{ from: MIN_PORT, to: MAX_PORT }];

/** Sorted, disjoint, non-adjacent ranges: the canonical form every operation returns. */
function normalize(ranges: readonly PortRange[]): readonly PortRange[] {
  const clipped = ranges
    .map(({ from, to }) => ({ from: Math.max(MIN_PORT, from), to: Math.min(MAX_PORT, to) }))
    .filter(({ from, to }) => from <= to)
    .sort((a, b) => a.from - b.from || a.to - b.to);
  const merged: PortRange[] = [];
  for (const range of clipped) {
    const last = merged[merged.length - 1];
    if (last !== undefined && range.from <= last.to + 1) {
      if (range.to > last.to) merged[merged.length - 1] = { from: last.from, to: range.to };
    } else {
      merged.push(range);
    }
  }
  return merged.length === 0 ? NO_RANGES : merged;
}

function intersectRanges(a: readonly PortRange[], b: readonly PortRange[]): readonly PortRange[] {
  const result: PortRange[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    const left = a[i] as PortRange;
    const right = b[j] as PortRange;
    const from = Math.max(left.from, right.from);
    const to = Math.min(left.to, right.to);
    if (from <= to) result.push({ from, to });
    if (left.to < right.to) i++;
    else j++;
  }
  return result.length === 0 ? NO_RANGES : result;
}

function formatRange({ from, to }: PortRange): string {
  return from === to ? String(from) : `${from}-${to}`;
}

/**
 * An immutable set of (protocol, port) pairs over TCP, UDP and SCTP ports 1-65535: what a
 * NetworkPolicy rule admits, or what is allowed between two endpoints.
 */
export class ConnectionSet {
  static readonly EMPTY = new ConnectionSet({ TCP: NO_RANGES, UDP: NO_RANGES, SCTP: NO_RANGES });
  static readonly ALL = new ConnectionSet({ TCP: FULL_RANGE, UDP: FULL_RANGE, SCTP: FULL_RANGE });

  private constructor(private readonly ranges: Ranges) {}

  /** Every port of `protocol`. */
  static allPortsOf(protocol: Protocol): ConnectionSet {
    return ConnectionSet.EMPTY.with(protocol, FULL_RANGE);
  }

  /** Ports `from` to `to` (inclusive) of `protocol`; empty when the range is. */
  static ports(protocol: Protocol, from: number, to: number = from): ConnectionSet {
    return ConnectionSet.EMPTY.with(protocol, [{ from, to }]);
  }

  private with(protocol: Protocol, ranges: readonly PortRange[]): ConnectionSet {
    return new ConnectionSet({ ...this.ranges, [protocol]: normalize(ranges) });
  }

  /** The ranges of one protocol, sorted and disjoint. */
  rangesOf(protocol: Protocol): readonly PortRange[] {
    return this.ranges[protocol];
  }

  /** True when no connection is in the set. */
  get isEmpty(): boolean {
    return POLICY_PROTOCOLS.every((protocol) => this.ranges[protocol].length === 0);
  }

  /** True when every port of every protocol is in the set. */
  get isAll(): boolean {
    return POLICY_PROTOCOLS.every((protocol) => {
      const [only, ...rest] = this.ranges[protocol];
      return only !== undefined && rest.length === 0 && only.from === MIN_PORT && only.to === MAX_PORT;
    });
  }

  /** True when `port` of `protocol` is in the set. */
  contains(protocol: Protocol, port: number): boolean {
    return this.ranges[protocol].some(({ from, to }) => port >= from && port <= to);
  }

  /** The connections in either set. */
  union(other: ConnectionSet): ConnectionSet {
    if (other.isEmpty || this.isAll) return this;
    if (this.isEmpty || other.isAll) return other;
    return new ConnectionSet({
      TCP: normalize([...this.ranges.TCP, ...other.ranges.TCP]),
      UDP: normalize([...this.ranges.UDP, ...other.ranges.UDP]),
      SCTP: normalize([...this.ranges.SCTP, ...other.ranges.SCTP]),
    });
  }

  /** The connections in both sets. */
  intersect(other: ConnectionSet): ConnectionSet {
    if (this.isEmpty || other.isAll) return this;
    if (other.isEmpty || this.isAll) return other;
    return new ConnectionSet({
      TCP: intersectRanges(this.ranges.TCP, other.ranges.TCP),
      UDP: intersectRanges(this.ranges.UDP, other.ranges.UDP),
      SCTP: intersectRanges(this.ranges.SCTP, other.ranges.SCTP),
    });
  }

  /** True when both sets hold the same connections. */
  equals(other: ConnectionSet): boolean {
    return this.toString() === other.toString();
  }

  /**
   * The text netpol-analyzer prints: `All Connections`, `No Connections`, or per protocol
   * `PROTO ranges` (ranges `a` or `a-b`, comma-separated), the protocol parts sorted as strings
   * and joined by commas, e.g. `TCP 8080,9090,UDP 53`.
   */
  toString(): string {
    if (this.isAll) return 'All Connections';
    if (this.isEmpty) return 'No Connections';
    return POLICY_PROTOCOLS.filter((protocol) => this.ranges[protocol].length > 0)
      .map((protocol) => `${protocol} ${this.ranges[protocol].map(formatRange).join(',')}`)
      .join(',');
  }
}
