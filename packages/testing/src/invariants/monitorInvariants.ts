import { parseDuration, SECOND, type Duration, type Instant } from '@knsim/core';
import type { Cluster } from '@knsim/control-plane';
import type { ClusterDns } from '@knsim/dns';
import type { DataPlane } from '@knsim/kube-proxy';
import type { RunContext, ScenarioRun } from '@knsim/scenario';
import { checkDnsMatchesState } from './dnsMatchesState.js';
import { sampleCandidates, type CandidateSample } from './eligibleCandidates.js';
import { checkNoStaleConnections } from './noStaleConnections.js';
import { checkNoTerminatingWhileReady } from './noTerminatingWhileReady.js';
import { PodDeletions } from './podDeletions.js';
import { propagationBound } from './propagationBound.js';
import { checkProxyConvergence } from './proxyConvergence.js';
import { checkReplaysToLiveState } from './replaysToLiveState.js';
import { checkServiceDnsAddresses, ServiceAddressTracker } from './stableServiceAddresses.js';
import { checkUniquePodIps } from './uniquePodIps.js';
import { RUN_INVARIANTS, type InvariantName, type Violation } from './Violation.js';

/** The invariants a monitor can run (all but `sameSeedSameLog`, which needs two runs). */
export type RunInvariantName = Exclude<InvariantName, 'sameSeedSameLog'>;

/**
 * How {@link monitorInvariants} watches a run.
 *
 * @example
 * ```ts
 * const options: MonitorOptions = { invariants: ['noStaleConnections'], period: '500ms', slack: '2s' };
 * ```
 */
export interface MonitorOptions {
  /** Which invariants to check; default all of {@link RUN_INVARIANTS}. */
  readonly invariants?: readonly RunInvariantName[];
  /** How often probes run during the run (a duration string or microseconds); default 1 s. */
  readonly period?: string | Duration;
  /**
   * Added to `max(proxyPropagation) + minSyncPeriod` for the staleness and convergence bounds;
   * default `max(controllerSync) + 1s` (see {@link propagationBound}).
   */
  readonly slack?: string | Duration;
  /** Probe only these nodes (connection probes); default every node. */
  readonly nodes?: readonly string[];
  /** Probe only these Services (`namespace/name`, connection probes); default every Service. */
  readonly services?: readonly string[];
  /** Stop recording after this many violations (the first ones are kept); default 1000. */
  readonly maxViolations?: number;
}

/**
 * Invariant checks for one run: attach before it to probe while it runs, then `check` it.
 *
 * @example
 * ```ts
 * const monitor = monitorInvariants();
 * const run = await runDocument(doc, { attach: monitor.attach });
 * expect(monitor.check(run)).toEqual([]);
 * ```
 */
export interface InvariantMonitor {
  /**
   * Pass as `RunScenarioOptions.attach`: schedules a probe every `period` on the run's virtual
   * clock (read-only: see {@link monitorInvariants}). A bound function, so `{ attach: monitor.attach }` works.
   */
  readonly attach: (context: RunContext) => void;
  /** Every violation recorded so far (probes, and end-of-run checks once `check` ran), in order. */
  readonly violations: () => Violation[];
  /**
   * Runs the end-of-run checks on a finished run (every selected invariant at the final instant,
   * plus `proxyConvergence` and `replaysToLiveState`) and returns every violation recorded,
   * probes included. Works on runs that were not attached too (then only the end is checked,
   * and the whole log for `stableServiceAddresses`).
   */
  readonly check: (run: ScenarioRun) => Violation[];
}

// Which monitor watched which cluster, so `expect(run).toKeepStableEndpoints()` finds it. A weak
// map keyed by the run's own objects: no run is kept alive by it.
const monitors = new WeakMap<Cluster, InvariantMonitor>();

/**
 * The monitor attached to the run of `cluster`, if any.
 *
 * @example
 * ```ts
 * monitorOf(run.cluster)?.check(run);
 * ```
 */
export function monitorOf(cluster: Cluster): InvariantMonitor | undefined {
  return monitors.get(cluster);
}

function duration(value: string | Duration | undefined, fallback: Duration): Duration {
  if (value === undefined) return fallback;
  return typeof value === 'string' ? parseDuration(value) : value;
}

interface Target {
  readonly cluster: Cluster;
  readonly dataPlane: DataPlane;
  readonly dns: ClusterDns;
}

/**
 * Invariant checks usable on any run (see {@link InvariantName} for what each one means).
 *
 * **Probing does not change the run.** Probes are kernel timers that only read: the state,
 * `ClusterDns.query` (answers from the state, no draws), `ProxyViews.seenBy`/`syncs` (each
 * (node, Service) pair draws its delays from its own stream in version order, so asking earlier
 * changes no answer; `syncs` works on a copy), the log (read incrementally), and
 * `DataPlane.connect` from each node with an `endpoint` that is never eligible, which returns the
 * eligible list before any balancing: no balancer random draw, no connection counter, no
 * conntrack or session-affinity entry (a plain `connect` would consume the balancer's stream and
 * shift every later pick of the traffic). Every candidate is judged, not one sampled pick. The
 * log holds only cluster events, so its digest is unchanged; the tests check that the report
 * (per-backend counts included) is identical with and without a monitor. Nodes without a
 * podCIDR are not probed (the data plane caches a node's local-traffic detector at its first use).
 *
 * @example
 * ```ts
 * const monitor = monitorInvariants({ period: '500ms' });
 * const run = await runDocument(doc, { attach: monitor.attach });
 * for (const violation of monitor.check(run)) console.log(formatViolation(violation));
 * ```
 */
export function monitorInvariants(options: MonitorOptions = {}): InvariantMonitor {
  const selected = new Set<RunInvariantName>(options.invariants ?? RUN_INVARIANTS);
  const period = duration(options.period, SECOND);
  if (!(period > 0)) throw new RangeError(`monitorInvariants: period must be positive, got ${period}`);
  const slack = options.slack === undefined ? undefined : duration(options.slack, 0);
  const maxViolations = options.maxViolations ?? 1000;
  const recorded: Violation[] = [];
  const seen = new Set<string>();
  const tracker = new ServiceAddressTracker();
  const deletions = new PodDeletions();
  const has = (name: RunInvariantName): boolean => selected.has(name);

  const record = (violations: readonly Violation[]): void => {
    for (const violation of violations) {
      // The same broken fact seen by several probes is reported once, at its first sighting.
      const key = `${violation.invariant}\u0000${violation.message}`;
      if (seen.has(key) || recorded.length >= maxViolations) continue;
      seen.add(key);
      recorded.push(violation);
    }
  };

  const probe = (target: Target): void => {
    const { cluster, dataPlane, dns } = target;
    const state = cluster.state;
    const at: Instant = cluster.now;
    const domain = cluster.config.clusterDomain;
    let events: typeof cluster.sim.log.events = [];
    try {
      events = cluster.sim.log.events;
    } catch {
      // A log not kept in memory (retainEvents: false): the log-based checks see nothing.
    }
    if (has('uniquePodIps')) record(checkUniquePodIps(state, at));
    if (has('stableServiceAddresses')) {
      record(tracker.observe(events));
      record(checkServiceDnsAddresses(state, dns, domain, at));
    }
    if (has('dnsMatchesState')) record(checkDnsMatchesState(state, dns, domain, at));
    if (has('noStaleConnections') || has('noTerminatingWhileReady')) {
      const filter = {
        ...(options.nodes === undefined ? {} : { nodes: options.nodes }),
        ...(options.services === undefined ? {} : { services: options.services }),
      };
      const samples: CandidateSample[] = sampleCandidates(dataPlane, filter);
      if (has('noStaleConnections')) {
        deletions.observe(events);
        record(
          checkNoStaleConnections(samples, deletions, state, propagationBound(cluster.config, slack), at),
        );
      }
      if (has('noTerminatingWhileReady')) record(checkNoTerminatingWhileReady(samples, at));
    }
  };

  const attach = (context: RunContext): void => {
    monitors.set(context.cluster, monitor);
    const sim = context.cluster.sim;
    const end = context.scenario.duration;
    const target = { cluster: context.cluster, dataPlane: context.dataPlane, dns: context.dns };
    const tick = (at: Instant): void => {
      if (at > end) return;
      sim.at(at, () => {
        probe(target);
        tick(at + period);
      });
    };
    tick(context.cluster.now + period);
  };

  const check = (run: ScenarioRun): Violation[] => {
    probe(run);
    const at = run.cluster.now;
    if (has('proxyConvergence'))
      record(checkProxyConvergence(run.dataPlane, { settle: propagationBound(run.cluster.config, slack) }));
    if (has('replaysToLiveState'))
      record(checkReplaysToLiveState(run.cluster.sim.log, run.cluster.state, at));
    return [...recorded];
  };

  const monitor: InvariantMonitor = { attach, violations: () => [...recorded], check };
  return monitor;
}
