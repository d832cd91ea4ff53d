import { sampleDuration, type Duration, type RandomStream } from '@knsim/core';
import type { ClusterState } from '@knsim/control-plane';
import type { ResolvedNetwork } from './TrafficSpec.js';

/** A kind of hop a packet can take, each with its own latency setting (see {@link Network.hop}). */
export type Hop = typeof SAME_NODE | typeof CROSS_NODE | typeof CROSS_ZONE | typeof EXTERNAL;
const SAME_NODE = 0;
const CROSS_NODE = 1;
const CROSS_ZONE = 2;
const EXTERNAL = 3;

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
    return this.sample(this.hop(state, a, b));
  }

  /**
   * What kind of hop leads from node `a` to node `b` in `state` (undefined = outside the
   * cluster), for {@link Network.sample}: a path that crosses the same hop many times reads the
   * nodes' zones once.
   */
  hop(state: ClusterState, a: string | undefined, b: string | undefined): Hop {
    if (a === undefined || b === undefined) return EXTERNAL;
    if (a === b) return SAME_NODE;
    if (this.#nodes !== state.nodes) {
      this.#nodes = state.nodes;
      this.#zones.clear();
    }
    const zoneA = this.#zone(state, a);
    const zoneB = this.#zone(state, b);
    return zoneA !== undefined && zoneB !== undefined && zoneA !== zoneB ? CROSS_ZONE : CROSS_NODE;
  }

  /** One-way latency over a hop, with the current settings. */
  sample(hop: Hop): Duration {
    const s = this.#settings;
    return sampleDuration(
      hop === SAME_NODE
        ? s.sameNode
        : hop === CROSS_NODE
          ? s.crossNode
          : hop === CROSS_ZONE
            ? s.crossZone
            : s.external,
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
