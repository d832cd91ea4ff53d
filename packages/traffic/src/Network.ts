import { sampleDuration, type Duration, type RandomStream } from '@knsim/core';
import type { ClusterState } from '@knsim/control-plane';
import type { ResolvedNetwork } from './TrafficSpec.js';

/**
 * One-way packet latency between two places: the same node, two nodes of one zone, two zones,
 * or the outside world. Settings can be changed during a run (a latency fault).
 */
export class Network {
  #settings: ResolvedNetwork;
  readonly #rng: RandomStream;

  constructor(settings: ResolvedNetwork, rng: RandomStream) {
    this.#settings = settings;
    this.#rng = rng;
  }

  get settings(): ResolvedNetwork {
    return this.#settings;
  }

  set settings(settings: ResolvedNetwork) {
    this.#settings = settings;
  }

  /** One-way latency from node `a` to node `b` (undefined = outside the cluster). */
  oneWay(state: ClusterState, a: string | undefined, b: string | undefined): Duration {
    const s = this.#settings;
    if (a === undefined || b === undefined) return sampleDuration(s.external, this.#rng);
    if (a === b) return sampleDuration(s.sameNode, this.#rng);
    const zoneA = state.nodes.get(a)?.zone;
    const zoneB = state.nodes.get(b)?.zone;
    return sampleDuration(
      zoneA !== undefined && zoneB !== undefined && zoneA !== zoneB ? s.crossZone : s.crossNode,
      this.#rng,
    );
  }

  /** Whether a connection attempt's packets are lost. */
  lost(): boolean {
    return this.#settings.loss > 0 && this.#rng.next() < this.#settings.loss;
  }
}
