import type { Duration } from '@knsim/core';
import { BackendSnapshot, BasePolicy } from './BasePolicy.js';
import { foldAddress } from './foldAddress.js';
import { IPVS_INACTIVE_TIMEOUT } from './IpvsRoundRobinPolicy.js';
import type { Backend, PickContext } from './LoadBalancingPolicy.js';

/** Buckets of the IPVS `sh` and `dh` tables (`CONFIG_IP_VS_SH_TAB_BITS` = 8). */
export const IPVS_HASH_BUCKETS = 256;

/**
 * Options of {@link IpvsSourceHashPolicy}: the service's scheduler flags.
 *
 * @example
 * ```ts
 * new IpvsSourceHashPolicy({ port: true, fallback: true }); // ipvsadm -s sh -b sh-port,sh-fallback
 * ```
 */
export interface IpvsSourceHashOptions {
  /** `sh-port` (IP_VS_SVC_F_SCHED_SH_PORT): hash the source port too. Default false (kube-proxy sets no sh flag). */
  readonly port?: boolean;
  /** `sh-fallback` (IP_VS_SVC_F_SCHED_SH_FALLBACK): on an unusable bucket, probe other buckets. Default false. */
  readonly fallback?: boolean;
  readonly inactiveTimeout?: Duration;
}

/**
 * The kernel's `hash_32(value, 8)`: multiply by GOLDEN_RATIO_32, keep the top 8 bits.
 *
 * @example
 * ```ts
 * hash32to8(0x0a000001); // the sh bucket of 10.0.0.1 (port not hashed)
 * ```
 */
export function hash32to8(value: number): number {
  return Math.imul(value >>> 0, 0x61c88647) >>> 24;
}

/**
 * IPVS `sh` (`ip_vs_sh.c`): a static 256-bucket table over the destination list, filled in list
 * order with `weight` consecutive buckets per destination (a weight-0 destination still takes
 * one), wrapping until all 256 are filled; a connection goes to the bucket of
 * `hash_32(source address [+ source port], 8)`. NOT consistent: any change of the list refills the
 * whole table, so most clients move. A bucket whose destination has weight 0 refuses the
 * connection (undefined) unless `fallback` is set, which probes `(bucket + offset) % 256` for
 * offsets 0..255 as the kernel does.
 *
 * @example
 * ```ts
 * const sh = new IpvsSourceHashPolicy();
 * sh.pick(backends, { sourceIp: '10.244.3.7', now: 0 }); // the same backend for every connection from 10.244.3.7
 * ```
 */
export class IpvsSourceHashPolicy extends BasePolicy {
  readonly name: string = 'sh';
  readonly port: boolean;
  readonly fallback: boolean;
  readonly #snapshot = new BackendSnapshot();
  readonly #table = new Int32Array(IPVS_HASH_BUCKETS).fill(-1);

  constructor(options: IpvsSourceHashOptions = {}) {
    super(options.inactiveTimeout ?? IPVS_INACTIVE_TIMEOUT);
    this.port = options.port ?? false;
    this.fallback = options.fallback ?? false;
  }

  /** The bucket table (backend indices, -1 when there is no destination), for tests and reports. */
  table(backends: readonly Backend[]): Int32Array {
    if (this.#snapshot.changed(backends)) fillBuckets(this.#table, backends, true);
    return this.#table;
  }

  pick(backends: readonly Backend[], context: PickContext): Backend | undefined {
    const table = this.table(backends);
    const key = (foldAddress(context.sourceIp) + (this.port ? (context.sourcePort ?? 0) : 0)) >>> 0;
    const hash = hash32to8(key);
    const first = table[hash] as number;
    if (first < 0) return undefined;
    if ((backends[first] as Backend).weight >= 1) return backends[first];
    if (!this.fallback) return undefined;
    for (let offset = 0; offset < IPVS_HASH_BUCKETS; offset++) {
      const roffset = (offset + hash) % IPVS_HASH_BUCKETS;
      const index = table[(roffset + hash) & (IPVS_HASH_BUCKETS - 1)] as number;
      if (index < 0) break;
      if ((backends[index] as Backend).weight >= 1) return backends[index];
    }
    return undefined;
  }
}

/**
 * Fills an IPVS 256-bucket table with backend indices in list order: `weight` consecutive buckets
 * per backend when `weighted` (sh), one bucket per backend otherwise (dh).
 *
 * @example
 * ```ts
 * const table = new Int32Array(256);
 * fillBuckets(table, [{ id: 'a', weight: 2 }, { id: 'b', weight: 1 }], true); // 0, 0, 1, 0, 0, 1, ...
 * ```
 */
export function fillBuckets(table: Int32Array, backends: readonly Backend[], weighted: boolean): void {
  const n = backends.length;
  if (n === 0) {
    table.fill(-1);
    return;
  }
  let p = 0;
  let count = 0;
  for (let i = 0; i < table.length; i++) {
    table[i] = p;
    // "Don't move to next dest until filling weight" (a weight <= 0 still advances after one bucket).
    if (!weighted || ++count >= Math.floor((backends[p] as Backend).weight)) {
      p = (p + 1) % n;
      count = 0;
    }
  }
}
