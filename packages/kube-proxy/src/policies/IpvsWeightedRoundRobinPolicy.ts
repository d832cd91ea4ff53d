import type { Duration } from '@knsim/core';
import { gcd } from './gcd.js';
import { BackendSnapshot, BasePolicy } from './BasePolicy.js';
import { IPVS_INACTIVE_TIMEOUT } from './IpvsRoundRobinPolicy.js';
import type { Backend, PickContext } from './LoadBalancingPolicy.js';

/**
 * IPVS `wrr` (`ip_vs_wrr.c`): interleaved weighted round robin. Passes over the list with a
 * current weight `cw` that starts at the maximum weight and drops by the gcd of the weights after
 * each pass; a pass picks, in list order, every backend whose weight is >= `cw`. Weights 4, 3, 2
 * give A A B A B C A B C, then repeat.
 *
 * Reproduced from the kernel including its edge cases: the maximum is lowered by gcd - 1 so the
 * last pass runs at `cw` = 1, and a change of the destination list resets the cursor to the list
 * head and realigns `cw` (`ip_vs_wrr_dest_changed`). Weights are integers (the integer part).
 *
 * @example
 * ```ts
 * const wrr = new IpvsWeightedRoundRobinPolicy();
 * // weights a:4, b:3, c:2 -> a a b a b c a b c a ...
 * ```
 */
export class IpvsWeightedRoundRobinPolicy extends BasePolicy {
  readonly name: string = 'wrr';
  readonly #snapshot = new BackendSnapshot();
  #weights: number[] = [];
  // The kernel's mark: cl (-1 = list head), cw, mw, di.
  #cursor = -1;
  #cw = 0;
  #mw = 0;
  #di = 1;

  constructor(inactiveTimeout: Duration = IPVS_INACTIVE_TIMEOUT) {
    super(inactiveTimeout);
  }

  #destinationsChanged(backends: readonly Backend[]): void {
    this.#weights = backends.map((backend) => Math.max(0, Math.floor(backend.weight)));
    let g = 0;
    let max = 0;
    for (const weight of this.#weights) {
      if (weight > 0) g = g > 0 ? gcd(weight, g) : weight;
      if (weight > max) max = weight;
    }
    this.#di = g > 0 ? g : 1;
    this.#mw = max - (this.#di - 1);
    this.#cursor = -1;
    if (this.#cw > this.#mw || this.#cw === 0) this.#cw = this.#mw;
    else if (this.#di > 1) this.#cw = Math.floor(this.#cw / this.#di) * this.#di + 1;
  }

  pick(backends: readonly Backend[], _context: PickContext): Backend | undefined {
    if (this.#snapshot.changed(backends)) this.#destinationsChanged(backends);
    const weights = this.#weights;
    const n = weights.length;
    let dest = this.#cursor;
    if (this.#mw <= 0) return undefined;
    const last = dest;
    let lastPass = false;
    let restarted = false;
    let stop = -2; // no stop entry yet (-1 is the head)
    for (;;) {
      for (dest = dest + 1; dest < n; dest++) {
        if ((weights[dest] as number) >= this.#cw) {
          this.#cursor = dest;
          return backends[dest];
        }
        if (dest === stop) {
          this.#cursor = dest;
          return undefined;
        }
      }
      dest = -1;
      this.#cw -= this.#di;
      if (this.#cw <= 0) {
        this.#cw = this.#mw;
        // Everything was already tried at cw = 1: all destinations are unusable.
        if (lastPass || last === -1) {
          this.#cursor = dest;
          return undefined;
        }
        restarted = true;
      }
      lastPass = this.#cw <= this.#di;
      if (lastPass && restarted && last !== -1) stop = last;
    }
  }
}
