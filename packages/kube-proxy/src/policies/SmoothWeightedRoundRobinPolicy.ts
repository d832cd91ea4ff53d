import { BasePolicy } from './BasePolicy.js';
import type { Backend, PickContext } from './LoadBalancingPolicy.js';
import { sameBackends } from './sameBackends.js';

/** One peer's nginx round-robin state. */
interface Peer {
  weight: number;
  current: number;
}

/**
 * nginx's smooth weighted round robin (`ngx_http_upstream_get_peer`): on each pick every peer's
 * current weight grows by its weight, the peer with the largest current weight wins (the first on
 * a tie) and loses the total. Weights 5, 1, 1 give a a b a c a a instead of a a a a a b c; every
 * block of sum(w) consecutive picks holds exactly w_i picks of peer i.
 *
 * A peer keeps its current weight across backend-set changes while its weight is unchanged; a
 * new or re-weighted peer starts at 0. Weight-0 backends are skipped.
 *
 * @example
 * ```ts
 * const swrr = new SmoothWeightedRoundRobinPolicy();
 * // weights a:5, b:1, c:1 -> a a b a c a a, repeating
 * ```
 */
export class SmoothWeightedRoundRobinPolicy extends BasePolicy {
  readonly name: string = 'swrr';
  readonly #peers = new Map<string, Peer>();
  #alignedSource: readonly Backend[] | undefined;
  #aligned: Peer[] = [];

  pick(backends: readonly Backend[], _context: PickContext): Backend | undefined {
    const peers = this.#align(backends);
    let best = -1;
    let total = 0;
    for (let i = 0; i < peers.length; i++) {
      const peer = peers[i] as Peer;
      if (!(peer.weight > 0)) continue;
      peer.current += peer.weight;
      total += peer.weight;
      if (best < 0 || peer.current > (peers[best] as Peer).current) best = i;
    }
    if (best < 0) return undefined;
    (peers[best] as Peer).current -= total;
    return backends[best];
  }

  #align(backends: readonly Backend[]): readonly Peer[] {
    if (sameBackends(this.#alignedSource, backends)) {
      this.#alignedSource = backends;
      return this.#aligned;
    }
    const present = new Set<string>();
    this.#aligned = backends.map((backend) => {
      present.add(backend.id);
      let peer = this.#peers.get(backend.id);
      if (peer === undefined || peer.weight !== backend.weight) {
        peer = { weight: backend.weight, current: 0 };
        this.#peers.set(backend.id, peer);
      }
      return peer;
    });
    for (const id of this.#peers.keys()) if (!present.has(id)) this.#peers.delete(id);
    this.#alignedSource = backends;
    return this.#aligned;
  }
}
