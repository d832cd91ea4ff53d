import { PersistentMap } from '@knsim/core';
import { describeBadCidr, parseCidr, tryParseCidr, type Cidr } from '@knsim/api';
import { IpamConfigError } from './IpamConfigError.js';

/** kube-controller-manager's `ErrCIDRRangeNoCIDRsRemaining`. */
export const NO_REMAINING_CIDRS_ERROR =
  'CIDR allocation failed; there are no remaining CIDRs left to allocate in the accepted range';

/**
 * The allocator's bitmap and cursor as plain immutable data, so it can live inside an immer
 * state and be rebuilt by replaying the same calls.
 */
export interface NodeCidrAllocatorState {
  /** The cluster CIDR this state belongs to (canonical text), checked on every call. */
  readonly clusterCidr: string;
  /** The node mask size this state belongs to, checked on every call. */
  readonly nodeMaskSize: number;
  /** Index of the block `allocateNext` tries first (cidrset's `nextCandidate`). */
  readonly nextCandidate: number;
  /**
   * The allocated blocks, keyed by index in decimal (block i = cluster network + i blocks). Read
   * with `get` (`has` on PersistentMap scans the whole map when the key is absent).
   */
  readonly used: PersistentMap<true>;
}

/** Why a node CIDR operation failed. */
export type NodeCidrFailureReason =
  /** Every block of the cluster CIDR is allocated. */
  | 'exhausted'
  /** The text is not a CIDR. */
  | 'invalid'
  /** The CIDR does not overlap the cluster CIDR (or is of the other family). */
  | 'outOfRange'
  /** The CIDR overlaps the cluster CIDR but is not one block of the node mask size. */
  | 'wrongSize'
  /** The block is allocated already. */
  | 'taken';

/** A block allocated, occupied or released, and the new state. */
export interface NodeCidrSuccess {
  readonly ok: true;
  /** The block, canonical text (e.g. `10.244.3.0/24`). */
  readonly cidr: string;
  readonly state: NodeCidrAllocatorState;
}

/** A refused operation; `state` is the input state, unchanged. */
export interface NodeCidrFailure {
  readonly ok: false;
  readonly reason: NodeCidrFailureReason;
  readonly error: string;
  readonly state: NodeCidrAllocatorState;
}

/** The result of the operations of {@link NodeCidrAllocator}. */
export type NodeCidrResult = NodeCidrSuccess | NodeCidrFailure;

/** Options for {@link NodeCidrAllocator}. */
export interface NodeCidrAllocatorOptions {
  /** Prefix length of each node's podCIDR (`--node-cidr-mask-size-ipv4/-ipv6`): 24 / 64 by default. */
  readonly nodeMaskSize?: number;
}

/** The largest number of blocks kube-controller-manager splits an IPv6 cluster CIDR into (2^16). */
const IPV6_MAX_MASK_DIFFERENCE = 16;

/**
 * kube-controller-manager's range allocator (`cidrset`) for one cluster CIDR: the cluster CIDR is
 * split into blocks of the node mask size, block i at `network + i * blockSize`, and block 0
 * (e.g. 10.244.0.0/24) is handed out first.
 *
 * `allocateNext` takes the first free block at or after the cursor, wrapping, and moves the cursor
 * past it: round-robin, so a released block is reused only after the cursor wraps. `occupy`
 * marks a block already assigned (a node whose manifest has `spec.podCIDR`) without moving the
 * cursor. Each call costs O(log n) map operations plus the number of allocated blocks skipped
 * right after the cursor.
 *
 * The instance holds only configuration; all state is an immutable
 * {@link NodeCidrAllocatorState} value passed in and returned. The allocator is family-agnostic:
 * dual-stack is two allocators, one per cluster CIDR.
 *
 * @example
 * ```ts
 * const allocator = new NodeCidrAllocator('10.244.0.0/16');
 * const first = allocator.allocateNext(allocator.initialState());
 * if (first.ok) first.cidr; // '10.244.0.0/24'; the next call gives 10.244.1.0/24
 * ```
 */
export class NodeCidrAllocator {
  /** The cluster CIDR (`--cluster-cidr`). */
  readonly clusterCidr: Cidr;
  /** Prefix length of each node's block. */
  readonly nodeMaskSize: number;
  /** Number of blocks: 2^(nodeMaskSize - cluster prefix length). */
  readonly maxCidrs: number;
  readonly #clusterText: string;

  /**
   * @param clusterCidr the cluster CIDR; host bits are ignored, as kube-controller-manager does.
   * @throws {@link IpamConfigError} with kube-controller-manager's text when the node mask is
   *   shorter than the cluster prefix, or (IPv6) more than 16 bits longer; `AddressParseError`
   *   when `clusterCidr` is not a CIDR.
   */
  constructor(clusterCidr: string | Cidr, options: NodeCidrAllocatorOptions = {}) {
    this.clusterCidr =
      typeof clusterCidr === 'string' ? parseCidr(clusterCidr, { allowHostBits: true }) : clusterCidr;
    this.#clusterText = this.clusterCidr.toString();
    const bits = this.clusterCidr.family === 'IPv4' ? 32 : 128;
    const nodeMaskSize = options.nodeMaskSize ?? (this.clusterCidr.family === 'IPv4' ? 24 : 64);
    if (!Number.isInteger(nodeMaskSize) || nodeMaskSize < 0 || nodeMaskSize > bits) {
      throw new IpamConfigError(`node CIDR mask size ${nodeMaskSize} is not within 0-${bits}`);
    }
    const difference = nodeMaskSize - this.clusterCidr.prefixLength;
    if (difference < 0) {
      throw new IpamConfigError(
        'Controller: Invalid --cluster-cidr, mask size of cluster CIDR must be less than or equal to --node-cidr-mask-size configured for CIDR family',
      );
    }
    // cidrset keeps an uncompressed bitmap, so it caps IPv6 at 2^16 blocks.
    if (this.clusterCidr.family === 'IPv6' && difference > IPV6_MAX_MASK_DIFFERENCE) {
      throw new IpamConfigError('New CIDR set failed; the node CIDR size is too big');
    }
    this.nodeMaskSize = nodeMaskSize;
    this.maxCidrs = 2 ** difference;
  }

  /** The state of a controller that has allocated nothing (cursor at block 0). */
  initialState(): NodeCidrAllocatorState {
    return {
      clusterCidr: this.#clusterText,
      nodeMaskSize: this.nodeMaskSize,
      nextCandidate: 0,
      used: PersistentMap.empty<true>(),
    };
  }

  /** Allocates the first free block at or after the cursor (wrapping) and moves the cursor past it. */
  allocateNext(state: NodeCidrAllocatorState): NodeCidrResult {
    this.#check(state);
    if (state.used.size >= this.maxCidrs) {
      return { ok: false, reason: 'exhausted', error: NO_REMAINING_CIDRS_ERROR, state };
    }
    let candidate = state.nextCandidate;
    while (state.used.get(String(candidate)) !== undefined) candidate = (candidate + 1) % this.maxCidrs;
    return {
      ok: true,
      cidr: this.cidrAt(candidate),
      state: {
        clusterCidr: state.clusterCidr,
        nodeMaskSize: state.nodeMaskSize,
        nextCandidate: (candidate + 1) % this.maxCidrs,
        used: state.used.set(String(candidate), true),
      },
    };
  }

  /**
   * Marks `cidr` as allocated without moving the cursor, for a node that already has a podCIDR.
   * Unlike cidrset's `Occupy` (which accepts any overlapping CIDR and succeeds when the block is
   * taken), this refuses anything but one free block of the node mask size, so two nodes claiming
   * one block surface as an error; a caller wanting the lenient behaviour can ignore `'taken'`.
   */
  occupy(state: NodeCidrAllocatorState, cidr: string | Cidr): NodeCidrResult {
    this.#check(state);
    const block = this.#block(state, cidr);
    if (!block.ok) return block;
    if (state.used.get(String(block.index)) !== undefined) {
      return { ok: false, reason: 'taken', error: `cidr ${block.cidr} is already allocated`, state };
    }
    return {
      ok: true,
      cidr: block.cidr,
      state: {
        clusterCidr: state.clusterCidr,
        nodeMaskSize: state.nodeMaskSize,
        nextCandidate: state.nextCandidate,
        used: state.used.set(String(block.index), true),
      },
    };
  }

  /** Frees the block `cidr` (a node was deleted); the cursor stays. A free block is a no-op. */
  release(state: NodeCidrAllocatorState, cidr: string | Cidr): NodeCidrResult {
    this.#check(state);
    const block = this.#block(state, cidr);
    if (!block.ok) return block;
    const used = state.used.delete(String(block.index));
    if (used === state.used) return { ok: true, cidr: block.cidr, state };
    return {
      ok: true,
      cidr: block.cidr,
      state: {
        clusterCidr: state.clusterCidr,
        nodeMaskSize: state.nodeMaskSize,
        nextCandidate: state.nextCandidate,
        used,
      },
    };
  }

  /** True when the block `cidr` is allocated (false for anything that is not one block). */
  isAllocated(state: NodeCidrAllocatorState, cidr: string | Cidr): boolean {
    this.#check(state);
    const block = this.#block(state, cidr);
    return block.ok && state.used.get(String(block.index)) !== undefined;
  }

  /** Block `index` as canonical text (block 0 starts at the cluster network address). */
  cidrAt(index: number): string {
    const cluster = this.clusterCidr;
    return (
      cluster.family === 'IPv4'
        ? cluster.subnet(this.nodeMaskSize, index)
        : cluster.subnet(this.nodeMaskSize, BigInt(index))
    ).toString();
  }

  /** Resolves `cidr` to a block index, or to the failure explaining why it is not one. */
  #block(
    state: NodeCidrAllocatorState,
    cidr: string | Cidr,
  ): { ok: true; index: number; cidr: string } | NodeCidrFailure {
    // Host bits are ignored, as ParseCIDRSloppy does for a node's spec.podCIDRs.
    const parsed = typeof cidr === 'string' ? tryParseCidr(cidr, { allowHostBits: true }) : cidr;
    if (parsed === undefined) {
      const problem = describeBadCidr(String(cidr), { allowHostBits: true }) ?? 'must be a CIDR';
      return {
        ok: false,
        reason: 'invalid',
        error: `invalid CIDR ${JSON.stringify(cidr)}: ${problem}`,
        state,
      };
    }
    const text = parsed.toString();
    const offset = blockOffset(this.clusterCidr, parsed, this.nodeMaskSize);
    if (offset === undefined) {
      return {
        ok: false,
        reason: 'outOfRange',
        error: `cidr ${text} is out the range of cluster cidr ${this.#clusterText}`,
        state,
      };
    }
    if (parsed.prefixLength !== this.nodeMaskSize) {
      return {
        ok: false,
        reason: 'wrongSize',
        error: `cidr ${text} is not a /${this.nodeMaskSize} block of cluster cidr ${this.#clusterText}`,
        state,
      };
    }
    return { ok: true, index: offset, cidr: text };
  }

  #check(state: NodeCidrAllocatorState): void {
    if (state.clusterCidr !== this.#clusterText || state.nodeMaskSize !== this.nodeMaskSize) {
      throw new Error(
        `node CIDR state of ${state.clusterCidr} (/${state.nodeMaskSize}) used with the allocator of ${this.#clusterText} (/${this.nodeMaskSize})`,
      );
    }
  }
}

/**
 * The index of the node-mask block of `cluster` that holds the network address of `cidr`, or
 * undefined when the two do not overlap (or are of different families).
 */
function blockOffset(cluster: Cidr, cidr: Cidr, nodeMaskSize: number): number | undefined {
  if (cluster.family === 'IPv4') {
    if (cidr.family !== 'IPv4' || !cluster.overlaps(cidr)) return undefined;
    // A CIDR wider than the cluster CIDR starts before it: count from the cluster's own start
    // (only its overlap matters then; the caller refuses it for its size).
    const start = Math.max(cidr.network, cluster.network);
    return Math.floor((start - cluster.network) / 2 ** (32 - nodeMaskSize));
  }
  if (cidr.family !== 'IPv6' || !cluster.overlaps(cidr)) return undefined;
  const start = cidr.network > cluster.network ? cidr.network : cluster.network;
  return Number((start - cluster.network) >> BigInt(128 - nodeMaskSize));
}
