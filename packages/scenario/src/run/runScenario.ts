import { compileLabelSelector, parseLabelSelector, type Protocol } from '@knsim/api';
import { CommandRejected, formatDuration, type Duration, type Instant, type RandomStream } from '@knsim/core';
import { Cluster, type ClusterState, type PodRecord } from '@knsim/control-plane';
import { ClusterDns } from '@knsim/dns';
import { IngressController } from '@knsim/ingress';
import { DataPlane, type ConnectResult, type ConnectSource } from '@knsim/kube-proxy';
import {
  coefficientOfVariation,
  fairnessReport,
  jainIndex,
  maxOverMean,
  TrafficEngine,
  TrafficMetrics,
  type ResolvedNetwork,
} from '@knsim/traffic';
import type { Comparator, Expectation, ExpectationCheck, PodPattern, ReachTarget } from '../Expectation.js';
import type { Scenario } from '../Scenario.js';
import { scenarioDigest } from '../scenarioDigest.js';
import type { ScenarioLocation } from '../SourceLocator.js';
import type { Condition, ObjectName, ScenarioAction, TimelineStep } from '../TimelineStep.js';
import type {
  ExpectationResult,
  RunReport,
  ServiceReport,
  TimelineResult,
  Where,
  WorkloadReport,
} from './RunReport.js';

/** What a run is made of, for observers attached before it starts (invariant monitors, probes). */
export interface RunContext {
  readonly scenario: Scenario;
  readonly cluster: Cluster;
  readonly dataPlane: DataPlane;
  readonly dns: ClusterDns;
  readonly engine: TrafficEngine;
  readonly metrics: TrafficMetrics;
}

/** How a run is watched. */
export interface RunScenarioOptions {
  /**
   * Called once everything is built and before time starts: schedule probes with
   * `context.cluster.sim.at(...)` or follow `context.cluster.sim.events$`.
   */
  readonly attach?: (context: RunContext) => void;
  /** Called after each slice of simulated time (about 1% of the run). */
  readonly onProgress?: (progress: {
    readonly now: Instant;
    readonly duration: Duration;
    readonly events: number;
    /** Kernel events run so far (timers, deliveries: what the simulation costs). */
    readonly steps: number;
  }) => void;
}

/** A finished run: its report and the simulation behind it (log, final state). */
export interface ScenarioRun {
  readonly report: RunReport;
  readonly cluster: Cluster;
  readonly dataPlane: DataPlane;
  readonly dns: ClusterDns;
  readonly metrics: TrafficMetrics;
}

/** The node actions of a timeline, as Cluster commands. */
const NODE_ACTIONS: Readonly<
  Record<
    'crashNode' | 'partitionNode' | 'recoverNode' | 'drainNode' | 'cordonNode' | 'uncordonNode',
    (cluster: Cluster, node: string) => void
  >
> = {
  crashNode: (cluster, node) => cluster.crashNode(node),
  partitionNode: (cluster, node) => cluster.partitionNode(node),
  recoverNode: (cluster, node) => cluster.recoverNode(node),
  drainNode: (cluster, node) => cluster.drain(node),
  cordonNode: (cluster, node) => cluster.cordon(node),
  uncordonNode: (cluster, node) => cluster.uncordon(node),
};

/** `file:line:column (path)`. */
export function formatWhere(location: ScenarioLocation): Where {
  const position = location.line === undefined ? '' : `:${location.line}:${location.column ?? 1}`;
  return `${location.file}${position} (${location.path})`;
}

function key(name: ObjectName): string {
  return `${name.namespace}/${name.name}`;
}

function compare(value: number, comparator: Comparator): boolean {
  return (
    (comparator.atLeast === undefined || value >= comparator.atLeast) &&
    (comparator.atMost === undefined || value <= comparator.atMost) &&
    (comparator.equals === undefined || value === comparator.equals)
  );
}

function describeComparator(comparator: Comparator, format: (value: number) => string = String): string {
  const parts: string[] = [];
  if (comparator.atLeast !== undefined) parts.push(`>= ${format(comparator.atLeast)}`);
  if (comparator.atMost !== undefined) parts.push(`<= ${format(comparator.atMost)}`);
  if (comparator.equals !== undefined) parts.push(`= ${format(comparator.equals)}`);
  return parts.join(' and ');
}

function round(value: number, digits = 4): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}

/**
 * The Service a workload's `HOST:PORT` names, if it names one (a bare name: in the client pods'
 * namespace, the first domain of their search path).
 */
function serviceOfHost(
  host: string,
  domain: string,
  state: ClusterState,
  clientNamespace?: string,
): string | null {
  if (host.startsWith('service/')) return host.slice('service/'.length);
  const byIp = state.clusterIPs.get(host);
  if (byIp !== undefined) return byIp;
  const labels = host.replace(/\.$/, '').split('.');
  if (labels.length === 1 && clientNamespace !== undefined)
    return state.services.has(`${clientNamespace}/${host}`) ? `${clientNamespace}/${host}` : null;
  if (labels.length < 2) return null;
  const rest = labels.slice(2);
  const suffix = ['svc', ...domain.split('.')];
  if (!rest.every((label, i) => label === suffix[i])) return null;
  const candidate = `${labels[1]}/${labels[0]}`;
  return state.services.has(candidate) ? candidate : null;
}

/**
 * Runs a scenario: builds the cluster from its configuration and manifests, attaches the data
 * plane, cluster DNS and the traffic engine, drives the timeline on the kernel (commands the
 * cluster refuses are logged and reported, the run goes on), checks every expectation at its
 * time or over its window, and reports. Same scenario and seed, same log and report.
 *
 * @example
 * ```ts
 * const scenario = await loadScenario('scenarios/node-crash-during-rollout.yaml');
 * const { report } = runScenario(scenario);
 * report.passed; // every expectation held
 * ```
 */
export function runScenario(scenario: Scenario, options: RunScenarioOptions = {}): ScenarioRun {
  const cluster = new Cluster({
    seed: scenario.seed,
    config: scenario.cluster.config,
    manifests: scenario.manifests.objects,
    scenarioDigest: scenarioDigest(scenario),
  });
  const dataPlane = new DataPlane(cluster);
  const dns = new ClusterDns(cluster, {
    reach: (pod, ip, port, protocol) =>
      dataPlane.connect({ kind: 'pod', pod }, { ip, port, protocol }, { trace: false }).result,
  });
  // Windows fine enough for the charts and the expectation windows (whole seconds for runs up
  // to 10 minutes), bounded in number for long runs.
  const window = Math.max(1_000_000, Math.ceil(scenario.duration / 600 / 1_000_000) * 1_000_000);
  const metrics = new TrafficMetrics({ window });
  const engine = new TrafficEngine({
    cluster,
    dataPlane,
    dns,
    metrics,
    workloads: scenario.traffic.resolved.workloads,
    servers: scenario.traffic.resolved.servers,
    network: scenario.traffic.resolved.network,
  });
  const run = new Run(scenario, cluster, dataPlane, dns, engine, metrics);
  options.attach?.({ scenario, cluster, dataPlane, dns, engine, metrics });
  engine.start();
  run.schedule();
  const duration = scenario.duration;
  const slice = Math.max(1, Math.round(duration / 100));
  for (let until = Math.min(duration, slice); ; until = Math.min(duration, until + slice)) {
    cluster.sim.run({ until });
    options.onProgress?.({
      now: cluster.now,
      duration,
      events: cluster.sim.log.length,
      steps: cluster.sim.queue.executed,
    });
    if (until >= duration) break;
  }
  return { report: run.report(window), cluster, dataPlane, dns, metrics };
}

/** The state of one run: timeline and expectation bookkeeping. */
class Run {
  readonly #timeline: TimelineResult[] = [];
  readonly #results = new Map<Expectation, ExpectationResult>();
  readonly #rng: RandomStream;
  #ingress: IngressController | undefined;

  constructor(
    readonly scenario: Scenario,
    readonly cluster: Cluster,
    readonly dataPlane: DataPlane,
    readonly dns: ClusterDns,
    readonly engine: TrafficEngine,
    readonly metrics: TrafficMetrics,
  ) {
    this.#rng = cluster.sim.rng('scenario/timeline');
  }

  schedule(): void {
    this.#followBackends(0);
    for (const step of this.scenario.timeline) this.#scheduleStep(step);
    for (const expectation of this.scenario.expectations) this.#scheduleExpectation(expectation);
  }

  /**
   * The Service a workload's requests end up at: its target, or for requests through the Ingress
   * controller, the backend Service the controller routes their host and path to.
   */
  #serviceOf(
    workload: Scenario['traffic']['resolved']['workloads'][number],
    state: ClusterState,
  ): string | null {
    if (workload.http === undefined)
      return serviceOfHost(
        workload.host,
        this.cluster.config.clusterDomain,
        state,
        clientNamespaceOf(workload),
      );
    try {
      this.#ingress ??= new IngressController(this.cluster, this.dataPlane);
      const decision = this.#ingress.router.route({
        host: workload.http.host ?? workload.host,
        path: workload.http.path,
      });
      return decision.kind === 'backend' || decision.kind === 'default-backend'
        ? `${decision.service.namespace}/${decision.service.name}`
        : null;
    } catch {
      return null; // no controller: nothing is reached
    }
  }

  /**
   * Every metrics window, the ready endpoint pods of each workload's Service are registered as
   * its backends, so a pod that got nothing counts as 0 in fairness (a new pod left idle by
   * long-lived connections is exactly what fairness must show).
   */
  #followBackends(at: Instant): void {
    if (at > this.scenario.duration) return;
    this.cluster.sim.at(at, () => {
      const state = this.cluster.state;
      let byIp: Map<string, string> | undefined;
      for (const workload of this.scenario.traffic.resolved.workloads) {
        const service = this.#serviceOf(workload, state);
        if (service === null) continue;
        if (byIp === undefined) {
          byIp = new Map();
          for (const pod of state.pods.values()) if (pod.podIP !== undefined) byIp.set(pod.podIP, pod.key);
        }
        const pods: string[] = [];
        for (const ip of this.#readyEndpoints(service)) {
          const pod = byIp.get(ip);
          if (pod !== undefined) pods.push(pod);
        }
        this.metrics.expectBackends(workload.name, pods);
      }
      this.#followBackends(at + this.metrics.window);
    });
  }

  // --- Timeline -------------------------------------------------------------------------------

  #scheduleStep(step: TimelineStep): void {
    const sim = this.cluster.sim;
    const trigger = step.trigger;
    switch (trigger.kind) {
      case 'at':
        sim.at(trigger.at, () => this.#perform(step));
        return;
      case 'every': {
        const tick = (at: Instant): void => {
          if (at >= trigger.until || at > this.scenario.duration) return;
          sim.at(at, () => {
            this.#perform(step);
            tick(at + trigger.every);
          });
        };
        tick(trigger.from);
        return;
      }
      case 'when': {
        let held = false;
        const check = (at: Instant): void => {
          if (at >= trigger.until || at > this.scenario.duration) return;
          sim.at(at, () => {
            const holds = this.#holds(trigger.condition);
            const fire = holds && !held;
            held = holds;
            if (fire) this.#perform(step);
            if (fire && !trigger.repeat) return;
            check(at + trigger.check);
          });
        };
        check(trigger.from);
        return;
      }
    }
  }

  #holds(condition: Condition): boolean {
    if (condition.kind === 'all') return condition.conditions.every((c) => this.#holds(c));
    if (condition.kind === 'any') return condition.conditions.some((c) => this.#holds(c));
    const state = this.cluster.state;
    if (condition.kind === 'podsReady') {
      const matches = compileLabelSelector(parseLabelSelector(condition.selector));
      let ready = 0;
      for (const pod of state.pods.values())
        if (
          (condition.namespace === undefined || pod.namespace === condition.namespace) &&
          pod.ready &&
          matches(pod.labels)
        )
          ready++;
      return ready >= condition.count;
    }
    return this.#readyEndpoints(key(condition.service)).length >= condition.count;
  }

  #readyEndpoints(service: string): string[] {
    const state = this.cluster.state;
    const out = new Set<string>();
    for (const sliceKey of this.cluster.index.slicesOfService(service))
      for (const endpoint of state.endpointSlices.get(sliceKey)?.endpoints ?? [])
        if (endpoint.conditions?.ready === true) for (const address of endpoint.addresses) out.add(address);
    return [...out].sort();
  }

  #perform(step: TimelineStep): void {
    let result = 'ok';
    try {
      result = this.#act(step.action) ?? 'ok';
    } catch (error) {
      if (!(error instanceof CommandRejected)) throw error;
      this.cluster.recordRejection(error);
      result = `refused: ${error.reason}`;
    }
    this.#timeline.push({ at: this.cluster.now, name: step.name, result, where: formatWhere(step.location) });
  }

  /** Performs one action; returns a note for the report when there is more to say than `ok`. */
  #act(action: ScenarioAction): string | undefined {
    const cluster = this.cluster;
    switch (action.type) {
      case 'apply':
      case 'applyPolicy':
        cluster.apply(...action.objects);
        return undefined;
      case 'delete':
        cluster.delete(action.kind, action.namespace, action.name);
        return undefined;
      case 'deletePolicy':
        cluster.delete('NetworkPolicy', action.policy.namespace, action.policy.name);
        return undefined;
      case 'patch':
        cluster.patch(action.kind, action.namespace, action.name, action.merge);
        return undefined;
      case 'scale':
        cluster.scale(action.kind, action.target.namespace, action.target.name, action.replicas);
        return undefined;
      case 'rollout': {
        const template =
          action.image === undefined ? undefined : this.#withImage(action.kind, action.target, action.image);
        cluster.rollout(action.kind, action.target.namespace, action.target.name, template);
        return undefined;
      }
      case 'killPod':
        cluster.killPod(action.pod.namespace, action.pod.name);
        return undefined;
      case 'killPods': {
        const matches = compileLabelSelector(parseLabelSelector(action.selector));
        const candidates = [...cluster.state.pods.values()]
          .filter(
            (pod) =>
              (action.namespace === undefined || pod.namespace === action.namespace) &&
              pod.deletionRequestedAt === undefined &&
              pod.containersRunning &&
              matches(pod.labels),
          )
          .map((pod) => pod.key)
          .sort();
        const killed: string[] = [];
        for (let i = 0; i < action.count && candidates.length > 0; i++) {
          const [pod] = candidates.splice(this.#rng.int(0, candidates.length - 1), 1) as [string];
          const slash = pod.indexOf('/');
          cluster.killPod(pod.slice(0, slash), pod.slice(slash + 1));
          killed.push(pod);
        }
        return killed.length === 0 ? 'no pod matched' : `killed ${killed.join(', ')}`;
      }
      case 'crashNode':
      case 'partitionNode':
      case 'recoverNode':
      case 'drainNode':
      case 'cordonNode':
      case 'uncordonNode':
        NODE_ACTIONS[action.type](cluster, action.node);
        return undefined;
      case 'failReadiness': {
        const id = cluster.failReadiness(action.selector, action.namespace);
        if (action.duration !== undefined)
          cluster.sim.after(action.duration, () => cluster.restoreReadiness(id));
        return undefined;
      }
      case 'dnsOutage': {
        // CoreDNS stops answering at once: queries time out (its pods stay in the endpoints, as
        // a wedged or overloaded CoreDNS does). CoreDNS pods going unready is failReadiness.
        this.dns.outage = true;
        if (action.duration !== undefined)
          cluster.sim.after(action.duration, () => {
            this.dns.outage = false;
          });
        return undefined;
      }
      case 'network': {
        const current = this.engine.network.settings;
        const next: ResolvedNetwork = {
          ...current,
          ...(action.sameNode === undefined ? {} : { sameNode: action.sameNode }),
          ...(action.crossNode === undefined ? {} : { crossNode: action.crossNode }),
          ...(action.crossZone === undefined ? {} : { crossZone: action.crossZone }),
          ...(action.external === undefined ? {} : { external: action.external }),
          ...(action.loss === undefined ? {} : { loss: action.loss }),
        };
        this.engine.network.settings = next;
        return undefined;
      }
    }
  }

  #withImage(
    kind: 'Deployment' | 'StatefulSet' | 'DaemonSet',
    target: ObjectName,
    image: { readonly container: string; readonly image: string },
  ) {
    const state = this.cluster.state;
    const name = key(target);
    const template =
      kind === 'Deployment'
        ? state.deployments.get(name)?.deployment.spec.template
        : kind === 'StatefulSet'
          ? state.statefulSets.get(name)?.statefulSet.spec.template
          : state.daemonSets.get(name)?.daemonSet.spec.template;
    if (template === undefined) return undefined; // the rollout itself reports it missing
    if (!template.spec.containers.some((c) => c.name === image.container))
      throw new CommandRejected(
        `rollout ${kind} ${name}`,
        `no container named ${JSON.stringify(image.container)} in the pod template`,
      );
    return {
      ...template,
      spec: {
        ...template.spec,
        containers: template.spec.containers.map((c) =>
          c.name === image.container ? { ...c, image: image.image } : c,
        ),
      },
    };
  }

  // --- Expectations ---------------------------------------------------------------------------

  #scheduleExpectation(expectation: Expectation): void {
    const sim = this.cluster.sim;
    const time = expectation.time;
    const check = expectation.check;
    if (check.type === 'metric') {
      const from = time.kind === 'at' ? 0 : time.from;
      const to = time.kind === 'at' ? time.at : time.to;
      // Backend counts and DNS queries at the start of the window, to subtract at its end.
      let before: Record<string, { requests: number; connections: number }> = {};
      let queriesBefore = 0;
      sim.at(from, () => {
        before = this.metrics.backendCounts(check.workload);
        queriesBefore = this.metrics.summary(check.workload).dnsQueries;
      });
      sim.at(Math.min(to, this.scenario.duration), () => {
        this.#record(expectation, this.#checkMetric(check, from, to, before, queriesBefore));
      });
      return;
    }
    if (time.kind === 'at') {
      sim.at(time.at, () => this.#record(expectation, this.#checkPoint(check)));
      return;
    }
    // A point check over a window must hold at every sampled instant; the first failure is kept.
    let failed: { observed: string; at: Instant } | undefined;
    let last: string | undefined;
    const sample = (at: Instant): void => {
      if (at >= time.to || at > this.scenario.duration) {
        sim.at(Math.min(Math.max(at, this.cluster.now), this.scenario.duration), () =>
          this.#record(
            expectation,
            failed === undefined
              ? { passed: true, expected: this.#expected(check), observed: last ?? 'nothing sampled' }
              : {
                  passed: false,
                  expected: this.#expected(check),
                  observed: `at ${formatDuration(failed.at)}: ${failed.observed}`,
                },
          ),
        );
        return;
      }
      sim.at(at, () => {
        const verdict = this.#checkPoint(check);
        last = verdict.observed;
        if (!verdict.passed && failed === undefined) failed = { observed: verdict.observed, at };
        sample(at + time.check);
      });
    };
    sample(time.from);
  }

  #record(expectation: Expectation, verdict: { passed: boolean; expected: string; observed: string }): void {
    const time = expectation.time;
    this.#results.set(expectation, {
      name: expectation.name,
      passed: verdict.passed,
      expected: verdict.expected,
      observed: verdict.observed,
      where: formatWhere(expectation.location),
      when:
        time.kind === 'at'
          ? `at ${formatDuration(time.at)}`
          : `over ${formatDuration(time.from)}..${formatDuration(time.to)}`,
    });
  }

  #expected(check: ExpectationCheck): string {
    switch (check.type) {
      case 'reach':
        return `reach ${describeSource(check.from)} -> ${describeTarget(check.to)}${check.port === undefined ? '' : `:${check.port}`}/${check.protocol}: ${check.result}`;
      case 'dns':
        return `dns ${check.name} ${check.queryType}${check.from === undefined ? '' : ` from ${key(check.from)}`}: ${check.rcode}${
          check.answers === undefined
            ? ''
            : ` with ${
                check.answers.kind === 'values'
                  ? check.answers.values.join(', ')
                  : check.answers.kind === 'clusterIPOf'
                    ? `the ClusterIP of ${key(check.answers.service)}`
                    : `the ready pod IPs of ${key(check.answers.service)}`
              }`
        }`;
      case 'route':
        return `route ${check.host ?? '(controller address)'}${check.path}: ${[
          check.status === undefined ? undefined : `status ${check.status}`,
          check.service === undefined ? undefined : `service ${key(check.service)}`,
          check.pod === undefined ? undefined : `pod ${describePattern(check.pod)}`,
        ]
          .filter((part) => part !== undefined)
          .join(', ')}`;
      case 'endpoints':
        return `eligible endpoints of ${key(check.service)} on ${check.node}: ${[
          check.count === undefined ? undefined : `count ${describeComparator(check.count)}`,
          check.selector === undefined ? undefined : `all pods match ${check.selector}`,
        ]
          .filter((part) => part !== undefined)
          .join(', ')}`;
      case 'metric':
        return `${check.workload}: ${describeMetric(check.metric)}`;
    }
  }

  #checkPoint(check: ExpectationCheck): { passed: boolean; expected: string; observed: string } {
    const expected = this.#expected(check);
    switch (check.type) {
      case 'reach':
        return { expected, ...this.#checkReach(check) };
      case 'dns':
        return { expected, ...this.#checkDns(check) };
      case 'route':
        return { expected, ...this.#checkRoute(check) };
      case 'endpoints':
        return { expected, ...this.#checkEndpoints(check) };
      case 'metric':
        return { expected, passed: false, observed: 'a metric needs a window' };
    }
  }

  #pods(pattern: PodPattern): PodRecord[] {
    const state = this.cluster.state;
    if (!pattern.prefix) {
      const pod = state.pods.get(`${pattern.namespace}/${pattern.name}`);
      return pod === undefined ? [] : [pod];
    }
    return [...state.pods.values()]
      .filter(
        (pod) =>
          pod.namespace === pattern.namespace &&
          pod.name.startsWith(pattern.name) &&
          pod.deletionRequestedAt === undefined,
      )
      .sort((a, b) => (a.key < b.key ? -1 : 1));
  }

  #checkReach(check: Extract<ExpectationCheck, { type: 'reach' }>): { passed: boolean; observed: string } {
    const sources: { label: string; source: ConnectSource }[] =
      check.from.kind === 'pod'
        ? this.#pods(check.from).map((pod) => ({ label: pod.key, source: { kind: 'pod', pod: pod.key } }))
        : check.from.kind === 'node'
          ? [{ label: `node/${check.from.node}`, source: { kind: 'node', node: check.from.node } }]
          : [
              {
                label: 'external',
                source:
                  check.from.ip === undefined
                    ? { kind: 'external' }
                    : { kind: 'external', ip: check.from.ip },
              },
            ];
    if (sources.length === 0)
      return { passed: false, observed: `no pod matches ${describeSource(check.from)}` };
    const observed: string[] = [];
    let passed = true;
    for (const { label, source } of sources) {
      const targets = this.#targets(check.to, check.port, source);
      if (targets.length === 0) {
        passed = false;
        observed.push(`${label}: nothing matches ${describeTarget(check.to)}`);
        continue;
      }
      for (const target of targets) {
        const result =
          target.failure !== undefined
            ? { result: target.failure, reason: target.label }
            : this.dataPlane.connect(source, {
                ip: target.ip,
                port: target.port,
                protocol: check.protocol as Protocol,
              });
        const ok =
          check.result === 'blocked' ? result.result !== 'connected' : result.result === check.result;
        if (!ok) passed = false;
        if (!ok || observed.length < 4)
          observed.push(
            `${label} -> ${target.label}: ${result.result}${result.result === 'connected' ? '' : ` (${result.reason})`}`,
          );
      }
    }
    return { passed, observed: observed.join('; ') };
  }

  #targets(
    to: ReachTarget,
    port: number | undefined,
    source: ConnectSource,
  ): {
    ip: string;
    port: number;
    label: string;
    failure?: ConnectResult['result'] | 'nxdomain' | 'dns-failure';
  }[] {
    const state = this.cluster.state;
    if (to.kind === 'pod') {
      return this.#pods(to).flatMap((pod) => {
        if (pod.podIP === undefined) return [];
        const ports =
          port !== undefined
            ? [port]
            : pod.spec.containers.flatMap((c) => (c.ports ?? []).map((p) => p.containerPort)).slice(0, 1);
        return ports.map((p) => ({ ip: pod.podIP as string, port: p, label: `${pod.key}:${p}` }));
      });
    }
    if (to.kind === 'service') {
      const service = state.services.get(key(to.service))?.service;
      const ip = service?.spec.clusterIP;
      if (service === undefined || ip === undefined || ip === 'None' || ip === '') return [];
      const servicePort = port ?? service.spec.ports?.[0]?.port;
      return servicePort === undefined
        ? []
        : [{ ip, port: servicePort, label: `service ${key(to.service)}:${servicePort}` }];
    }
    const targetPort = port ?? 80;
    if (/^\d+\.\d+\.\d+\.\d+$/.test(to.host))
      return [{ ip: to.host, port: targetPort, label: `${to.host}:${targetPort}` }];
    // A DNS name, resolved as the source would.
    if (source.kind === 'pod') {
      const resolved = this.dns.resolve(source.pod, to.host, 'A');
      const ip = resolved.ok ? resolved.response?.answer.find((r) => r.type === 'A')?.data : undefined;
      if (ip === undefined) {
        const rcode = resolved.tries.at(-1)?.rcode;
        return [
          {
            ip: '',
            port: targetPort,
            label: `${to.host} (${rcode ?? 'no answer'})`,
            failure: rcode === 'NXDOMAIN' ? 'nxdomain' : rcode === 'TIMEOUT' ? 'timeout' : 'dns-failure',
          },
        ];
      }
      return [{ ip, port: targetPort, label: `${to.host} (${ip}):${targetPort}` }];
    }
    const answer = this.dns.query(to.host.endsWith('.') ? to.host : `${to.host}.`, 'A');
    const ip = answer.answer.find((r) => r.type === 'A')?.data;
    if (ip === undefined)
      return [
        {
          ip: '',
          port: targetPort,
          label: `${to.host} (${answer.rcode})`,
          failure: answer.rcode === 'NXDOMAIN' ? 'nxdomain' : 'dns-failure',
        },
      ];
    return [{ ip, port: targetPort, label: `${to.host} (${ip}):${targetPort}` }];
  }

  #checkDns(check: Extract<ExpectationCheck, { type: 'dns' }>): { passed: boolean; observed: string } {
    const response =
      check.from === undefined
        ? this.dns.query(check.name.endsWith('.') ? check.name : `${check.name}.`, check.queryType)
        : (() => {
            const pod = key(check.from);
            if (!this.cluster.state.pods.has(pod)) return undefined;
            const resolved = this.dns.resolve(pod, check.name, check.queryType);
            return resolved.response ?? { rcode: resolved.tries.at(-1)?.rcode ?? 'SERVFAIL', answer: [] };
          })();
    if (response === undefined) return { passed: false, observed: `no pod ${key(check.from as ObjectName)}` };
    const data = response.answer
      .filter((record) => check.queryType === 'ANY' || record.type === check.queryType)
      .map((record) => record.data)
      .sort();
    const observed = `${response.rcode}${data.length === 0 ? '' : ` ${data.join(', ')}`}`;
    if (response.rcode !== check.rcode) return { passed: false, observed };
    if (check.answers === undefined) return { passed: true, observed };
    const wanted = this.#symbolicAnswers(check.answers);
    const same = wanted.length === data.length && wanted.every((value, i) => value === data[i]);
    return {
      passed: same,
      observed: same ? observed : `${observed} (expected ${wanted.join(', ') || 'no answer'})`,
    };
  }

  #symbolicAnswers(answers: NonNullable<Extract<ExpectationCheck, { type: 'dns' }>['answers']>): string[] {
    if (answers.kind === 'values') return [...answers.values].sort();
    const service = this.cluster.state.services.get(key(answers.service))?.service;
    if (answers.kind === 'clusterIPOf') {
      const ips =
        service?.spec.clusterIPs ?? (service?.spec.clusterIP === undefined ? [] : [service.spec.clusterIP]);
      return ips.filter((ip) => ip !== 'None' && ip !== '').sort();
    }
    return this.#readyEndpoints(key(answers.service));
  }

  #checkRoute(check: Extract<ExpectationCheck, { type: 'route' }>): { passed: boolean; observed: string } {
    this.#ingress ??= new IngressController(this.cluster, this.dataPlane);
    const response = this.#ingress.request({
      path: check.path,
      ...(check.host === undefined ? {} : { host: check.host }),
    });
    const observed = `status ${response.status ?? `none (${response.reason})`}, service ${response.service ?? 'none'}, pod ${response.pod ?? 'none'}`;
    const passed =
      (check.status === undefined || response.status === check.status) &&
      (check.service === undefined || response.service === key(check.service)) &&
      (check.pod === undefined ||
        (response.pod !== null &&
          (check.pod.prefix
            ? response.pod.startsWith(`${check.pod.namespace}/${check.pod.name}`)
            : response.pod === `${check.pod.namespace}/${check.pod.name}`)));
    return { passed, observed };
  }

  #checkEndpoints(check: Extract<ExpectationCheck, { type: 'endpoints' }>): {
    passed: boolean;
    observed: string;
  } {
    const service = this.cluster.state.services.get(key(check.service))?.service;
    const ip = service?.spec.clusterIP;
    const port = check.port ?? service?.spec.ports?.[0]?.port;
    if (service === undefined || ip === undefined || ip === 'None' || port === undefined)
      return { passed: false, observed: `no ClusterIP Service ${key(check.service)}` };
    const result = this.dataPlane.connect(
      { kind: 'node', node: check.node },
      { ip, port, protocol: service.spec.ports?.find((p) => p.port === port)?.protocol ?? 'TCP' },
    );
    const candidates = result.candidates;
    const state = this.cluster.state;
    const podOf = new Map<string, PodRecord>();
    for (const pod of state.pods.values()) if (pod.podIP !== undefined) podOf.set(pod.podIP, pod);
    const pods = candidates.map((candidate) => podOf.get(candidate.slice(0, candidate.lastIndexOf(':'))));
    let passed = check.count === undefined || compare(candidates.length, check.count);
    if (check.selector !== undefined) {
      const matches = compileLabelSelector(parseLabelSelector(check.selector));
      passed &&= pods.every((pod) => pod !== undefined && matches(pod.labels));
    }
    return {
      passed,
      observed: `${candidates.length} eligible: ${pods.map((pod, i) => pod?.key ?? candidates[i]).join(', ') || 'none'}${
        result.reason === 'connected' ? '' : ` (${result.reason})`
      }`,
    };
  }

  #checkMetric(
    check: Extract<ExpectationCheck, { type: 'metric' }>,
    from: Instant,
    to: Instant,
    before: Record<string, { requests: number; connections: number }>,
    queriesBefore: number,
  ): { passed: boolean; expected: string; observed: string } {
    const expected = this.#expected(check);
    const range = this.metrics.range(check.workload, from, to);
    const metric = check.metric;
    switch (metric.kind) {
      case 'successRatio':
        return {
          expected,
          passed: range.requests > 0 && compare(range.successRatio, metric.comparator),
          observed: `success ratio ${round(range.successRatio)} over ${range.requests} requests`,
        };
      case 'requests':
        return {
          expected,
          passed: compare(range.requests, metric.comparator),
          observed: `${range.requests} requests`,
        };
      case 'dnsQueriesPerRequest': {
        const queries = this.metrics.summary(check.workload).dnsQueries - queriesBefore;
        const perRequest = range.requests === 0 ? 0 : queries / range.requests;
        return {
          expected,
          passed: range.requests > 0 && compare(perRequest, metric.comparator),
          observed: `${round(perRequest, 3)} DNS queries per request (${queries} for ${range.requests} requests)`,
        };
      }
      case 'outcome': {
        const count = range.outcomes[metric.outcome] ?? 0;
        const ratio = range.requests === 0 ? 0 : count / range.requests;
        return {
          expected,
          passed:
            (metric.count === undefined || compare(count, metric.count)) &&
            (metric.ratio === undefined || compare(ratio, metric.ratio)),
          observed: `${count} ${metric.outcome} of ${range.requests} requests (ratio ${round(ratio)})`,
        };
      }
      case 'latency': {
        const value = range.latency[metric.statistic];
        return {
          expected,
          passed: value !== null && compare(value, metric.comparator),
          observed:
            value === null
              ? 'no successful request'
              : `${metric.statistic} ${formatDuration(Math.round(value))}`,
        };
      }
      case 'fairness': {
        const after = this.metrics.backendCounts(check.workload);
        const counts = Object.keys(after)
          .sort()
          .map((pod) => (after[pod]?.[metric.of] ?? 0) - (before[pod]?.[metric.of] ?? 0));
        if (counts.length === 0 || counts.every((c) => c === 0))
          return { expected, passed: false, observed: `no ${metric.of} in the window` };
        const value =
          metric.index === 'jain'
            ? jainIndex(counts)
            : metric.index === 'maxOverMean'
              ? maxOverMean(counts)
              : coefficientOfVariation(counts);
        return {
          expected,
          passed: compare(value, metric.comparator),
          observed: `${metric.index} ${round(value)} over ${counts.length} backends (${metric.of}: ${counts.join(', ')})`,
        };
      }
    }
  }

  // --- Report ---------------------------------------------------------------------------------

  report(window: Duration): RunReport {
    const scenario = this.scenario;
    const expectations = scenario.expectations.map(
      (expectation) =>
        this.#results.get(expectation) ?? {
          name: expectation.name,
          passed: false,
          expected: this.#expected(expectation.check),
          observed: 'never checked (its time is after the end of the run)',
          where: formatWhere(expectation.location),
          when:
            expectation.time.kind === 'at' ? `at ${formatDuration(expectation.time.at)}` : 'over a window',
        },
    );
    const state = this.cluster.state;
    const workloads: WorkloadReport[] = scenario.traffic.resolved.workloads.map((workload) => {
      const summary = this.metrics.summary(workload.name, scenario.duration);
      const total = Object.values(summary.backends).reduce((sum, b) => sum + b.requests, 0);
      return {
        name: workload.name,
        target: `${workload.host}:${workload.port}`,
        service: this.#serviceOf(workload, state),
        requests: summary.requests,
        outcomes: summary.outcomes,
        successRatio: round(summary.successRatio, 6),
        latency: summary.latency,
        dnsQueries: summary.dnsQueries,
        backends: Object.fromEntries(
          Object.entries(summary.backends).map(([pod, b]) => [
            pod,
            {
              requests: b.requests,
              connections: b.connections,
              share: total === 0 ? 0 : round(b.requests / total, 6),
            },
          ]),
        ),
        fairness: summary.fairness,
        series: summary.series.map((point) => ({
          start: point.start,
          end: point.end,
          requests: point.total,
          successRatio: point.successRatio === null ? null : round(point.successRatio, 6),
          p50: point.p50,
          p99: point.p99,
          counts: point.counts,
        })),
        failureReasons: summary.failureReasons,
        otherFailures: summary.otherFailures,
      };
    });
    const byService = new Map<string, WorkloadReport[]>();
    for (const workload of workloads) {
      if (workload.service === null) continue;
      const list = byService.get(workload.service) ?? [];
      list.push(workload);
      byService.set(workload.service, list);
    }
    const services: ServiceReport[] = [...byService.entries()]
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([service, list]) => {
        const requests = new Map<string, number>();
        for (const workload of list)
          for (const [pod, b] of Object.entries(workload.backends))
            requests.set(pod, (requests.get(pod) ?? 0) + b.requests);
        const total = [...requests.values()].reduce((a, b) => a + b, 0);
        const pods = [...requests.keys()].sort();
        return {
          service,
          workloads: list.map((w) => w.name),
          backends: Object.fromEntries(
            pods.map((pod) => [
              pod,
              {
                requests: requests.get(pod) ?? 0,
                share: total === 0 ? 0 : round((requests.get(pod) ?? 0) / total, 6),
              },
            ]),
          ),
          fairness: fairnessReport(pods.length === 0 ? [0] : pods.map((pod) => requests.get(pod) ?? 0)),
        };
      });
    return {
      format: 'knsim.report/v1',
      scenario: {
        name: scenario.metadata.name ?? null,
        file: scenario.file,
        description: scenario.metadata.description ?? null,
      },
      seed: scenario.seed,
      scenarioDigest: this.cluster.sim.log.header.scenarioDigest,
      logDigest: this.cluster.sim.log.digest(),
      events: this.cluster.sim.log.length,
      duration: scenario.duration,
      passed: expectations.every((e) => e.passed),
      expectations,
      timeline: this.#timeline,
      workloads,
      services,
      window,
    };
  }
}

function clientNamespaceOf(workload: { readonly from: ResolvedWorkloadFrom }): string | undefined {
  return 'pods' in workload.from ? workload.from.pods.namespace : undefined;
}

type ResolvedWorkloadFrom = Scenario['traffic']['resolved']['workloads'][number]['from'];

function describePattern(pattern: PodPattern): string {
  return `${pattern.namespace}/${pattern.name}${pattern.prefix ? '*' : ''}`;
}

function describeSource(source: Extract<ExpectationCheck, { type: 'reach' }>['from']): string {
  return source.kind === 'pod'
    ? describePattern(source)
    : source.kind === 'node'
      ? `node/${source.node}`
      : `external${source.ip === undefined ? '' : `:${source.ip}`}`;
}

function describeTarget(target: ReachTarget): string {
  return target.kind === 'pod'
    ? describePattern(target)
    : target.kind === 'service'
      ? `service/${key(target.service)}`
      : target.host;
}

function describeMetric(metric: Extract<ExpectationCheck, { type: 'metric' }>['metric']): string {
  switch (metric.kind) {
    case 'successRatio':
      return `success ratio ${describeComparator(metric.comparator)}`;
    case 'requests':
      return `requests ${describeComparator(metric.comparator)}`;
    case 'dnsQueriesPerRequest':
      return `DNS queries per request ${describeComparator(metric.comparator)}`;
    case 'outcome':
      return `${metric.outcome} ${[
        metric.count === undefined ? undefined : `count ${describeComparator(metric.count)}`,
        metric.ratio === undefined ? undefined : `ratio ${describeComparator(metric.ratio)}`,
      ]
        .filter((part) => part !== undefined)
        .join(' and ')}`;
    case 'latency':
      return `latency ${metric.statistic} ${describeComparator(metric.comparator, formatDuration)}`;
    case 'fairness':
      return `fairness (${metric.of}) ${metric.index} ${describeComparator(metric.comparator)}`;
  }
}
