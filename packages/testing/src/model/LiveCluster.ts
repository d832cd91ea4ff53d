import type { KubeObject } from '@knsim/api';
import { formatDuration, maxDuration, SECOND, type Duration, type Instant } from '@knsim/core';
import { Cluster, type ClusterConfigSpec } from '@knsim/control-plane';
import { ClusterDns } from '@knsim/dns';
import { DataPlane } from '@knsim/kube-proxy';
import type { ScenarioDocument } from '../ScenarioDocument.js';
import { checkDnsMatchesState } from '../invariants/dnsMatchesState.js';
import { sampleCandidates } from '../invariants/eligibleCandidates.js';
import { checkNoStaleConnections } from '../invariants/noStaleConnections.js';
import { checkNoTerminatingWhileReady } from '../invariants/noTerminatingWhileReady.js';
import { PodDeletions } from '../invariants/podDeletions.js';
import { propagationBound } from '../invariants/propagationBound.js';
import { checkProxyConvergence } from '../invariants/proxyConvergence.js';
import { checkReplaysToLiveState } from '../invariants/replaysToLiveState.js';
import { checkServiceDnsAddresses, ServiceAddressTracker } from '../invariants/stableServiceAddresses.js';
import { checkUniquePodIps } from '../invariants/uniquePodIps.js';
import type { Violation } from '../invariants/Violation.js';

/**
 * What {@link LiveCluster.start} builds: the same inputs as a scenario's `seed`, `cluster` and
 * `manifests`, so a run can be written back as a scenario file.
 *
 * @example
 * ```ts
 * const options: LiveClusterOptions = { seed: 7, config: { nodes: 3 }, manifests };
 * ```
 */
export interface LiveClusterOptions {
  /** The cluster's seed (every random choice derives from it). Default 1. */
  readonly seed?: number;
  /** The cluster configuration as a scenario's `cluster` section holds it (plain data). Default `{}`. */
  readonly config?: ClusterConfigSpec;
  /** Objects applied at time 0. */
  readonly manifests?: readonly KubeObject[];
  /** Most virtual time the initial convergence may take. Default 10 minutes. */
  readonly convergeLimit?: Duration;
}

/** One timeline step recorded while a command ran: when, the scenario action key, its value. */
export interface RecordedStep {
  readonly at: Instant;
  readonly action: string;
  /** The action's value as a scenario step holds it (mutable: a readiness fault learns its duration when restored). */
  value: unknown;
}

// Commands happen half a second off the whole second: the node-lifecycle controller looks at
// whole multiples of its monitor period, and a command sharing an instant with one of its ticks
// could be ordered differently when the scenario file replays it (there, the step is scheduled
// first). Half seconds never collide with a 5 s grid.
const PHASE = SECOND / 2;

/**
 * A running simulation to drive command by command: a seeded {@link Cluster} with its
 * {@link DataPlane} (every node's kube-proxy and NetworkPolicy agent) and {@link ClusterDns},
 * built from a configuration and manifests and converged, exactly as `knsim run` builds a
 * scenario's cluster. What the model-based commands act on (see {@link clusterCommandsArb}).
 *
 * `violations()` runs the point-in-time invariant checkers of `monitorInvariants` on it (the same
 * functions, not a copy), and every command it is told about is recorded as a scenario timeline
 * step, so a failing command sequence can be written as a file `knsim run` replays
 * ({@link LiveCluster.scenario}).
 *
 * @example
 * ```ts
 * const live = LiveCluster.start({ seed: 1, config: { nodes: 3 }, manifests });
 * live.cluster.scale('Deployment', 'shop', 'web', 5);
 * live.record('scale', { deployment: 'shop/web', replicas: 5 });
 * live.settle();
 * expect(live.violations()).toEqual([]);
 * ```
 */
export class LiveCluster {
  readonly cluster: Cluster;
  readonly dataPlane: DataPlane;
  readonly dns: ClusterDns;
  readonly seed: number;
  readonly config: ClusterConfigSpec;
  readonly manifests: readonly KubeObject[];
  /** The timeline steps recorded so far, in order. */
  readonly steps: RecordedStep[] = [];
  /**
   * The readiness faults started by commands and not restored yet, by the model's number for
   * them (`ModelReadinessFault.seq`): the cluster's fault id and the step that started it.
   */
  readonly readinessFaults = new Map<number, { readonly id: string; readonly step: RecordedStep }>();
  /** Whether the initial convergence finished before its limit. */
  readonly converged: boolean;
  readonly #deletions = new PodDeletions();
  readonly #addresses = new ServiceAddressTracker();

  /**
   * Builds the cluster, attaches the data plane and DNS (before anything runs, so they follow the
   * whole log), converges, and moves the clock to the next half second (see {@link LiveCluster.align}).
   *
   * @example
   * ```ts
   * const live = LiveCluster.start({ config: { nodes: 2 }, manifests });
   * live.cluster.state.pods.size;
   * ```
   */
  static start(options: LiveClusterOptions = {}): LiveCluster {
    return new LiveCluster(options);
  }

  private constructor(options: LiveClusterOptions) {
    this.seed = options.seed ?? 1;
    this.config = options.config ?? {};
    this.manifests = options.manifests ?? [];
    this.cluster = new Cluster({ seed: this.seed, config: this.config, manifests: this.manifests });
    this.dataPlane = new DataPlane(this.cluster);
    // As the scenario runner wires it: a pod's resolver reaches CoreDNS through the data plane.
    this.dns = new ClusterDns(this.cluster, {
      reach: (pod, ip, port, protocol) =>
        this.dataPlane.connect({ kind: 'pod', pod }, { ip, port, protocol }, { trace: false }).result,
    });
    this.converged = this.cluster.converge({ until: options.convergeLimit ?? 10 * 60 * SECOND }).converged;
    this.align();
  }

  /**
   * The cluster's node names, sorted (from the configuration or the Node manifests).
   *
   * @example
   * ```ts
   * live.nodeNames(); // ['node-1', 'node-2', 'node-3']
   * ```
   */
  nodeNames(): string[] {
    return this.cluster.state.nodes.sortedEntries().map(([name]) => name);
  }

  /** The current virtual time. */
  get now(): Instant {
    return this.cluster.now;
  }

  /**
   * How long after a change every node's kube-proxy and NetworkPolicy agent has applied it:
   * max(`proxyPropagation`) + `minSyncPeriod` + max(`policyEnforcement`) + slack (the
   * EndpointSlice controller's longest sync + 1 s, as {@link propagationBound}).
   *
   * @example
   * ```ts
   * live.settleTime; // 12.02 s with the default timings
   * ```
   */
  get settleTime(): Duration {
    const policy = maxDuration(this.cluster.config.timings.policyEnforcement);
    return propagationBound(this.cluster.config) + (Number.isFinite(policy) ? policy : 0);
  }

  /**
   * Runs the simulation for `duration` of virtual time.
   *
   * @example
   * ```ts
   * live.advance(30 * SECOND);
   * ```
   */
  advance(duration: Duration): void {
    this.cluster.runFor(duration);
  }

  /**
   * Runs {@link LiveCluster.settleTime}, then to the next half second: every node has caught up
   * with every change made before the call.
   *
   * @example
   * ```ts
   * live.cluster.scale('Deployment', 'shop', 'web', 0);
   * live.settle();
   * ```
   */
  settle(): void {
    this.advance(this.settleTime);
    this.align();
  }

  /**
   * Runs until nothing is in flight in the control plane (every controller idle, every kubelet
   * step done, back-offs and evictions included) or `limit` has passed, then settles the data
   * plane ({@link LiveCluster.settle}). Returns whether the control plane went quiet.
   *
   * @example
   * ```ts
   * if (live.converge()) expect(readyEndpoints(live, 'shop/web')).toHaveLength(3);
   * ```
   */
  converge(limit: Duration = 30 * 60 * SECOND): boolean {
    const converged = this.cluster.converge({ until: this.now + limit }).converged;
    this.settle();
    return converged;
  }

  /**
   * Moves the clock to the next instant half a second past a whole second (or stays, if already
   * there): commands then never share an instant with the node monitor's ticks, so the scenario
   * file replays them in the same order.
   *
   * @example
   * ```ts
   * live.align(); // now is e.g. 12.5 s
   * ```
   */
  align(): void {
    const offset = (((this.now - PHASE) % SECOND) + SECOND) % SECOND;
    if (offset !== 0) this.advance(SECOND - offset);
  }

  /**
   * Records a command as a scenario timeline step at the current time: `action` is the step's
   * action key (`scale`, `crashNode`...), `value` its value. Returns the step (a readiness fault
   * adds its `duration` when restored).
   *
   * @example
   * ```ts
   * live.record('crashNode', 'node-2');
   * ```
   */
  record(action: string, value: unknown): RecordedStep {
    const step: RecordedStep = { at: this.now, action, value };
    this.steps.push(step);
    return step;
  }

  /**
   * The recorded steps as a scenario's `timeline`: `{ at: '12.5s', scale: {...} }`.
   *
   * @example
   * ```ts
   * live.timeline(); // [{ at: '12.5s', crashNode: 'node-2' }]
   * ```
   */
  timeline(): Readonly<Record<string, unknown>>[] {
    return this.steps.map((step) => ({ at: formatDuration(step.at), [step.action]: step.value }));
  }

  /**
   * This run as a scenario document: the same seed, configuration and manifests, the recorded
   * timeline, and a duration reaching `until` (default now), so `knsim run` replays it to the
   * same instant.
   *
   * @example
   * ```ts
   * writeFileSync('failure.yaml', scenarioYaml(live.scenario('model-failure')));
   * ```
   */
  scenario(name: string, until: Instant = this.now): ScenarioDocument {
    return {
      apiVersion: 'knsim.dev/v1alpha1',
      kind: 'Scenario',
      metadata: { name },
      seed: this.seed,
      duration: formatDuration(Math.max(SECOND, until)),
      cluster: this.config as Readonly<Record<string, unknown>>,
      manifests: this.manifests as unknown as readonly Readonly<Record<string, unknown>>[],
      timeline: this.timeline(),
    };
  }

  /**
   * Every point-in-time invariant at the current instant, with the checkers `monitorInvariants`
   * runs: `uniquePodIps`, `stableServiceAddresses` (the log so far, and DNS answering each
   * ClusterIP), `dnsMatchesState`, `noStaleConnections` and `noTerminatingWhileReady` (every
   * candidate endpoint of every running node, via `sampleCandidates`), `proxyConvergence`
   * (judged `propagationBound` ahead without running further: whatever changed up to now must be
   * programmed by then, so it holds mid-churn too) and `replaysToLiveState` (folding the log so
   * far gives the live state). Reading only: nothing here changes the run.
   *
   * @example
   * ```ts
   * const problems = live.violations();
   * if (problems.length > 0) throw new Error(problems.map(formatViolation).join('\n'));
   * ```
   */
  violations(): Violation[] {
    const cluster = this.cluster;
    const state = cluster.state;
    const at = cluster.now;
    const domain = cluster.config.clusterDomain;
    const events = cluster.sim.log.events;
    this.#deletions.observe(events);
    const samples = sampleCandidates(this.dataPlane);
    return [
      ...checkUniquePodIps(state, at),
      ...this.#addresses.observe(events),
      ...checkServiceDnsAddresses(state, this.dns, domain, at),
      ...checkDnsMatchesState(state, this.dns, domain, at),
      ...checkNoStaleConnections(samples, this.#deletions, state, propagationBound(cluster.config), at),
      ...checkNoTerminatingWhileReady(samples, at),
      ...checkProxyConvergence(this.dataPlane, { settle: propagationBound(cluster.config) }),
      ...checkReplaysToLiveState(cluster.sim.log, state, at),
    ];
  }
}
