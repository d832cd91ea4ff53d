import { BackendSnapshot, BasePolicy } from './BasePolicy.js';
import type { Backend, PickContext } from './LoadBalancingPolicy.js';
import { xxHash64Into, type Hash64 } from './xxHash64.js';

/** Envoy's default Maglev table size (`MaglevTable::DefaultTableSize`), a prime. */
export const MAGLEV_DEFAULT_TABLE_SIZE = 65537;

/**
 * A backend's place in the Maglev permutation: slot j of its preference list is (offset + j * skip) mod M.
 *
 * @example
 * ```ts
 * const b1: MaglevPermutation = { offset: 3, skip: 4 }; // prefers slots 3, 0, 4, 1, ... of M = 7
 * ```
 */
export interface MaglevPermutation {
  readonly offset: number;
  readonly skip: number;
}

/**
 * One entry of a Maglev table build.
 *
 * @example
 * ```ts
 * buildMaglevTable([{ offset: 3, skip: 4, weight: 1 }], 7); // every slot -> entry 0
 * ```
 */
export interface MaglevEntry extends MaglevPermutation {
  /** Relative weight (> 0); equal weights give the paper's algorithm. */
  readonly weight: number;
}

/**
 * Builds a Maglev lookup table (Eisenbud et al., NSDI 2016, pseudocode 1): entries take turns
 * claiming the next empty slot of their preference list until all M slots are filled, so with
 * equal weights each of N entries gets floor(M/N) or ceil(M/N) slots. Weights follow Envoy: an
 * entry takes its turn in round k only when k * weight reaches its next target (targets advance by
 * the maximum weight), so a weight-w entry claims about w/max as many slots as the heaviest.
 * Returns entry indices per slot (-1 only when there are no entries). M must be prime for every
 * skip to visit every slot.
 *
 * @example
 * ```ts
 * // The paper's Table 1: M = 7, B1 (3, 4), B2 (0, 2), B3 (3, 1)
 * buildMaglevTable([{ offset: 3, skip: 4, weight: 1 }, { offset: 0, skip: 2, weight: 1 }, { offset: 3, skip: 1, weight: 1 }], 7);
 * // Int32Array [1, 0, 1, 0, 2, 2, 0] = [B2, B1, B2, B1, B3, B3, B1]
 * ```
 */
export function buildMaglevTable(entries: readonly MaglevEntry[], tableSize: number): Int32Array {
  const table = new Int32Array(tableSize).fill(-1);
  const n = entries.length;
  if (n === 0) return table;
  let maxWeight = 0;
  for (const entry of entries) maxWeight = Math.max(maxWeight, entry.weight);
  const next = new Float64Array(n);
  const target = new Float64Array(n);
  let filled = 0;
  for (let iteration = 1; filled < tableSize; iteration++) {
    for (let i = 0; i < n && filled < tableSize; i++) {
      const entry = entries[i] as MaglevEntry;
      if (iteration * entry.weight < (target[i] as number)) continue;
      target[i] = (target[i] as number) + maxWeight;
      let c = (entry.offset + entry.skip * (next[i] as number)) % tableSize;
      while ((table[c] as number) >= 0) {
        next[i] = (next[i] as number) + 1;
        c = (entry.offset + entry.skip * (next[i] as number)) % tableSize;
      }
      table[c] = i;
      next[i] = (next[i] as number) + 1;
      filled++;
    }
  }
  return table;
}

/**
 * Options of {@link MaglevPolicy}.
 *
 * @example
 * ```ts
 * new MaglevPolicy({ tableSize: 5003 });
 * ```
 */
export interface MaglevOptions {
  /** M, a prime; default 65537 (Envoy). */
  readonly tableSize?: number;
  /**
   * Where a backend's preference list starts and how it steps. Default: Envoy's, offset =
   * xxHash64(id, seed 0) mod M and skip = xxHash64(id, seed 1) mod (M - 1) + 1. Tests inject the
   * paper's worked example here.
   */
  readonly permutation?: (backend: Backend, tableSize: number) => MaglevPermutation;
}

// 64-bit hash modulo m < 2^26, in doubles without loss: (hi * 2^32 + lo) mod m.
function mod64(hash: Hash64, m: number): number {
  return ((hash.hi % m) * (0x100000000 % m) + (hash.lo % m)) % m;
}

const scratch: Hash64 = { hi: 0, lo: 0 };

/**
 * Envoy's permutation for a backend: xxHash64 of its id with seeds 0 and 1.
 *
 * @example
 * ```ts
 * envoyMaglevPermutation({ id: '10.0.0.1:80', weight: 1 }, 65537); // { offset, skip }
 * ```
 */
export function envoyMaglevPermutation(backend: Backend, tableSize: number): MaglevPermutation {
  const offset = mod64(xxHash64Into(backend.id, 0, scratch), tableSize);
  const skip = mod64(xxHash64Into(backend.id, 1, scratch), tableSize - 1) + 1;
  return { offset, skip };
}

// Tables are a pure function of (backends, M), so instances sharing a backend array (every node's
// balancer for one service) share one table instead of each holding M entries.
const sharedTables = new WeakMap<readonly Backend[], Map<number, { order: Int32Array; table: Int32Array }>>();

/**
 * Maglev consistent hashing (the NSDI 2016 paper, with Envoy's host ordering, hashing and
 * weighting): backends are sorted by id (so the table does not depend on list order), their
 * preference lists fill an M-slot table, and a request goes to slot xxHash64(key) mod M, the key
 * being `hashKey` or else the source address (Envoy's `source_ip` hash policy). Removing one of N
 * backends moves only about 1/N of the keys. Weight-0 backends are left out of the table.
 *
 * @example
 * ```ts
 * const maglev = new MaglevPolicy({ tableSize: 65537 });
 * maglev.pick(backends, { sourceIp: '10.244.3.7', hashKey: 'user-42', now: 0 });
 * ```
 */
export class MaglevPolicy extends BasePolicy {
  readonly name: string = 'maglev';
  readonly tableSize: number;
  readonly #permutation: ((backend: Backend, tableSize: number) => MaglevPermutation) | undefined;
  readonly #snapshot = new BackendSnapshot();
  // Positions in the backend list of the table's entries (sorted by id), so picks return the
  // caller's current objects even when it passes an equal, rebuilt list.
  #order: Int32Array = new Int32Array(0);
  #table: Int32Array = new Int32Array(0);
  readonly #hash: Hash64 = { hi: 0, lo: 0 };

  constructor(options: MaglevOptions = {}) {
    super();
    this.tableSize = options.tableSize ?? MAGLEV_DEFAULT_TABLE_SIZE;
    if (!Number.isInteger(this.tableSize) || this.tableSize < 2 || this.tableSize >= 2 ** 26) {
      throw new RangeError(`maglev table size must be an integer in [2, 2^26), got ${this.tableSize}`);
    }
    this.#permutation = options.permutation;
  }

  /**
   * The lookup table for `backends`: for each of the M slots, the backend it maps to (or
   * undefined when no backend has weight > 0).
   */
  lookupTable(backends: readonly Backend[]): (Backend | undefined)[] {
    this.#refresh(backends);
    return Array.from(this.#table, (index) =>
      index < 0 ? undefined : backends[this.#order[index] as number],
    );
  }

  pick(backends: readonly Backend[], context: PickContext): Backend | undefined {
    this.#refresh(backends);
    if (this.#order.length === 0) return undefined;
    xxHash64Into(context.hashKey ?? context.sourceIp, 0, this.#hash);
    return backends[this.#order[this.#table[mod64(this.#hash, this.tableSize)] as number] as number];
  }

  #refresh(backends: readonly Backend[]): void {
    if (!this.#snapshot.changed(backends)) return;
    const shareable = this.#permutation === undefined;
    const cached = shareable ? sharedTables.get(backends)?.get(this.tableSize) : undefined;
    if (cached !== undefined) {
      this.#order = cached.order;
      this.#table = cached.table;
      return;
    }
    const positions: number[] = [];
    for (let i = 0; i < backends.length; i++) if ((backends[i] as Backend).weight > 0) positions.push(i);
    positions.sort((x, y) => {
      const a = (backends[x] as Backend).id;
      const b = (backends[y] as Backend).id;
      return a < b ? -1 : a > b ? 1 : 0;
    });
    let total = 0;
    for (const position of positions) total += (backends[position] as Backend).weight;
    const permutation = this.#permutation ?? envoyMaglevPermutation;
    const entries = positions.map((position) => {
      const backend = backends[position] as Backend;
      return { ...permutation(backend, this.tableSize), weight: backend.weight / total };
    });
    const order = Int32Array.from(positions);
    this.#order = order;
    this.#table = buildMaglevTable(entries, this.tableSize);
    if (shareable) {
      let bySize = sharedTables.get(backends);
      if (bySize === undefined) {
        bySize = new Map();
        sharedTables.set(backends, bySize);
      }
      bySize.set(this.tableSize, { order, table: this.#table });
    }
  }
}
