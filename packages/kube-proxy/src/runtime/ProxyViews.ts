import type { EndpointSlice, Service } from '@knsim/api';
import {
  RandomStream,
  sampleDuration,
  type Duration,
  type DurationDistribution,
  type Instant,
} from '@knsim/core';

/** What the API server held for one Service after one change: the object and its slices. */
export interface ServiceVersion {
  /** 0, 1, 2... per Service. */
  readonly index: number;
  readonly changedAt: Instant;
  /** Undefined once the Service is deleted. */
  readonly service: Service | undefined;
  readonly slices: readonly EndpointSlice[];
}

export interface ProxyViewOptions {
  readonly seed: string;
  /** Watch delivery latency from the API server to one node's kube-proxy, per change. */
  readonly propagation: DurationDistribution;
  /** kube-proxy's `minSyncPeriod`: at most one rule sync per interval. */
  readonly minSyncPeriod: Duration;
}

/** One node's kube-proxy: how far it has received and programmed the change log. */
interface NodeState {
  readonly rng: RandomStream;
  /** Log entries [0, arrived) have arrived at the node (one ordered watch stream). */
  arrived: number;
  lastArrival: Instant;
  /** The delivery delay drawn for entry `arrived`. */
  pendingDelay: Duration | undefined;
  /** Log entries [0, applied) are programmed in the node's rules. */
  applied: number;
  lastSync: Instant;
  scheduledSync: Instant | undefined;
  /** Processed up to this instant (the state answers for any later time up to `stableUntil`). */
  processedTo: Instant;
  /** When `applied` may next change (given the changes recorded so far). */
  stableUntil: Instant;
  /** Every sync so far: its time and how much of the log it programmed (for past instants). */
  syncTimes: number[];
  syncApplied: number[];
}

/**
 * What every node's kube-proxy has programmed for every Service, computed lazily.
 *
 * Every change of a Service or of its slices is one entry of an ordered change log (one version
 * of that Service). A node's kube-proxy receives the log as one ordered watch stream: entry k
 * arrives at `max(changedAt + propagation, arrival of entry k-1)`, the delay drawn from the
 * node's own stream in log order. Its rule syncs run as kube-proxy's BoundedFrequencyRunner:
 * when something arrives, at once if the last sync is `minSyncPeriod` old, else at the end of
 * that interval; a sync programs everything arrived by then, for every Service. So a busy node
 * delays every Service's update by up to `minSyncPeriod`, as a real one does. Nothing is computed
 * for a node until some connection asks, a change costs O(1) events whatever the number of
 * nodes, and the answer does not depend on when it is asked (the draws are in log order).
 */
export class ProxyViews {
  readonly #options: ProxyViewOptions;
  readonly #history = new Map<string, ServiceVersion[]>();
  // Per Service, the log index of each of its versions (increasing).
  readonly #logIndices = new Map<string, number[]>();
  readonly #log: ServiceVersion[] = [];
  readonly #nodes = new Map<string, NodeState>();

  constructor(options: ProxyViewOptions) {
    this.#options = options;
  }

  /** Records a change of a Service (or of its slices) at virtual time `at`. */
  recordChange(
    serviceKey: string,
    at: Instant,
    service: Service | undefined,
    slices: readonly EndpointSlice[],
  ): ServiceVersion {
    let versions = this.#history.get(serviceKey);
    if (versions === undefined) {
      this.#history.set(serviceKey, (versions = []));
      this.#logIndices.set(serviceKey, []);
    }
    const version: ServiceVersion = { index: versions.length, changedAt: at, service, slices };
    versions.push(version);
    (this.#logIndices.get(serviceKey) as number[]).push(this.#log.length);
    // Nodes see it at their next query: a query at or after the last processed instant goes on
    // through the longer log (the change comes with a new cluster state, so cached answers go).
    this.#log.push(version);
    return version;
  }

  /** The latest version the API server has (what a converged node would program). */
  latest(serviceKey: string): ServiceVersion | undefined {
    const versions = this.#history.get(serviceKey);
    return versions?.[versions.length - 1];
  }

  /** The version node `node` has programmed at time `at`, or undefined before the first one. */
  seenBy(node: string, serviceKey: string, at: Instant): ServiceVersion | undefined {
    const versions = this.#history.get(serviceKey);
    if (versions === undefined || versions.length === 0) return undefined;
    const state = this.#node(node);
    const applied = this.#appliedAt(state, at);
    const indices = this.#logIndices.get(serviceKey) as number[];
    // The last version of the Service among the programmed log entries [0, applied).
    let low = 0;
    let high = indices.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if ((indices[mid] as number) < applied) low = mid + 1;
      else high = mid;
    }
    return low === 0 ? undefined : versions[low - 1];
  }

  /**
   * Until when the answer of the last {@link ProxyViews.seenBy} for this node stays the same,
   * unless something changes again: its next rule sync or watch delivery.
   */
  stableUntil(node: string, _serviceKey: string): Instant {
    return this.#nodes.get(node)?.stableUntil ?? Number.NEGATIVE_INFINITY;
  }

  /** When `node` programmed each version of a Service, up to `until`. */
  syncs(node: string, serviceKey: string, until: Instant): { version: number; at: Instant }[] {
    const state = this.#node(node);
    this.#advance(state, until);
    const out: { version: number; at: Instant }[] = [];
    for (let i = 0; i < state.syncTimes.length; i++) {
      const at = state.syncTimes[i] as number;
      if (at > until) break;
      const version = this.seenBy(node, serviceKey, at);
      if (version !== undefined && out.at(-1)?.version !== version.index)
        out.push({ version: version.index, at });
    }
    return out;
  }

  /** True when every node that asked has programmed the latest version of every Service. */
  settledAt(at: Instant): boolean {
    for (const state of this.#nodes.values())
      if (this.#appliedAt(state, at) !== this.#log.length) return false;
    return true;
  }

  #node(node: string): NodeState {
    let state = this.#nodes.get(node);
    if (state === undefined) {
      state = {
        rng: new RandomStream(this.#options.seed, `kube-proxy/propagation/${node}`),
        arrived: 0,
        lastArrival: Number.NEGATIVE_INFINITY,
        pendingDelay: undefined,
        applied: 0,
        lastSync: Number.NEGATIVE_INFINITY,
        scheduledSync: undefined,
        processedTo: Number.NEGATIVE_INFINITY,
        stableUntil: Number.NEGATIVE_INFINITY,
        syncTimes: [],
        syncApplied: [],
      };
      this.#nodes.set(node, state);
    }
    return state;
  }

  /** How much of the log the node had programmed at `at` (from its sync history for the past). */
  #appliedAt(state: NodeState, at: Instant): number {
    if (at >= state.processedTo) {
      this.#advance(state, at);
      return state.applied;
    }
    // The last sync at or before `at`.
    const times = state.syncTimes;
    let low = 0;
    let high = times.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if ((times[mid] as number) <= at) low = mid + 1;
      else high = mid;
    }
    return low === 0 ? 0 : (state.syncApplied[low - 1] as number);
  }

  #advance(state: NodeState, at: Instant): void {
    if (at < state.processedTo) return;
    const log = this.#log;
    for (;;) {
      const next = state.arrived;
      let nextArrival = Number.POSITIVE_INFINITY;
      if (next < log.length) {
        state.pendingDelay ??= sampleDuration(this.#options.propagation, state.rng);
        nextArrival = Math.max(
          state.lastArrival,
          (log[next] as ServiceVersion).changedAt + state.pendingDelay,
        );
      }
      const nextSync = state.scheduledSync ?? Number.POSITIVE_INFINITY;
      if (Math.min(nextArrival, nextSync) > at) {
        state.stableUntil = Math.min(nextArrival, nextSync);
        state.processedTo = at;
        return;
      }
      if (nextSync <= nextArrival) {
        state.applied = state.arrived;
        state.lastSync = nextSync;
        state.scheduledSync = undefined;
        state.syncTimes.push(nextSync);
        state.syncApplied.push(state.applied);
        continue;
      }
      state.arrived = next + 1;
      state.lastArrival = nextArrival;
      state.pendingDelay = undefined;
      state.scheduledSync ??= Math.max(nextArrival, state.lastSync + this.#options.minSyncPeriod);
    }
  }
}
