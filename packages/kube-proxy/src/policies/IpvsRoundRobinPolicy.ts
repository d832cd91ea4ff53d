import { SECOND, type Duration } from '@knsim/core';
import { BackendSnapshot, BasePolicy } from './BasePolicy.js';
import type { Backend, PickContext } from './LoadBalancingPolicy.js';

/**
 * How long IPVS counts a closed TCP connection as inactive: its TIME_WAIT (and FIN_WAIT) timeout,
 * 2 minutes (`tcp_timeouts` in `ip_vs_proto_tcp.c`). Default `inactiveTimeout` of the IPVS policies.
 */
export const IPVS_INACTIVE_TIMEOUT: Duration = 120 * SECOND;

/**
 * IPVS `rr` (`ip_vs_rr.c`), kube-proxy's default IPVS scheduler: the next destination after the
 * last one picked, skipping weight-0 (quiesced) ones, wrapping around the list. State is per
 * instance, so R nodes each run their own uncoordinated rotation.
 *
 * When the list changes, the rotation continues after the last picked backend if it is still
 * there; if it was removed, with the first survivor that followed it (the kernel moves its cursor
 * to the removed entry's predecessor, `ip_vs_rr_del_dest`).
 *
 * @example
 * ```ts
 * const rr = new IpvsRoundRobinPolicy();
 * // backends a, b, c: picks a, b, c, a, ...; remove b after picking it: next is c
 * ```
 */
export class IpvsRoundRobinPolicy extends BasePolicy {
  readonly name: string = 'rr';
  readonly #snapshot = new BackendSnapshot();
  // Index of the last picked backend in the current snapshot; -1 = the list head.
  #cursor = -1;

  constructor(inactiveTimeout: Duration = IPVS_INACTIVE_TIMEOUT) {
    super(inactiveTimeout);
  }

  pick(backends: readonly Backend[], _context: PickContext): Backend | undefined {
    const previous = this.#snapshot.ids;
    if (this.#snapshot.changed(backends)) this.#cursor = relocate(previous, this.#cursor, backends);
    const n = backends.length;
    for (let step = 1; step <= n; step++) {
      const index = (this.#cursor + step) % n;
      const backend = backends[index] as Backend;
      if (backend.weight >= 1) {
        this.#cursor = index;
        return backend;
      }
    }
    return undefined;
  }
}

/**
 * Where the cursor of a rotation lands in `next` given it sat at `cursor` in `previous`: on the
 * same backend if it survived, else just before the first survivor that followed it.
 */
function relocate(previous: readonly string[], cursor: number, next: readonly Backend[]): number {
  if (cursor < 0 || cursor >= previous.length) return -1;
  const index = new Map<string, number>();
  for (let i = 0; i < next.length; i++) index.set((next[i] as Backend).id, i);
  const same = index.get(previous[cursor] as string);
  if (same !== undefined) return same;
  for (let step = 1; step < previous.length; step++) {
    const found = index.get(previous[(cursor + step) % previous.length] as string);
    if (found !== undefined) return found - 1;
  }
  return -1;
}
