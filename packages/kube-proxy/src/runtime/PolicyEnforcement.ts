import type { Protocol } from '@knsim/api';
import {
  RandomStream,
  maxDuration,
  sampleDuration,
  type DurationDistribution,
  type Instant,
} from '@knsim/core';
import type { ClusterState, PodRecord } from '@knsim/control-plane';
import {
  NetworkPolicyEngine,
  type PolicyConnection,
  type PolicyEndpoint,
  type PolicyExplanation,
  type PolicyPodInfo,
} from '@knsim/network-policy';

/** One end of a connection as the data plane knows it (current state). */
export type EnforcedEndpoint =
  | { readonly kind: 'pod'; readonly pod: string; readonly ip: string; readonly node: string }
  | { readonly kind: 'node'; readonly node: string; readonly ip: string }
  | { readonly kind: 'external'; readonly ip: string };

/** What the NetworkPolicy agents decided on one connection set-up. */
export interface EnforcementVerdict {
  readonly allowed: boolean;
  readonly reason: string;
  /** `namespace/name` of the deciding policies (as `PolicyVerdict.policies` of @knsim/network-policy). */
  readonly policies: readonly string[];
  /** The node whose agent dropped it. */
  readonly node?: string;
  /** Until when the same question gets the same answer (absent a state change). */
  readonly stableUntil: Instant;
}

/** The cluster as the NetworkPolicy agents knew it after one change. */
interface PolicyVersion {
  readonly index: number;
  readonly at: Instant;
  readonly state: ClusterState;
}

interface NodeView {
  readonly rng: RandomStream;
  /** The newest version this node's agent enforces. */
  applied: number;
  lastApplied: Instant;
  /** The delay drawn for version `applied + 1`. */
  pendingDelay: number | undefined;
}

const ALLOWED_EVERYWHERE: EnforcementVerdict = {
  allowed: true,
  reason: 'no NetworkPolicy exists',
  policies: [],
  stableUntil: Number.POSITIVE_INFINITY,
};

/**
 * NetworkPolicy as the CNI's per-node agents enforce it (Calico's Felix, Cilium's agent): each
 * node programs every change of policies, pod labels, pod addresses and namespace labels after
 * its own seeded delay, in order, so for a moment nodes disagree and a new pod can be reachable
 * before its node isolates it (the Kubernetes docs warn about exactly this). Egress is judged
 * by the source pod's node, ingress by the destination pod's node, each with what it knows:
 * a peer it has not heard of yet is only an address (ipBlock rules may still match it).
 *
 * Versions are recorded by reference to the immutable cluster state, so a change costs O(1);
 * engines are compiled per distinct (policies, namespaces) pair, lazily.
 */
export class PolicyEnforcement {
  readonly #seed: string;
  readonly #delay: DurationDistribution;
  readonly #maxDelay: number;
  readonly #versions: PolicyVersion[] = [];
  #dropped = 0; // versions pruned from the front (indices stay absolute)
  readonly #nodes = new Map<string, NodeView>();
  readonly #engines = new WeakMap<ClusterState['networkPolicies'], Map<unknown, NetworkPolicyEngine>>();
  readonly #podInfo = new WeakMap<PodRecord, PolicyPodInfo>();
  #everHadPolicies = false;

  constructor(options: {
    seed: string;
    delay: DurationDistribution;
    /**
     * Up to when a node's agent hears the datastore (a partitioned node's is cut off: it keeps
     * enforcing what it had). Default: always now.
     */
    watchTime?: (node: string, now: Instant) => Instant;
  }) {
    this.#seed = options.seed;
    this.#delay = options.delay;
    this.#maxDelay = maxDuration(options.delay);
    this.#watchTime = options.watchTime ?? ((_node, now) => now);
  }

  readonly #watchTime: (node: string, now: Instant) => Instant;

  /** Records the state after a change that matters to policy enforcement. */
  record(at: Instant, state: ClusterState): void {
    if (state.networkPolicies.size > 0) this.#everHadPolicies = true;
    const index = this.#dropped + this.#versions.length;
    this.#versions.push({ index, at, state });
    this.#prune(at);
  }

  /**
   * Judges a connection set-up at `now` from `source` to `destination` (a pod, or an address
   * outside the pod network, where only the source's egress rules apply).
   */
  judge(
    now: Instant,
    source: EnforcedEndpoint,
    destination: Exclude<EnforcedEndpoint, { kind: 'node' }>,
    port: number,
    protocol: Protocol,
  ): EnforcementVerdict {
    if (!this.#everHadPolicies) return ALLOWED_EVERYWHERE;
    if (destination.kind === 'external') {
      if (source.kind !== 'pod') return ALLOWED_EVERYWHERE;
      const view = this.#seenBy(source.node, now);
      if (view.version === undefined)
        return {
          ...ALLOWED_EVERYWHERE,
          reason: 'no NetworkPolicy is programmed yet',
          stableUntil: view.until,
        };
      const state = view.version.state;
      const verdict = this.#engine(state).evaluate(
        this.#connection(state, source, destination, port, protocol),
      );
      return {
        allowed: verdict.allowed,
        reason: verdict.reason,
        policies: verdict.policies,
        ...(verdict.allowed ? {} : { node: source.node }),
        stableUntil: view.until,
      };
    }
    const destinationView = this.#seenBy(destination.node, now);
    const sourceView = source.kind === 'pod' ? this.#seenBy(source.node, now) : destinationView;
    const stableUntil = Math.min(destinationView.until, sourceView.until);
    if (destinationView.version === undefined && sourceView.version === undefined)
      return { ...ALLOWED_EVERYWHERE, reason: 'no NetworkPolicy is programmed yet', stableUntil };

    // Egress, on the source pod's node.
    let egressAdmitting: readonly string[] = [];
    if (source.kind === 'pod' && sourceView.version !== undefined) {
      const engine = this.#engine(sourceView.version.state);
      const connection = this.#connection(sourceView.version.state, source, destination, port, protocol);
      const verdict = engine.evaluate(connection);
      if (!verdict.allowed && verdict.deniedBy === 'egress')
        return {
          allowed: false,
          reason: verdict.reason,
          policies: verdict.policies,
          node: source.node,
          stableUntil,
        };
      if (sourceView.version === destinationView.version)
        return verdict.allowed
          ? { allowed: true, reason: verdict.reason, policies: verdict.policies, stableUntil }
          : {
              allowed: false,
              reason: verdict.reason,
              policies: verdict.policies,
              node: destination.node,
              stableUntil,
            };
      // The nodes disagree for now: keep what the source's node admitted, judge ingress apart.
      egressAdmitting = engine
        .explain(connection)
        .egress.policies.filter((policy) => policy.allowed)
        .map((policy) => policy.policy);
    }
    // Ingress, on the destination pod's node.
    if (destinationView.version === undefined)
      return {
        allowed: true,
        reason: `node ${destination.node} enforces no NetworkPolicy yet`,
        policies: [],
        stableUntil,
      };
    const state = destinationView.version.state;
    const explanation = this.#engine(state).explain(
      this.#connection(state, source, destination, port, protocol),
    );
    const ingress = explanation.ingress;
    if (!ingress.allowed) {
      return {
        allowed: false,
        reason: ingress.text,
        policies: ingress.policies.map((policy) => policy.policy),
        node: destination.node,
        stableUntil,
      };
    }
    const admitting = ingress.policies.filter((policy) => policy.allowed).map((policy) => policy.policy);
    return {
      allowed: true,
      reason: ingress.text,
      policies: [...new Set([...egressAdmitting, ...admitting])].sort(),
      stableUntil,
    };
  }

  /**
   * The full reasoning of the destination's node (or the source's, for an outside destination)
   * on a connection at `now`, rule by rule; undefined when no policy is programmed there.
   */
  explain(
    now: Instant,
    source: EnforcedEndpoint,
    destination: Exclude<EnforcedEndpoint, { kind: 'node' }>,
    port: number,
    protocol: Protocol,
  ): PolicyExplanation | undefined {
    if (!this.#everHadPolicies) return undefined;
    const node =
      destination.kind === 'pod' ? destination.node : source.kind === 'pod' ? source.node : undefined;
    if (node === undefined) return undefined;
    const version = this.#seenBy(node, now).version;
    if (version === undefined) return undefined;
    return this.#engine(version.state).explain(
      this.#connection(version.state, source, destination, port, protocol),
    );
  }

  #connection(
    state: ClusterState,
    source: EnforcedEndpoint,
    destination: EnforcedEndpoint,
    port: number,
    protocol: Protocol,
  ): PolicyConnection {
    return {
      source: this.#endpoint(state, source),
      destination: this.#endpoint(state, destination),
      port,
      protocol,
    };
  }

  /** An endpoint as a node's agent knows it: a pod it has not heard of is just an address. */
  #endpoint(state: ClusterState, endpoint: EnforcedEndpoint): PolicyEndpoint {
    if (endpoint.kind === 'node') return { kind: 'node', nodeName: endpoint.node, ip: endpoint.ip };
    if (endpoint.kind === 'external') return { kind: 'external', ip: endpoint.ip };
    const record = state.pods.get(endpoint.pod);
    if (record === undefined || record.podIP !== endpoint.ip) return { kind: 'external', ip: endpoint.ip };
    return { kind: 'pod', pod: this.#info(record), ip: endpoint.ip };
  }

  #info(record: PodRecord): PolicyPodInfo {
    let info = this.#podInfo.get(record);
    if (info === undefined) {
      info = {
        namespace: record.namespace,
        name: record.name,
        ips: record.podIP === undefined ? [] : [record.podIP],
        labels: record.labels,
        ...(record.nodeName === undefined ? {} : { nodeName: record.nodeName }),
        containerPorts: record.spec.containers.flatMap((container) =>
          (container.ports ?? []).map((p) => ({
            ...(p.name === undefined ? {} : { name: p.name }),
            containerPort: p.containerPort,
            protocol: p.protocol ?? 'TCP',
          })),
        ),
      };
      this.#podInfo.set(record, info);
    }
    return info;
  }

  /** One engine per (policies, namespaces) pair of maps: pod-only changes reuse it. */
  #engine(state: ClusterState): NetworkPolicyEngine {
    let byNamespaces = this.#engines.get(state.networkPolicies);
    if (byNamespaces === undefined) this.#engines.set(state.networkPolicies, (byNamespaces = new Map()));
    let engine = byNamespaces.get(state.namespaces);
    if (engine === undefined) {
      const namespaces = [...state.namespaces.values()].map((namespace) => ({
        name: namespace.metadata.name ?? '',
        labels: namespace.metadata.labels,
      }));
      engine = NetworkPolicyEngine.compile([...state.networkPolicies.values()], namespaces);
      byNamespaces.clear(); // only the latest namespaces matter from here on
      byNamespaces.set(state.namespaces, engine);
    }
    return engine;
  }

  /** The version a node enforces at `now`, and until when that stays so. */
  #seenBy(node: string, at: Instant): { version: PolicyVersion | undefined; until: Instant } {
    const heard = this.#watchTime(node, at);
    // A node cut off from the datastore stays as it is until it heals (a state change).
    const frozen = heard < at;
    const now = heard;
    let view = this.#nodes.get(node);
    if (view === undefined) {
      view = {
        rng: new RandomStream(this.#seed, `network-policy/enforcement/${node}`),
        applied: -1,
        lastApplied: Number.NEGATIVE_INFINITY,
        pendingDelay: undefined,
      };
      this.#nodes.set(node, view);
    }
    const last = this.#dropped + this.#versions.length - 1;
    for (;;) {
      const next = view.applied + 1;
      if (next > last) return { version: this.#version(view.applied), until: Number.POSITIVE_INFINITY };
      if (next < this.#dropped) {
        // Pruned versions: every node has had time to program them, draws or not.
        view.applied = this.#dropped - 1;
        view.pendingDelay = undefined;
        continue;
      }
      view.pendingDelay ??= sampleDuration(this.#delay, view.rng);
      const visible = Math.max(
        view.lastApplied,
        (this.#version(next) as PolicyVersion).at + view.pendingDelay,
      );
      if (visible > now)
        return { version: this.#version(view.applied), until: frozen ? Number.POSITIVE_INFINITY : visible };
      view.applied = next;
      view.lastApplied = visible;
      view.pendingDelay = undefined;
    }
  }

  #version(index: number): PolicyVersion | undefined {
    if (index < 0) return undefined;
    return this.#versions[index - this.#dropped] ?? this.#versions[0];
  }

  // Versions every node must have programmed by now can go, but the newest of them stays. A node
  // cut off from the datastore has heard nothing since it was: nothing it has not heard goes.
  #prune(now: Instant): void {
    if (!Number.isFinite(this.#maxDelay) || this.#versions.length < 64) return;
    let horizon = now;
    for (const node of this.#nodes.keys()) horizon = Math.min(horizon, this.#watchTime(node, now));
    let keepFrom = 0;
    while (
      keepFrom + 1 < this.#versions.length &&
      (this.#versions[keepFrom + 1] as PolicyVersion).at + this.#maxDelay < horizon
    )
      keepFrom++;
    if (keepFrom > 0) {
      this.#versions.splice(0, keepFrom);
      this.#dropped += keepFrom;
    }
  }
}
