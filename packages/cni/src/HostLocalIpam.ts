import { PersistentMap } from '@knsim/core';
import { formatIp, parseCidr, parseIp, type Cidr } from '@knsim/api';
import { addressRing, type AddressRing } from './AddressRing.js';
import { IpamConfigError } from './IpamConfigError.js';

/**
 * What host-local keeps on disk for one node's network, as plain immutable data: the files
 * `/var/lib/cni/networks/<net>/<ip>` (here `ownerByIp`, with the reverse index `ipByOwner`) and
 * `last_reserved_ip.<rangeIndex>` (here `lastReserved`). It can live inside an immer state and
 * be rebuilt by replaying the same calls.
 */
export interface HostLocalIpamState {
  /** The podCIDR this state belongs to (canonical text), checked on every call. */
  readonly subnet: string;
  /** The last address reserved, by allocation or by request; null until the first one. */
  readonly lastReserved: string | null;
  /** Owner (pod key) of each reserved address. */
  readonly ownerByIp: PersistentMap<string>;
  /** Reserved address of each owner. */
  readonly ipByOwner: PersistentMap<string>;
}

/** Why an allocation failed. */
export type IpamFailureReason =
  /** Every address of the range is reserved. */
  | 'exhausted'
  /** The owner already holds an address in this range. */
  | 'duplicate'
  /** The requested address is the gateway. */
  | 'gateway'
  /** The requested address is reserved already. */
  | 'unavailable'
  /** The requested address is outside the range (or of the other family). */
  | 'notInRange';

/** An address reserved for an owner, and the state that records it. */
export interface IpamSuccess {
  readonly ok: true;
  readonly ip: string;
  readonly state: HostLocalIpamState;
}

/**
 * A refused allocation. `error` is the text the CNI ADD fails with (what the kubelet reports in
 * FailedCreatePodSandBox). Keep `state`: a refused request for an address outside the range still
 * moves `lastReserved`, as in the real plugin.
 */
export interface IpamFailure {
  readonly ok: false;
  readonly reason: IpamFailureReason;
  readonly error: string;
  readonly state: HostLocalIpamState;
}

/** The result of {@link HostLocalIpam.allocate} and {@link HostLocalIpam.allocateIp}. */
export type IpamResult = IpamSuccess | IpamFailure;

/** The result of {@link HostLocalIpam.release}: the address freed, if the owner held one. */
export interface IpamRelease {
  readonly ip: string | undefined;
  readonly state: HostLocalIpamState;
}

/** Options for {@link HostLocalIpam}. */
export interface HostLocalIpamOptions {
  /**
   * Position of this range set in the CNI config's `ranges` (0 for the first family, 1 for the
   * second in dual-stack); it appears in the error texts. Defaults to 0.
   */
  readonly rangeIndex?: number;
}

/**
 * The CNI host-local IPAM plugin on one node, for one range set made of the node's podCIDR with
 * the defaults every Kubernetes CNI config uses: gateway = network + 1, range = network + 1 to
 * the last address (minus the broadcast address for IPv4). The gateway is never handed out, so a
 * fresh range's first address is .2.
 *
 * Allocation is round-robin: the walk starts after `lastReserved` and wraps at the range end,
 * taking the first free address; releasing does not move `lastReserved`, so a freed address
 * comes back only after a wrap. Each allocation costs O(1) map operations plus the number of
 * reserved addresses skipped right after the cursor.
 *
 * The instance holds only configuration; all state is an immutable {@link HostLocalIpamState}
 * value passed in and returned. Dual-stack is two instances (one per family, `rangeIndex` 0
 * and 1) whose results the caller combines all-or-nothing, as `cmdAdd` does.
 *
 * @example
 * ```ts
 * const ipam = new HostLocalIpam('10.244.1.0/24');
 * const first = ipam.allocate(ipam.initialState(), 'default/web-0');
 * if (first.ok) first.ip; // '10.244.1.2'
 * // In an immer evolve: draft.ipam = draft.ipam.set(nodeName, first.state);
 * ```
 */
export class HostLocalIpam {
  /** The podCIDR (network address, prefix). */
  readonly subnet: Cidr;
  /** Position of the range set in `ranges`, as in "failed to allocate for range 0". */
  readonly rangeIndex: number;
  /** First address of the range (network + 1, the same address as the gateway). */
  readonly rangeStart: string;
  /** Last address of the range (the broadcast address minus one for IPv4). */
  readonly rangeEnd: string;
  /** The gateway address (network + 1); never handed out. */
  readonly gateway: string;
  /** The range set as host-local prints it: `<rangeStart>-<rangeEnd>`. */
  readonly rangeSet: string;
  /** How many addresses can be held at once (approximate above 2^53, for large IPv6 ranges). */
  readonly capacity: number;
  readonly #ring: AddressRing;
  readonly #subnetText: string;

  /**
   * @param podCidr the node's podCIDR; host bits are ignored, as when host-local reads its config.
   * @throws {@link IpamConfigError} with host-local's text when the subnet is smaller than a /30
   *   (IPv4) or a /126 (IPv6); `AddressParseError` when `podCidr` is not a CIDR.
   */
  constructor(podCidr: string | Cidr, options: HostLocalIpamOptions = {}) {
    this.subnet = typeof podCidr === 'string' ? parseCidr(podCidr, { allowHostBits: true }) : podCidr;
    this.rangeIndex = options.rangeIndex ?? 0;
    this.#subnetText = this.subnet.toString();
    const bits = this.subnet.family === 'IPv4' ? 32 : 128;
    // A /31 or /32 (/127, /128) has no address left once the network and gateway are taken.
    if (this.subnet.prefixLength > bits - 2) {
      throw new IpamConfigError(
        `invalid range set ${this.rangeIndex}: Network ${this.#subnetText} too small to allocate from`,
      );
    }
    const subnet = this.subnet;
    this.#ring =
      subnet.family === 'IPv4'
        ? addressRing('IPv4', subnet.first + 1, subnet.last - 1, subnet.first + 1)
        : addressRing('IPv6', subnet.first + 1n, subnet.last, subnet.first + 1n);
    this.rangeStart = this.#ring.start;
    this.rangeEnd = this.#ring.end;
    this.gateway = this.#ring.gateway;
    this.rangeSet = `${this.rangeStart}-${this.rangeEnd}`;
    this.capacity = this.#ring.capacity;
  }

  /** The state of a node whose range has never been used. */
  initialState(): HostLocalIpamState {
    return {
      subnet: this.#subnetText,
      lastReserved: null,
      ownerByIp: PersistentMap.empty<string>(),
      ipByOwner: PersistentMap.empty<string>(),
    };
  }

  /**
   * Reserves the next free address for `owner` (CNI ADD without a requested IP). Fails when the
   * owner already holds an address here, or when the range is full.
   */
  allocate(state: HostLocalIpamState, owner: string): IpamResult {
    this.#check(state);
    const held = state.ipByOwner.get(owner);
    if (held !== undefined) {
      return this.#fail(
        state,
        'duplicate',
        `${held} has been allocated to ${owner}, duplicate allocation is not allowed`,
      );
    }
    // A full range would otherwise cost a whole lap of the walk on every retry. (Lookups use
    // `get`, not `has`: no value is ever undefined, and `has` scans the map for an absent key.)
    const ip =
      state.ownerByIp.size >= this.capacity
        ? undefined
        : this.#ring.firstFree(
            state.lastReserved,
            (candidate) => state.ownerByIp.get(candidate) !== undefined,
          );
    if (ip === undefined) {
      return this.#fail(state, 'exhausted', `no IP addresses available in range set: ${this.rangeSet}`);
    }
    return { ok: true, ip, state: this.#reserve(state, owner, ip) };
  }

  /**
   * Reserves the address `ip` for `owner` (CNI ADD with a requested IP, e.g. a pod whose manifest
   * carries `status.podIP` from a live cluster), and makes it `lastReserved` as the real store
   * does. Refused when it is the gateway, already reserved, or when the owner already holds an
   * address. An address outside the range is refused the way `cmdAdd` refuses it: the range set
   * does not claim the request, so an ordinary allocation runs (moving `lastReserved`) and is
   * released again before the "failed to allocate all requested IPs" error.
   *
   * @throws `AddressParseError` when `ip` is not an IP address.
   */
  allocateIp(state: HostLocalIpamState, owner: string, ip: string): IpamResult {
    this.#check(state);
    const address = parseIp(ip);
    const canonical = formatIp(address);
    if (!this.#ring.includes(address)) {
      const attempt = this.allocate(state, owner);
      if (!attempt.ok) return attempt;
      return {
        ok: false,
        reason: 'notInRange',
        error: `failed to allocate all requested IPs: ${canonical}`,
        state: this.release(attempt.state, owner).state,
      };
    }
    if (this.#ring.isGateway(address)) {
      return this.#fail(state, 'gateway', `requested ip ${canonical} is subnet's gateway`);
    }
    if (state.ownerByIp.get(canonical) !== undefined) {
      return this.#fail(
        state,
        'unavailable',
        `requested IP address ${canonical} is not available in range set ${this.rangeSet}`,
      );
    }
    // The real plugin only checks duplicates on the path without a requested IP (it would give
    // the container a second address); here an owner holds at most one address per range.
    const held = state.ipByOwner.get(owner);
    if (held !== undefined) {
      return this.#fail(
        state,
        'duplicate',
        `${held} has been allocated to ${owner}, duplicate allocation is not allowed`,
      );
    }
    return { ok: true, ip: canonical, state: this.#reserve(state, owner, canonical) };
  }

  /**
   * Frees the address `owner` holds (CNI DEL); a no-op when it holds none. `lastReserved` stays
   * where it is, so the address is handed out again only after the walk wraps.
   */
  release(state: HostLocalIpamState, owner: string): IpamRelease {
    this.#check(state);
    const ip = state.ipByOwner.get(owner);
    if (ip === undefined) return { ip: undefined, state };
    return {
      ip,
      state: {
        subnet: state.subnet,
        lastReserved: state.lastReserved,
        ownerByIp: state.ownerByIp.delete(ip),
        ipByOwner: state.ipByOwner.delete(owner),
      },
    };
  }

  /** The address `owner` holds, if any. */
  ipOf(state: HostLocalIpamState, owner: string): string | undefined {
    this.#check(state);
    return state.ipByOwner.get(owner);
  }

  /** The owner holding `ip` (any spelling of the address), if any. */
  ownerOf(state: HostLocalIpamState, ip: string): string | undefined {
    this.#check(state);
    return state.ownerByIp.get(formatIp(parseIp(ip)));
  }

  /** True when `ip` is inside the range (`rangeStart..rangeEnd`; the gateway included). */
  contains(ip: string): boolean {
    return this.#ring.includes(parseIp(ip));
  }

  #reserve(state: HostLocalIpamState, owner: string, ip: string): HostLocalIpamState {
    return {
      subnet: state.subnet,
      lastReserved: ip,
      ownerByIp: state.ownerByIp.set(ip, owner),
      ipByOwner: state.ipByOwner.set(owner, ip),
    };
  }

  #fail(state: HostLocalIpamState, reason: IpamFailureReason, message: string): IpamFailure {
    // cmdAdd wraps every error of the allocator with the index of the range set.
    return { ok: false, reason, error: `failed to allocate for range ${this.rangeIndex}: ${message}`, state };
  }

  #check(state: HostLocalIpamState): void {
    if (state.subnet !== this.#subnetText) {
      throw new Error(`host-local state of ${state.subnet} used with the range of ${this.#subnetText}`);
    }
  }
}
