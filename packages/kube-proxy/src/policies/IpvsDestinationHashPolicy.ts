import type { Duration } from '@knsim/core';
import { BackendSnapshot, BasePolicy } from './BasePolicy.js';
import { foldAddress } from './foldAddress.js';
import { IPVS_INACTIVE_TIMEOUT } from './IpvsRoundRobinPolicy.js';
import { fillBuckets, IPVS_HASH_BUCKETS } from './IpvsSourceHashPolicy.js';
import type { Backend, PickContext } from './LoadBalancingPolicy.js';

/**
 * IPVS `dh` (`ip_vs_dh.c`): a static 256-bucket table, one bucket per destination in list order
 * (weights do not shape it), indexed by `(destination address * 2654435761) & 255`. Meant for
 * cache farms where the packet's destination is the origin server; behind kube-proxy the
 * destination is the service IP, so every connection to one service lands on the same backend:
 * faithful, and a fine way to show why nobody uses `dh` for Services. A weight-0 destination
 * refuses the connection. Without `destinationIp` in the context, the source address is hashed.
 *
 * @example
 * ```ts
 * const dh = new IpvsDestinationHashPolicy();
 * dh.pick(backends, { sourceIp: '10.244.3.7', destinationIp: '10.96.0.10', now: 0 });
 * ```
 */
export class IpvsDestinationHashPolicy extends BasePolicy {
  readonly name: string = 'dh';
  readonly #snapshot = new BackendSnapshot();
  readonly #table = new Int32Array(IPVS_HASH_BUCKETS).fill(-1);

  constructor(inactiveTimeout: Duration = IPVS_INACTIVE_TIMEOUT) {
    super(inactiveTimeout);
  }

  /** The bucket table (backend indices, -1 when empty), for tests and reports. */
  table(backends: readonly Backend[]): Int32Array {
    if (this.#snapshot.changed(backends)) fillBuckets(this.#table, backends, false);
    return this.#table;
  }

  pick(backends: readonly Backend[], context: PickContext): Backend | undefined {
    const table = this.table(backends);
    const address = foldAddress(context.destinationIp ?? context.sourceIp);
    const index = table[Math.imul(address, 2654435761 | 0) & (IPVS_HASH_BUCKETS - 1)] as number;
    if (index < 0) return undefined;
    const backend = backends[index] as Backend;
    return backend.weight >= 1 ? backend : undefined;
  }
}
