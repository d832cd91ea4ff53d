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

interface PairState {
  readonly rng: RandomStream;
  /** Versions up to this index have arrived at the node (watch events arrive in order). */
  arrived: number;
  lastArrival: Instant;
  /** Versions up to this index are programmed in the node's rules. */
  applied: number;
  lastSync: Instant;
  scheduledSync: Instant | undefined;
  /** The delivery delay drawn for version `arrived + 1`. */
  pendingDelay: Duration | undefined;
  /** When `applied` may next change (given the versions recorded so far). */
  stableUntil: Instant;
}

/**
 * What every node's kube-proxy has programmed for every Service, computed lazily.
 *
 * Each Service keeps its history of versions (one per change of the Service or its slices). A
 * node sees version i after the change is delivered to it (`changedAt + propagation`, drawn per
 * node, Service and version, never before the previous version: a watch is ordered) and its rule
 * sync runs (BoundedFrequencyRunner: at once if the last sync is `minSyncPeriod` old, else at the
 * end of that interval). Nothing is computed or stored for a (node, Service) pair until some
 * connection asks, so 5,000 nodes x 10,000 Services cost nothing until used, and a change costs
 * O(1) events whatever the number of nodes. Each pair draws its delays from its own stream, in
 * version order, so the answer does not depend on when it is asked.
 *
 * Deviation: the real rate limiter is per node across Services; here it is per (node, Service).
 */
export class ProxyViews {
  readonly #options: ProxyViewOptions;
  readonly #history = new Map<string, ServiceVersion[]>();
  readonly #pairs = new Map<string, Map<string, PairState>>(); // service -> node -> state

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
    if (versions === undefined) this.#history.set(serviceKey, (versions = []));
    const version: ServiceVersion = { index: versions.length, changedAt: at, service, slices };
    versions.push(version);
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
    let byNode = this.#pairs.get(serviceKey);
    if (byNode === undefined) this.#pairs.set(serviceKey, (byNode = new Map()));
    let pair = byNode.get(node);
    if (pair === undefined) {
      pair = this.#newPair(node, serviceKey);
      byNode.set(node, pair);
    }
    this.#advance(pair, versions, at);
    return pair.applied < 0 ? undefined : versions[pair.applied];
  }

  /**
   * Until when the answer of the last {@link ProxyViews.seenBy} for this pair stays the same,
   * unless the Service changes again: its next rule sync or watch delivery.
   */
  stableUntil(node: string, serviceKey: string): Instant {
    return this.#pairs.get(serviceKey)?.get(node)?.stableUntil ?? Number.NEGATIVE_INFINITY;
  }

  /**
   * When `node` programmed each version of a Service, up to `until`: the same seeded draws as
   * {@link ProxyViews.seenBy} (a fresh copy of the pair's stream), so asking changes nothing.
   */
  syncs(node: string, serviceKey: string, until: Instant): { version: number; at: Instant }[] {
    const versions = this.#history.get(serviceKey) ?? [];
    const pair = this.#newPair(node, serviceKey); // a fresh copy: the same draws, nothing changed
    const out: { version: number; at: Instant }[] = [];
    for (;;) {
      this.#advance(pair, versions, pair.stableUntil);
      if (pair.applied >= 0 && out.at(-1)?.version !== pair.applied)
        out.push({ version: pair.applied, at: pair.lastSync });
      if (!Number.isFinite(pair.stableUntil) || pair.stableUntil > until) return out;
    }
  }

  /** True when every node that asked has programmed the latest version of every Service. */
  settledAt(at: Instant): boolean {
    for (const [serviceKey, byNode] of this.#pairs) {
      const versions = this.#history.get(serviceKey) as ServiceVersion[];
      for (const pair of byNode.values()) {
        this.#advance(pair, versions, at);
        if (pair.applied !== versions.length - 1) return false;
      }
    }
    return true;
  }

  /** A pair that has seen nothing yet; its stream depends only on (seed, node, Service). */
  #newPair(node: string, serviceKey: string): PairState {
    return {
      rng: new RandomStream(this.#options.seed, `kube-proxy/propagation/${node}/${serviceKey}`),
      arrived: -1,
      lastArrival: Number.NEGATIVE_INFINITY,
      applied: -1,
      lastSync: Number.NEGATIVE_INFINITY,
      scheduledSync: undefined,
      pendingDelay: undefined,
      stableUntil: Number.NEGATIVE_INFINITY,
    };
  }

  #advance(pair: PairState, versions: readonly ServiceVersion[], at: Instant): void {
    for (;;) {
      const next = pair.arrived + 1;
      let nextArrival = Number.POSITIVE_INFINITY;
      if (next < versions.length) {
        // One draw per version, in version order, whenever the pair is first asked about it.
        pair.pendingDelay ??= sampleDuration(this.#options.propagation, pair.rng);
        nextArrival = Math.max(
          pair.lastArrival,
          (versions[next] as ServiceVersion).changedAt + pair.pendingDelay,
        );
      }
      const nextSync = pair.scheduledSync ?? Number.POSITIVE_INFINITY;
      if (Math.min(nextArrival, nextSync) > at) {
        pair.stableUntil = Math.min(nextArrival, nextSync);
        return;
      }
      if (nextSync <= nextArrival) {
        pair.applied = pair.arrived;
        pair.lastSync = nextSync;
        pair.scheduledSync = undefined;
        continue;
      }
      pair.arrived = next;
      pair.lastArrival = nextArrival;
      pair.pendingDelay = undefined;
      pair.scheduledSync ??= Math.max(nextArrival, pair.lastSync + this.#options.minSyncPeriod);
    }
  }
}
