import type { Duration } from '@knsim/core';
import { gcd } from './gcd.js';
import { BackendSnapshot, BasePolicy } from './BasePolicy.js';
import { foldAddress, splitHostPort } from './foldAddress.js';
import { IPVS_INACTIVE_TIMEOUT } from './IpvsRoundRobinPolicy.js';
import type { Backend, PickContext } from './LoadBalancingPolicy.js';
import { hsiphash32, type SipHashKey } from './sipHash.js';

/** The table sizes IPVS `mh` can be built with (`primes[]` in `ip_vs_mh.c`); 4093 by default. */
export const IPVS_MH_TABLE_SIZES: readonly number[] = [
  251, 509, 1021, 2039, 4093, 8191, 16381, 32749, 65521, 131071,
];

/** IP_VS_MH_TAB_BITS: weights above 2^6 / gcd are shifted down so turns stay small. */
const MH_TAB_BITS = 6;
// generate_hash_secret(): fixed keys, so tables are identical on every node and every boot.
const HASH1: SipHashKey = { k0Hi: 0, k0Lo: 2654435761, k1Hi: 0, k1Lo: 2654435761 };
const HASH2: SipHashKey = { k0Hi: 0, k0Lo: 2654446892, k1Hi: 0, k1Lo: 2654446892 };

/**
 * Options of {@link IpvsMaglevPolicy}.
 *
 * @example
 * ```ts
 * new IpvsMaglevPolicy({ tableSize: 65521, fallback: true });
 * ```
 */
export interface IpvsMaglevOptions {
  /** One of {@link IPVS_MH_TABLE_SIZES}; default 4093 (`CONFIG_IP_VS_MH_TAB_INDEX` = 12). */
  readonly tableSize?: number;
  /**
   * `mh-port` (IP_VS_SVC_F_SCHED_MH_PORT): hash the source port with the address. Default true:
   * kube-proxy sets flag 0x10 (its `FlagSourceHash`), which is this flag.
   */
  readonly port?: boolean;
  /** `mh-fallback` (IP_VS_SVC_F_SCHED_MH_FALLBACK): rehash past unusable destinations. Default false. */
  readonly fallback?: boolean;
  readonly inactiveTimeout?: Duration;
}

/** The kernel's `ip_vs_mh_hashkey`: hsiphash of (offset + port + address) as one u32. */
function mhHash(address: number, port: number, key: SipHashKey, offset: number): number {
  return hsiphash32((offset + port + address) >>> 0, key);
}

function fls(x: number): number {
  return x === 0 ? 0 : 32 - Math.clz32(x);
}

/**
 * IPVS `mh` (`ip_vs_mh.c`), Maglev hashing as the kernel implements it:
 *
 * - offset = hsiphash(dest address + port, key1) % M, skip = hsiphash(..., key2) % (M - 1) + 1,
 *   with the kernel's fixed keys (SipHash-1-3 on 64-bit), so tables match a real node's;
 * - each destination claims `turns` consecutive slots per round, turns = (last_weight / gcd) >>
 *   shift (shift keeps turns within 6 bits), at least 1 for a non-zero weight;
 * - `last_weight`, not the current weight, shapes the table: a destination drained to weight 0
 *   keeps its slots, and connections hashing there are refused (undefined) unless `fallback` is
 *   set. That is what kube-proxy's graceful termination does to `mh`: the table stays stable while
 *   a deleted endpoint drains, at the price of refusing its share of new connections.
 *
 * Lookup hashes the source address (plus the source port with `port`, kube-proxy's setting).
 *
 * @example
 * ```ts
 * const mh = new IpvsMaglevPolicy();
 * mh.pick(backends, { sourceIp: '10.244.3.7', sourcePort: 41234, now: 0 });
 * ```
 */
export class IpvsMaglevPolicy extends BasePolicy {
  readonly name: string = 'mh';
  readonly tableSize: number;
  readonly port: boolean;
  readonly fallback: boolean;
  readonly #snapshot = new BackendSnapshot();
  readonly #lastWeight = new Map<string, number>();
  readonly #table: Int32Array;

  constructor(options: IpvsMaglevOptions = {}) {
    super(options.inactiveTimeout ?? IPVS_INACTIVE_TIMEOUT);
    this.tableSize = options.tableSize ?? 4093;
    if (!IPVS_MH_TABLE_SIZES.includes(this.tableSize)) {
      throw new RangeError(
        `mh table size must be one of ${IPVS_MH_TABLE_SIZES.join(', ')}, got ${this.tableSize}`,
      );
    }
    this.port = options.port ?? true;
    this.fallback = options.fallback ?? false;
    this.#table = new Int32Array(this.tableSize).fill(-1);
  }

  /** The lookup table (backend indices, -1 when empty) for `backends`, for tests and reports. */
  table(backends: readonly Backend[]): Int32Array {
    if (this.#snapshot.changed(backends)) this.#reassign(backends);
    return this.#table;
  }

  pick(backends: readonly Backend[], context: PickContext): Backend | undefined {
    const table = this.table(backends);
    const m = this.tableSize;
    const address = foldAddress(context.sourceIp);
    const port = this.port ? (context.sourcePort ?? 0) : 0;
    const ihash = mhHash(address, port, HASH1, 0) % m;
    const first = table[ihash] as number;
    if (first < 0) return undefined;
    if ((backends[first] as Backend).weight >= 1) return backends[first];
    if (!this.fallback) return undefined;
    for (let offset = 0; offset < m; offset++) {
      const roffset = (offset + ihash) % m;
      const index = table[mhHash(address, port, HASH1, roffset) % m] as number;
      if (index < 0) break;
      if ((backends[index] as Backend).weight >= 1) return backends[index];
    }
    return undefined;
  }

  #reassign(backends: readonly Backend[]): void {
    // last_weight keeps the latest non-zero weight; a newly added destination takes its weight as is.
    const present = new Set<string>();
    for (const backend of backends) {
      const weight = Math.max(0, Math.floor(backend.weight));
      if (!this.#lastWeight.has(backend.id) || weight !== 0) this.#lastWeight.set(backend.id, weight);
      present.add(backend.id);
    }
    for (const id of this.#lastWeight.keys()) if (!present.has(id)) this.#lastWeight.delete(id);
    const lastWeights = backends.map((backend) => this.#lastWeight.get(backend.id) as number);
    let g = 0;
    let max = 0;
    for (const weight of lastWeights) {
      if (weight > 0) g = g > 0 ? gcd(weight, g) : weight;
      if (weight > max) max = weight;
    }
    const table = this.#table;
    if (g < 1) {
      table.fill(-1);
      return;
    }
    const shift = Math.max(fls(Math.floor(max / g)) - MH_TAB_BITS, 0);
    const m = this.tableSize;
    const n = backends.length;
    const skip = new Array<number>(n);
    const perm = new Array<number>(n);
    const turns = new Array<number>(n);
    for (let i = 0; i < n; i++) {
      const { host, port } = splitHostPort((backends[i] as Backend).id);
      const address = foldAddress(host);
      perm[i] = mhHash(address, port, HASH1, 0) % m;
      skip[i] = (mhHash(address, port, HASH2, 0) % (m - 1)) + 1;
      const lw = lastWeights[i] as number;
      turns[i] = Math.floor(lw / g) >> shift || (lw !== 0 ? 1 : 0);
    }
    const taken = new Uint8Array(m);
    let filled = 0;
    // Rounds over the list; each destination claims `turns` slots in a row (ip_vs_mh_populate).
    while (filled < m) {
      for (let i = 0; i < n && filled < m; i++) {
        for (let t = 0; t < (turns[i] as number) && filled < m; t++) {
          let c = perm[i] as number;
          while (taken[c] === 1) {
            c += skip[i] as number;
            if (c >= m) c -= m;
          }
          perm[i] = c;
          taken[c] = 1;
          table[c] = i;
          filled++;
        }
      }
    }
  }
}
