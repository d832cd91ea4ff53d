import type { Duration, Instant } from '@knsim/core';
import type { Backend } from './LoadBalancingPolicy.js';
import { sameBackends } from './sameBackends.js';

/**
 * One backend's counters as one balancer sees them. Mutable, owned by {@link BalancerState};
 * read it, never write it.
 *
 * @example
 * ```ts
 * const counters = policy.state.counters('10.244.1.4:8080');
 * counters.active; // connections in progress through this balancer
 * ```
 */
export interface BackendCounters {
  readonly id: string;
  /** Connections (requests) started and not yet finished: IPVS `ActiveConn`, Envoy `rq_active`. */
  active: number;
  /**
   * Finished connections still lingering (IPVS `InActConn`: FIN_WAIT/TIME_WAIT entries), counted
   * until their expiry passes. Read it through {@link BalancerState.inactive}, which expires.
   */
  inactive: number;
  /** Expiry instants of the lingering connections, oldest first, from `head` on. */
  readonly expiries: number[];
  head: number;
}

/**
 * Answers "how many connections does this backend still have?"; kube-proxy's IPVS graceful
 * termination asks it before deleting a drained destination.
 *
 * @example
 * ```ts
 * const counter: ConnectionCounter = policy.state; // every built-in policy has one
 * counter.connections('10.244.1.4:8080', sim.now);
 * ```
 */
export interface ConnectionCounter {
  connections(backendId: string, now: Instant): number;
}

/**
 * The per-backend state a balancer keeps about its own traffic: active connections (or in-flight
 * requests) and, when `inactiveTimeout` > 0, finished connections that linger as "inactive" for
 * that long (IPVS keeps a closed TCP connection in TIME_WAIT for 2 minutes, and its least-connection
 * schedulers count it). It knows only what went through this balancer: two nodes' kube-proxies
 * each see their own connections, exactly like two kernels.
 *
 * @example
 * ```ts
 * const state = new BalancerState(120 * SECOND);
 * state.start('10.244.1.4:8080', 0);
 * state.finish('10.244.1.4:8080', 5 * SECOND);
 * state.active('10.244.1.4:8080'); // 0
 * state.inactive('10.244.1.4:8080', 60 * SECOND); // 1 (until 125 s)
 * ```
 */
export class BalancerState implements ConnectionCounter {
  readonly #counters = new Map<string, BackendCounters>();
  #alignedSource: readonly Backend[] | undefined;
  #aligned: BackendCounters[] = [];

  /** @param inactiveTimeout How long a finished connection counts as inactive, µs (0: never). */
  constructor(readonly inactiveTimeout: Duration = 0) {
    if (!(inactiveTimeout >= 0)) throw new RangeError(`inactiveTimeout must be >= 0, got ${inactiveTimeout}`);
  }

  /** The counters of `id`, created at zero on first use. */
  counters(id: string): BackendCounters {
    let counters = this.#counters.get(id);
    if (counters === undefined) {
      counters = { id, active: 0, inactive: 0, expiries: [], head: 0 };
      this.#counters.set(id, counters);
    }
    return counters;
  }

  /**
   * Counters aligned with `backends` (same indices). Cached per list, so a policy scanning the
   * same snapshot pays no map lookups; a different list rebuilds the view and forgets idle
   * counters of backends that left.
   */
  aligned(backends: readonly Backend[]): readonly BackendCounters[] {
    if (sameBackends(this.#alignedSource, backends)) {
      this.#alignedSource = backends;
      return this.#aligned;
    }
    const aligned: BackendCounters[] = new Array<BackendCounters>(backends.length);
    const present = new Set<string>();
    for (let i = 0; i < backends.length; i++) {
      const id = (backends[i] as Backend).id;
      aligned[i] = this.counters(id);
      present.add(id);
    }
    for (const [id, counters] of this.#counters) {
      if (!present.has(id) && counters.active === 0 && counters.head === counters.expiries.length) {
        this.#counters.delete(id);
      }
    }
    this.#alignedSource = backends;
    this.#aligned = aligned;
    return aligned;
  }

  /** A connection to `id` starts. */
  start(id: string, _now: Instant): void {
    this.counters(id).active++;
  }

  /** A connection to `id` ends; it lingers as inactive for `inactiveTimeout`. */
  finish(id: string, now: Instant): void {
    const counters = this.#counters.get(id);
    // A finish without a start (or after the counters were dropped) has nothing to undo.
    if (counters === undefined || counters.active === 0) return;
    counters.active--;
    if (this.inactiveTimeout > 0) {
      counters.expiries.push(now + this.inactiveTimeout);
      counters.inactive++;
    }
  }

  /** Active connections of `id`. */
  active(id: string): number {
    return this.#counters.get(id)?.active ?? 0;
  }

  /** Inactive (lingering) connections of `id` at `now`. */
  inactive(id: string, now: Instant): number {
    const counters = this.#counters.get(id);
    return counters === undefined ? 0 : expireInactive(counters, now);
  }

  /** Active plus inactive connections: what kube-proxy checks before deleting a drained backend. */
  connections(id: string, now: Instant): number {
    const counters = this.#counters.get(id);
    return counters === undefined ? 0 : counters.active + expireInactive(counters, now);
  }
}

/**
 * Drops the lingering connections of `counters` that expired by `now`; returns how many remain.
 * Expiries are pushed in time order (the clock never goes back), so they leave from the front.
 *
 * @example
 * ```ts
 * const inactive = expireInactive(state.counters(backend.id), context.now);
 * ```
 */
export function expireInactive(counters: BackendCounters, now: Instant): number {
  const expiries = counters.expiries;
  let head = counters.head;
  while (head < expiries.length && (expiries[head] as number) <= now) head++;
  if (head !== counters.head) {
    counters.inactive -= head - counters.head;
    // Compact once the dead prefix dominates, keeping the queue O(live) in memory.
    if (head > 32 && head * 2 > expiries.length) {
      expiries.splice(0, head);
      head = 0;
    }
    counters.head = head;
  }
  return counters.inactive;
}
