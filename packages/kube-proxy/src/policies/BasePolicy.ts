import type { Duration, Instant } from '@knsim/core';
import { BalancerState } from './BalancerState.js';
import type { Backend, LoadBalancingPolicy, PickContext } from './LoadBalancingPolicy.js';
import { sameBackends } from './sameBackends.js';

/**
 * The common part of the built-in policies: a {@link BalancerState} fed by `onStart`/`onFinish`,
 * and helpers for backend snapshots. User policies may extend it to get the same counters.
 *
 * @example
 * ```ts
 * class FirstPolicy extends BasePolicy {
 *   readonly name = 'first';
 *   pick(backends: readonly Backend[]): Backend | undefined {
 *     return this.positive(backends)[0];
 *   }
 * }
 * ```
 */
export abstract class BasePolicy implements LoadBalancingPolicy {
  abstract readonly name: string;
  /** This balancer's view of each backend's connections. */
  readonly state: BalancerState;
  #positiveSource: readonly Backend[] | undefined;
  #positive: readonly Backend[] = [];
  #filtered: Backend[] | undefined;

  /** @param inactiveTimeout See {@link BalancerState}; 0 unless the policy counts lingering connections. */
  constructor(inactiveTimeout: Duration = 0) {
    this.state = new BalancerState(inactiveTimeout);
  }

  abstract pick(backends: readonly Backend[], context: PickContext): Backend | undefined;

  onStart(backend: Backend, now: Instant): void {
    this.state.start(backend.id, now);
  }

  onFinish(backend: Backend, now: Instant, _latency: Duration, _ok: boolean): void {
    this.state.finish(backend.id, now);
  }

  /**
   * The backends of weight > 0, in order: `backends` itself when none is draining, else a
   * filtered copy cached per list (so steady state allocates nothing). Elements are always the
   * caller's own objects.
   */
  protected positive(backends: readonly Backend[]): readonly Backend[] {
    if (backends === this.#positiveSource) return this.#positive;
    if (sameBackends(this.#positiveSource, backends)) {
      // An equal list rebuilt by the caller: refresh the view in place, no allocation.
      this.#positiveSource = backends;
      if (this.#filtered === undefined) {
        this.#positive = backends;
      } else {
        let k = 0;
        for (const backend of backends) if (backend.weight > 0) this.#filtered[k++] = backend;
      }
      return this.#positive;
    }
    this.#positiveSource = backends;
    this.#filtered = backends.every((backend) => backend.weight > 0)
      ? undefined
      : backends.filter((backend) => backend.weight > 0);
    this.#positive = this.#filtered ?? backends;
    return this.#positive;
  }
}

/**
 * Remembers the last backend snapshot a policy built its tables from, and says when a new array
 * differs in content (ids, order or weights). Same array: O(1); new array: O(n) comparison.
 *
 * @example
 * ```ts
 * if (this.#snapshot.changed(backends)) this.#rebuild(backends);
 * ```
 */
export class BackendSnapshot {
  #source: readonly Backend[] | undefined;
  #ids: string[] = [];
  #weights: number[] = [];

  /** Ids of the last recorded snapshot (the previous one while `changed` has not yet been called). */
  get ids(): readonly string[] {
    return this.#ids;
  }

  /** Records `backends`; true when its contents differ from the previous snapshot (or on first use). */
  changed(backends: readonly Backend[]): boolean {
    if (backends === this.#source) return false;
    const first = this.#source === undefined;
    this.#source = backends;
    if (!first && backends.length === this.#ids.length) {
      let same = true;
      for (let i = 0; i < backends.length; i++) {
        const backend = backends[i] as Backend;
        if (backend.id !== this.#ids[i] || backend.weight !== this.#weights[i]) {
          same = false;
          break;
        }
      }
      if (same) return false;
    }
    this.#ids = backends.map((backend) => backend.id);
    this.#weights = backends.map((backend) => backend.weight);
    return true;
  }
}
