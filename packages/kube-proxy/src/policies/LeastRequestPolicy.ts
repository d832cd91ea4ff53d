import type { RandomStream } from '@knsim/core';
import type { BackendCounters } from './BalancerState.js';
import { BasePolicy } from './BasePolicy.js';
import type { Backend, PickContext } from './LoadBalancingPolicy.js';

/**
 * Options of {@link LeastRequestPolicy}.
 *
 * @example
 * ```ts
 * new LeastRequestPolicy(rng, { selectionMethod: 'full_scan', ties: 'first' });
 * ```
 */
export interface LeastRequestOptions {
  /**
   * `n_choices` (Envoy's default; with `choiceCount` 2 this is power of two choices) or
   * `full_scan` (every backend compared).
   */
  readonly selectionMethod?: 'n_choices' | 'full_scan';
  /** Random draws for `n_choices`, with replacement; default 2 (Envoy's `choice_count`). */
  readonly choiceCount?: number;
  /**
   * Ties of `full_scan`: `random` (Envoy: reservoir sampling, each tied backend equally likely) or
   * `first` (the first in list order, deterministic without drawing). Default `random`.
   */
  readonly ties?: 'random' | 'first';
}

/**
 * Envoy's `least_request` load balancer, unweighted path (`least_request_lb.cc`):
 *
 * - `n_choices`: draw `choiceCount` backends uniformly WITH replacement; keep the first and
 *   replace it only by a later draw with strictly fewer active requests. Ties keep the first.
 * - `full_scan`: the backend with the fewest active requests; ties by reservoir sampling (or the
 *   first, with `ties: 'first'`).
 *
 * Active requests are this balancer's own `onStart`/`onFinish` counts (Envoy's per-host
 * `rq_active` as seen by one Envoy). Weight-0 backends are excluded; other weights are ignored.
 *
 * @example
 * ```ts
 * const p2c = new LeastRequestPolicy(sim.rng('client-1/lb'), { choiceCount: 2 });
 * const backend = p2c.pick(backends, context)!;
 * p2c.onStart(backend, context.now);
 * ```
 */
export class LeastRequestPolicy extends BasePolicy {
  readonly name: string;
  readonly selectionMethod: 'n_choices' | 'full_scan';
  readonly choiceCount: number;
  readonly ties: 'random' | 'first';

  constructor(
    readonly rng: RandomStream,
    options: LeastRequestOptions = {},
  ) {
    super();
    this.selectionMethod = options.selectionMethod ?? 'n_choices';
    this.choiceCount = options.choiceCount ?? 2;
    this.ties = options.ties ?? 'random';
    if (!Number.isInteger(this.choiceCount) || this.choiceCount < 1) {
      throw new RangeError(`least_request: choiceCount must be an integer >= 1, got ${this.choiceCount}`);
    }
    this.name = this.selectionMethod === 'full_scan' ? 'least_request' : 'p2c';
  }

  pick(backends: readonly Backend[], _context: PickContext): Backend | undefined {
    const hosts = this.positive(backends);
    const n = hosts.length;
    if (n === 0) return undefined;
    const counters = this.state.aligned(hosts);
    if (this.selectionMethod === 'full_scan') return hosts[this.#fullScan(counters)];
    let candidate = Math.floor(this.rng.next() * n);
    for (let choice = 1; choice < this.choiceCount; choice++) {
      const sampled = Math.floor(this.rng.next() * n);
      if ((counters[sampled] as BackendCounters).active < (counters[candidate] as BackendCounters).active) {
        candidate = sampled;
      }
    }
    return hosts[candidate];
  }

  #fullScan(counters: readonly BackendCounters[]): number {
    let candidate = 0;
    let tied = 1;
    for (let i = 1; i < counters.length; i++) {
      const sampled = (counters[i] as BackendCounters).active;
      const best = (counters[candidate] as BackendCounters).active;
      if (sampled < best) {
        candidate = i;
        tied = 1;
      } else if (sampled === best && this.ties === 'random') {
        // Reservoir sampling: the k-th tie replaces the candidate with probability 1/k.
        tied++;
        if (Math.floor(this.rng.next() * tied) === 0) candidate = i;
      }
    }
    return candidate;
  }
}
