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
    if (this.#nodes !== state.nodes) {
      this.#nodes = state.nodes;
      this.#zones.clear();
    }
    const zoneA = this.#zone(state, a);
    const zoneB = this.#zone(state, b);
    return sampleDuration(
      zoneA !== undefined && zoneB !== undefined && zoneA !== zoneB ? s.crossZone : s.crossNode,
      this.#rng,
    );
  }

  // Zones by node, for the node map they were read from.
  #nodes: ClusterState['nodes'] | undefined;
  readonly #zones = new Map<string, string | null>();

  #zone(state: ClusterState, node: string): string | undefined {
    let zone = this.#zones.get(node);
    if (zone === undefined) this.#zones.set(node, (zone = state.nodes.get(node)?.zone ?? null));
    return zone ?? undefined;
  }

  /** Whether a connection attempt's packets are lost. */
  lost(): boolean {
    return this.#settings.loss > 0 && this.#rng.next() < this.#settings.loss;
  }
}
