import { MINUTE, type Duration, type Instant } from '@knsim/core';
import type { ConnectionCounter } from './BalancerState.js';
import type { Backend } from './LoadBalancingPolicy.js';

/** How often kube-proxy retries deleting drained real servers (`rsCheckDeleteInterval`, 1 minute). */
export const IPVS_DRAIN_CHECK_INTERVAL: Duration = MINUTE;

/**
 * One IPVS virtual service's destination list as kube-proxy's IPVS proxier leaves it, including
 * graceful termination (`pkg/proxy/ipvs/graceful_termination.go`):
 *
 * - New endpoints are added in sorted order and the kernel inserts each new destination at the
 *   HEAD of its list (`list_add_rcu`), so a fresh list is in reverse sorted order; rr, wrr, lc
 *   and the hash tables all depend on that order.
 * - A removed endpoint is deleted at once if it has no connections (or the protocol is UDP);
 *   otherwise its weight drops to 0 (no new connections, existing ones continue) and it stays in
 *   the list until a check finds it without active or inactive connections. The owner calls
 *   {@link checkDrained} every {@link IPVS_DRAIN_CHECK_INTERVAL}.
 * - An endpoint that comes back while draining is deleted and re-added at the head with its weight.
 *
 * Returned lists are new arrays only when something changed, so policies keep their tables.
 *
 * @example
 * ```ts
 * const destinations = new IpvsGracefulTermination('TCP');
 * let list = destinations.sync(eligibleEndpoints, policy.state, sim.now);
 * policy.pick(list, context);
 * // every minute:
 * list = destinations.checkDrained(policy.state, sim.now);
 * ```
 */
export class IpvsGracefulTermination {
  #list: readonly Backend[] = [];
  readonly #draining = new Set<string>();

  constructor(readonly protocol: 'TCP' | 'UDP' | 'SCTP' = 'TCP') {}

  /** The current destination list, kernel order, draining destinations at weight 0. */
  get destinations(): readonly Backend[] {
    return this.#list;
  }

  /** True when `id` is draining (weight 0, waiting for its connections to end). */
  isDraining(id: string): boolean {
    return this.#draining.has(id);
  }

  /** Applies kube-proxy's sync of this service to `endpoints` (the eligible endpoints) at `now`. */
  sync(endpoints: readonly Backend[], connections: ConnectionCounter, now: Instant): readonly Backend[] {
    const wanted = new Map<string, Backend>();
    for (const endpoint of endpoints) wanted.set(endpoint.id, endpoint);
    let changed = false;
    const kept: Backend[] = [];
    const programmed = new Set<string>();
    for (const destination of this.#list) {
      const endpoint = wanted.get(destination.id);
      const draining = this.#draining.has(destination.id);
      if (endpoint !== undefined && !draining) {
        // Already programmed: a weight change updates in place (upd_dest keeps the position).
        programmed.add(destination.id);
        if (endpoint.weight !== destination.weight) changed = true;
        kept.push(endpoint.weight === destination.weight ? destination : endpoint);
      } else if (endpoint !== undefined) {
        // Back while draining (MoveRSOutofGracefulDeleteList): deleted now, re-added below.
        this.#draining.delete(destination.id);
        changed = true;
      } else if (draining) {
        kept.push(destination);
      } else if (this.protocol === 'UDP' || connections.connections(destination.id, now) === 0) {
        changed = true;
      } else {
        // GracefulDeleteRS: weight 0, keep until drained.
        this.#draining.add(destination.id);
        kept.push({ id: destination.id, weight: 0 });
        changed = true;
      }
    }
    // kube-proxy adds new endpoints in sorted order (sets.List) and each add goes to the list head,
    // so the newest additions end up first, in reverse sorted order.
    const added = [...wanted.keys()].filter((id) => !programmed.has(id)).sort();
    if (added.length > 0) changed = true;
    if (!changed) return this.#list;
    const list: Backend[] = [];
    for (let i = added.length - 1; i >= 0; i--) list.push(wanted.get(added[i] as string) as Backend);
    this.#list = list.concat(kept);
    return this.#list;
  }

  /** kube-proxy's periodic `tryDeleteRs`: deletes draining destinations that have no connections left. */
  checkDrained(connections: ConnectionCounter, now: Instant): readonly Backend[] {
    if (this.#draining.size === 0) return this.#list;
    const drained = new Set<string>();
    for (const id of this.#draining) if (connections.connections(id, now) === 0) drained.add(id);
    if (drained.size === 0) return this.#list;
    for (const id of drained) this.#draining.delete(id);
    this.#list = this.#list.filter((destination) => !drained.has(destination.id));
    return this.#list;
  }
}
