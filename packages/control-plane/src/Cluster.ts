import { formatObjectRef, parseLabelSelector, type KubeObject, type PodTemplateSpec } from '@knsim/api';
import {
  CommandRejected,
  formatDuration,
  Simulation,
  UserError,
  type Duration,
  type Instant,
  type AnyEvent,
  type LoggedEvent,
  type LogHeader,
  type RunResult,
} from '@knsim/core';
import {
  HOSTNAME_LABEL,
  resolveClusterConfig,
  type ClusterConfig,
  type ClusterConfigSpec,
} from './config/ClusterConfig.js';
import { Activity } from './runtime/Activity.js';
import { ClusterIndex } from './runtime/ClusterIndex.js';
import { ControllerContext } from './runtime/ControllerContext.js';
import { decideApply, decideDelete, nextNodeAddress } from './controllers/applyObjects.js';
import { endpointSliceController } from './controllers/endpointSliceController.js';
import { KubeletMemory, kubelets } from './controllers/kubelet.js';
import { nodeIpamController, nodeLifecycleController, occupyPodCidr } from './controllers/nodeControllers.js';
import { patchedObject } from './controllers/patchObject.js';
import { schedulerController } from './controllers/schedulerController.js';
import { workloadControllers } from './controllers/workloadControllers.js';
import { dnsServiceIp, firstServiceIp } from './services/allocators.js';
import type { ClusterEvent } from './state/ClusterEvent.js';
import { initialClusterState, objectKey, type ClusterState } from './state/ClusterState.js';
import { evolveCluster } from './state/evolveCluster.js';

export interface ClusterOptions {
  readonly seed?: number | string;
  /** A resolved configuration, or the user's spec to resolve. */
  readonly config?: ClusterConfig | ClusterConfigSpec;
  readonly scenarioDigest?: string;
  /** Keep events in memory (needed for digests, replay and `stateAt`). Default true. */
  readonly retainEvents?: boolean;
  /**
   * Manifests applied at time 0 (every refusal reported together, see {@link Cluster.applyAll}).
   * When they contain Node objects and the configuration does not list nodes, the cluster has
   * exactly those nodes.
   */
  readonly manifests?: readonly KubeObject[];
}

/** One problem found while applying manifests at start-up. */
export interface ApplyProblem {
  readonly object: string;
  readonly reason: string;
}

/** Objects the API server refused when the cluster was built; every one is listed. */
export class ClusterApplyError extends UserError {
  override readonly name = 'ClusterApplyError';
  constructor(readonly problems: readonly ApplyProblem[]) {
    super(
      `the cluster refused ${problems.length === 1 ? '1 object' : `${problems.length} objects`}:\n` +
        problems.map((p) => `  ${p.object}: ${p.reason}`).join('\n'),
    );
  }
}

/** What `converge` did. */
export interface ConvergeResult extends RunResult {
  readonly converged: boolean;
}

/**
 * A simulated Kubernetes control plane on the knsim kernel: the API server's admission and
 * allocation, node IPAM, the scheduler, the EndpointSlice, Deployment, ReplicaSet, StatefulSet,
 * DaemonSet and Job controllers, node lifecycle with taint eviction, and a kubelet per node.
 * Every change is an event in `sim.log`; `state` is their fold.
 *
 * Commands (apply, delete, scale, crash a node...) act at the current virtual time; a command
 * the cluster refuses throws {@link CommandRejected} (or, with `recordRejections`, logs a
 * `CommandRejected` event) and leaves the state untouched.
 *
 * @example
 * ```ts
 * const cluster = new Cluster({ seed: 1, config: { nodes: 3 } });
 * cluster.applyAll(loadManifests(['app.yaml']).objects);
 * cluster.converge({ until: parseDuration('5m') });
 * [...cluster.state.pods.values()].map((p) => `${p.key} ${p.nodeName} ${p.podIP}`);
 * ```
 */
export class Cluster {
  readonly sim: Simulation<ClusterState, ClusterEvent>;
  readonly config: ClusterConfig;
  readonly index = new ClusterIndex();
  readonly activity = new Activity();
  readonly context: ControllerContext;
  readonly #kubeletMemory = new KubeletMemory();
  #readinessFaults = 0;

  /**
   * A cluster rebuilt from a recorded log, as it was at `until` (default: the end of the log):
   * the same events, with their times, sequence numbers and causes, folded into the same state.
   * Nothing runs in it (no controllers, no kubelets): it is for looking at, and for components
   * that derive their view from the log (the data plane, DNS) to be attached to.
   *
   * @example
   * ```ts
   * const { header, events } = readLogFile('out/events.ndjson');
   * const then = Cluster.replay(header, events, parseDuration('90s'));
   * [...then.state.pods.keys()];
   * ```
   */
  static replay(
    header: LogHeader,
    events: readonly LoggedEvent<AnyEvent>[],
    until: Instant = Number.POSITIVE_INFINITY,
  ): Cluster {
    const created = events.find((event) => event.type === 'ClusterCreated') as
      LoggedEvent<Extract<ClusterEvent, { type: 'ClusterCreated' }>> | undefined;
    if (created === undefined) throw new UserError('the log has no ClusterCreated event: not a cluster run');
    const cluster = new Cluster(
      {
        seed: header.seed,
        config: created.config,
        scenarioDigest: header.scenarioDigest,
      },
      REPLAY,
    );
    for (const event of events) {
      if (event.at > until) break;
      if (event.at > cluster.now) cluster.sim.queue.advanceTo(event.at);
      const { seq: _seq, at: _at, cause, ...payload } = event;
      cluster.sim.emit(payload as unknown as ClusterEvent, cause);
    }
    if (Number.isFinite(until) && until > cluster.now) cluster.sim.queue.advanceTo(until);
    return cluster;
  }

  constructor(options: ClusterOptions = {}, mode?: typeof REPLAY) {
    const given = options.config;
    this.config = given !== undefined && isResolved(given) ? given : resolveClusterConfig(given ?? {});
    this.sim = new Simulation<ClusterState, ClusterEvent>({
      seed: options.seed ?? 1,
      projection: { initialState: initialClusterState(), evolve: evolveCluster },
      ...(options.scenarioDigest === undefined ? {} : { scenarioDigest: options.scenarioDigest }),
      ...(options.retainEvents === undefined ? {} : { retainEvents: options.retainEvents }),
    });
    this.sim.log.addSink(this.index);
    this.context = new ControllerContext(this.sim, this.index, this.activity, this.config);
    if (mode === REPLAY) return;
    const context = this.context;
    this.sim.use(() => nodeIpamController(context));
    this.sim.use(() => nodeLifecycleController(context));
    this.sim.use(() => schedulerController(context));
    this.sim.use(() => kubelets(context, this.#kubeletMemory));
    this.sim.use(() => endpointSliceController(context));
    this.sim.use(() => workloadControllers(context));
    const manifests = options.manifests ?? [];
    this.#bootstrap(this.config.nodesGiven || !manifests.some((object) => object.kind === 'Node'));
    if (wantsIngressController(this.config.ingress.controller, manifests)) this.#bootstrapIngress();
    if (manifests.length > 0) this.applyAll(manifests);
  }

  get state(): ClusterState {
    return this.sim.state;
  }

  get now(): Instant {
    return this.sim.now;
  }

  /** Nothing is in flight: no controller work queued, no kubelet step pending. */
  get quiescent(): boolean {
    return this.activity.pending === 0;
  }

  /** Runs until nothing is in flight, or until `until` (absolute virtual time). */
  converge(options: { until?: Instant; maxSteps?: number } = {}): ConvergeResult {
    const result = this.sim.run({
      stopWhen: () => this.quiescent,
      ...(options.until === undefined ? {} : { until: options.until }),
      ...(options.maxSteps === undefined ? {} : { maxSteps: options.maxSteps }),
    });
    return { ...result, converged: this.quiescent };
  }

  /** Runs for `duration` of virtual time from now. */
  runFor(duration: Duration): RunResult {
    return this.sim.run({ until: this.now + duration });
  }

  /** Applies objects as `kubectl apply` would, in order. Throws on the first refusal. */
  apply(...objects: KubeObject[]): void {
    for (const object of objects) this.#emitAll(decideApply(this.context, object));
  }

  /**
   * Applies objects, collecting every refusal; throws a {@link ClusterApplyError} listing them
   * all (the objects that were accepted stay applied). Objects are applied kind by kind in the
   * order kubectl sorts them (namespaces and nodes first, workloads last).
   */
  applyAll(objects: readonly KubeObject[]): void {
    const problems: ApplyProblem[] = [];
    for (const object of [...objects].sort((a, b) => kindRank(a.kind) - kindRank(b.kind))) {
      try {
        this.apply(object);
      } catch (error) {
        if (!(error instanceof CommandRejected)) throw error;
        problems.push({ object: formatObjectRef(object), reason: error.reason });
      }
    }
    if (problems.length > 0) throw new ClusterApplyError(problems);
  }

  /** `kubectl patch --type merge`: merges `patch` into the stored object and applies the result. */
  patch(kind: string, namespace: string | undefined, name: string, patch: unknown): void {
    this.apply(patchedObject(this.state, kind, namespace, name, patch));
  }

  delete(kind: string, namespace: string | undefined, name: string): void {
    this.#emitAll(decideDelete(this.context, kind, namespace, name));
  }

  /** Sets the replicas of a Deployment, ReplicaSet or StatefulSet. */
  scale(
    kind: 'Deployment' | 'ReplicaSet' | 'StatefulSet',
    namespace: string,
    name: string,
    replicas: number,
  ): void {
    const key = objectKey(namespace, name);
    const command = `scale ${kind} ${key} --replicas=${replicas}`;
    if (!Number.isInteger(replicas) || replicas < 0)
      throw new CommandRejected(command, 'replicas must be a non-negative integer');
    const state = this.state;
    if (kind === 'Deployment') {
      const record = state.deployments.get(key);
      if (record === undefined) throw new CommandRejected(command, `deployments "${name}" not found`);
      this.#emit({
        type: 'DeploymentApplied',
        deployment: { ...record.deployment, spec: { ...record.deployment.spec, replicas } },
        uid: record.uid,
      });
    } else if (kind === 'ReplicaSet') {
      if (!state.replicaSets.has(key)) throw new CommandRejected(command, `replicasets "${name}" not found`);
      this.#emit({ type: 'ReplicaSetScaled', key, replicas });
    } else {
      const record = state.statefulSets.get(key);
      if (record === undefined) throw new CommandRejected(command, `statefulsets "${name}" not found`);
      this.#emit({
        type: 'StatefulSetApplied',
        statefulSet: { ...record.statefulSet, spec: { ...record.statefulSet.spec, replicas } },
        uid: record.uid,
        revision: record.revision,
      });
    }
  }

  /**
   * Starts a rollout: a new pod template for a Deployment, StatefulSet or DaemonSet (like
   * `kubectl set image` or `kubectl rollout restart`, which only changes an annotation).
   */
  rollout(
    kind: 'Deployment' | 'StatefulSet' | 'DaemonSet',
    namespace: string,
    name: string,
    template?: PodTemplateSpec,
  ): void {
    const key = objectKey(namespace, name);
    const command = `rollout ${kind} ${key}`;
    const state = this.state;
    const restart = (current: PodTemplateSpec): PodTemplateSpec =>
      template ?? {
        ...current,
        metadata: {
          ...current.metadata,
          annotations: {
            ...current.metadata?.annotations,
            'kubectl.kubernetes.io/restartedAt': `t+${formatDuration(this.now)}`,
          },
        },
      };
    if (kind === 'Deployment') {
      const record = state.deployments.get(key);
      if (record === undefined) throw new CommandRejected(command, `deployments "${name}" not found`);
      this.apply({
        ...record.deployment,
        spec: { ...record.deployment.spec, template: restart(record.deployment.spec.template) },
      });
    } else if (kind === 'StatefulSet') {
      const record = state.statefulSets.get(key);
      if (record === undefined) throw new CommandRejected(command, `statefulsets "${name}" not found`);
      this.apply({
        ...record.statefulSet,
        spec: { ...record.statefulSet.spec, template: restart(record.statefulSet.spec.template) },
      });
    } else {
      const record = state.daemonSets.get(key);
      if (record === undefined) throw new CommandRejected(command, `daemonsets "${name}" not found`);
      this.apply({
        ...record.daemonSet,
        spec: { ...record.daemonSet.spec, template: restart(record.daemonSet.spec.template) },
      });
    }
  }

  /** Kills a pod's containers (a crash): they restart in place with the kubelet's back-off. */
  killPod(namespace: string, name: string): void {
    const key = objectKey(namespace, name);
    const pod = this.state.pods.get(key);
    const command = `kill pod ${key}`;
    if (pod === undefined) throw new CommandRejected(command, `pods "${name}" not found`);
    if (!pod.containersRunning) throw new CommandRejected(command, 'the pod has no running containers');
    const restartPolicy = pod.spec.restartPolicy ?? 'Always';
    if (restartPolicy === 'Never') {
      this.#emit({ type: 'PodCompleted', pod: key, phase: 'Failed' });
      return;
    }
    this.#emit({
      type: 'PodContainersExited',
      pod: key,
      reason: 'Error',
      restartAfterSeconds: this.#kubeletMemory.restartDelaySeconds(key, this.now),
    });
  }

  /** The node's machine stops: its kubelet no longer reports and its containers are gone. */
  crashNode(name: string): void {
    this.#stopKubelet(name, 'crashed', 'crash node');
  }

  /** The node is cut off from the control plane: its kubelet cannot report, its pods keep running. */
  partitionNode(name: string): void {
    this.#stopKubelet(name, 'partitioned', 'partition node');
  }

  /** The node's kubelet is back (after a crash: containers restart; after a partition: status resumes). */
  recoverNode(name: string): void {
    const node = this.state.nodes.get(name);
    if (node === undefined) throw new CommandRejected(`recover node ${name}`, `nodes "${name}" not found`);
    if (node.kubelet === 'running') throw new CommandRejected(`recover node ${name}`, 'the node is not down');
    this.#emit({ type: 'NodeKubeletResumed', node: name });
  }

  cordon(name: string): void {
    const node = this.state.nodes.get(name);
    if (node === undefined) throw new CommandRejected(`cordon ${name}`, `nodes "${name}" not found`);
    if (!node.unschedulable) this.#emit({ type: 'NodeCordoned', node: name });
  }

  uncordon(name: string): void {
    const node = this.state.nodes.get(name);
    if (node === undefined) throw new CommandRejected(`uncordon ${name}`, `nodes "${name}" not found`);
    if (node.unschedulable) this.#emit({ type: 'NodeUncordoned', node: name });
  }

  /** `kubectl drain`: cordon, then evict every pod not owned by a DaemonSet. */
  drain(name: string): void {
    this.cordon(name);
    const state = this.state;
    for (const key of [...this.index.podsOnNode(name)].sort()) {
      const pod = state.pods.get(key);
      if (pod === undefined || pod.owner?.kind === 'DaemonSet' || pod.deletionRequestedAt !== undefined)
        continue;
      this.#emit({
        type: 'PodDeletionRequested',
        pod: key,
        gracePeriodSeconds: pod.spec.terminationGracePeriodSeconds ?? 30,
        reason: 'Drained',
      });
    }
  }

  /** Makes the readiness probes of matching pods fail until {@link restoreReadiness}; returns the fault id. */
  failReadiness(selector: string, namespace?: string): string {
    try {
      parseLabelSelector(selector);
    } catch (error) {
      throw new CommandRejected(`fail readiness ${selector}`, (error as Error).message);
    }
    const id = `readiness-fault-${++this.#readinessFaults}`;
    this.#emit({ type: 'ReadinessFaultStarted', fault: { id, namespace, selector } });
    return id;
  }

  restoreReadiness(id: string): void {
    if (!this.state.readinessFaults.some((f) => f.id === id))
      throw new CommandRejected(`restore readiness ${id}`, 'no such readiness fault');
    this.#emit({ type: 'ReadinessFaultEnded', id });
  }

  /** Records a refused command in the log (for scenario timelines, which must not stop). */
  recordRejection(error: CommandRejected): void {
    this.#emit({ type: 'CommandRejected', command: error.command, reason: error.reason });
  }

  #stopKubelet(name: string, state: 'crashed' | 'partitioned', command: string): void {
    const node = this.state.nodes.get(name);
    if (node === undefined) throw new CommandRejected(`${command} ${name}`, `nodes "${name}" not found`);
    if (node.kubelet !== 'running')
      throw new CommandRejected(`${command} ${name}`, `the node is already ${node.kubelet}`);
    this.#emit({ type: 'NodeKubeletStopped', node: name, state });
  }

  #bootstrap(withConfiguredNodes: boolean): void {
    const config = this.config;
    this.#emit({ type: 'ClusterCreated', config });
    for (const namespace of ['default', 'kube-system', 'kube-public', 'kube-node-lease']) {
      this.apply({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace } });
    }
    for (const node of withConfiguredNodes ? config.nodes : []) {
      this.apply({
        apiVersion: 'v1',
        kind: 'Node',
        metadata: {
          name: node.name,
          labels: {
            [HOSTNAME_LABEL]: node.name,
            ...(node.zone === undefined ? {} : { 'topology.kubernetes.io/zone': node.zone }),
            ...node.labels,
          },
        },
        spec: { taints: node.taints },
        status: {
          addresses: [
            { type: 'InternalIP', address: node.address ?? nextNodeAddress(this.context, this.state) },
          ],
          allocatable: { pods: String(node.maxPods) },
        },
      });
    }
    // The API server's own Service: the first address of the range, endpoints = the API server.
    this.apply({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: {
        name: 'kubernetes',
        namespace: 'default',
        labels: { component: 'apiserver', provider: 'kubernetes' },
      },
      spec: {
        type: 'ClusterIP',
        clusterIP: firstServiceIp(config.serviceCIDR),
        ports: [{ name: 'https', port: 443, protocol: 'TCP', targetPort: 6443 }],
      },
    });
    this.apply({
      apiVersion: 'discovery.k8s.io/v1',
      kind: 'EndpointSlice',
      metadata: {
        name: 'kubernetes',
        namespace: 'default',
        labels: { 'kubernetes.io/service-name': 'kubernetes' },
      },
      addressType: 'IPv4',
      endpoints: [
        {
          addresses: [apiServerAddress(config)],
          conditions: { ready: true, serving: true, terminating: false },
        },
      ],
      ports: [{ name: 'https', port: 6443, protocol: 'TCP' }],
    });
    if (config.dns.enabled) this.#bootstrapDns();
  }

  /** CoreDNS as kubeadm installs it: a Deployment behind the kube-dns Service at the tenth address. */
  #bootstrapDns(): void {
    const labels = { 'k8s-app': 'kube-dns' };
    this.apply({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: {
        name: 'kube-dns',
        namespace: 'kube-system',
        labels: { ...labels, 'kubernetes.io/name': 'CoreDNS' },
      },
      spec: {
        type: 'ClusterIP',
        clusterIP: dnsServiceIp(this.config.serviceCIDR),
        selector: labels,
        ports: [
          { name: 'dns', port: 53, protocol: 'UDP', targetPort: 53 },
          { name: 'dns-tcp', port: 53, protocol: 'TCP', targetPort: 53 },
          { name: 'metrics', port: 9153, protocol: 'TCP', targetPort: 9153 },
        ],
      },
    });
    this.apply({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'coredns', namespace: 'kube-system', labels },
      spec: {
        replicas: this.config.dns.replicas,
        selector: { matchLabels: labels },
        strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1, maxSurge: '25%' } },
        template: {
          metadata: { labels },
          spec: {
            containers: [
              {
                name: 'coredns',
                image: 'registry.k8s.io/coredns/coredns:v1.11.3',
                ports: [
                  { name: 'dns', containerPort: 53, protocol: 'UDP' },
                  { name: 'dns-tcp', containerPort: 53, protocol: 'TCP' },
                  { name: 'metrics', containerPort: 9153, protocol: 'TCP' },
                ],
                readinessProbe: { httpGet: { path: '/ready', port: 8181 }, periodSeconds: 10 },
              },
            ],
            tolerations: [
              { key: 'CriticalAddonsOnly', operator: 'Exists' },
              { key: 'node-role.kubernetes.io/control-plane', effect: 'NoSchedule' },
            ],
          },
        },
      },
    });
  }

  /**
   * The default Ingress controller, shaped like ingress-nginx's cloud manifest: its namespace, the
   * `nginx` IngressClass, a controller Deployment and a LoadBalancer Service (externalTrafficPolicy
   * Local, as that manifest sets it).
   */
  #bootstrapIngress(): void {
    const labels = INGRESS_CONTROLLER_LABELS;
    const namespace = DEFAULT_INGRESS_NAMESPACE;
    this.apply({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace } });
    this.apply({
      apiVersion: 'networking.k8s.io/v1',
      kind: 'IngressClass',
      metadata: { name: 'nginx', labels },
      spec: { controller: 'k8s.io/ingress-nginx' },
    });
    this.apply({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: DEFAULT_INGRESS_SERVICE, namespace, labels },
      spec: {
        type: 'LoadBalancer',
        externalTrafficPolicy: 'Local',
        selector: labels,
        ports: [
          { name: 'http', port: 80, protocol: 'TCP', targetPort: 'http' },
          { name: 'https', port: 443, protocol: 'TCP', targetPort: 'https' },
        ],
      },
    });
    this.apply({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: DEFAULT_INGRESS_SERVICE, namespace, labels },
      spec: {
        replicas: this.config.ingress.replicas,
        selector: { matchLabels: labels },
        template: {
          metadata: { labels },
          spec: {
            containers: [
              {
                name: 'controller',
                image: 'registry.k8s.io/ingress-nginx/controller:v1.11.2',
                ports: [
                  { name: 'http', containerPort: 80, protocol: 'TCP' },
                  { name: 'https', containerPort: 443, protocol: 'TCP' },
                ],
                readinessProbe: { httpGet: { path: '/healthz', port: 10254 }, periodSeconds: 10 },
              },
            ],
          },
        },
      },
    });
  }

  /** Emits decided events; a node manifest with a podCIDR occupies it right away. */
  #emitAll(events: readonly ClusterEvent[]): void {
    for (const event of events) {
      if (event.type === 'NodeRegistered' && event.podCIDRRequest !== undefined) {
        // Checked before anything is logged, so a refused node leaves no trace.
        const occupied = occupyPodCidr(this.context, event.node.name, event.podCIDRRequest);
        if ('error' in occupied) {
          throw new CommandRejected(
            `apply Node ${event.node.name}`,
            `spec.podCIDR ${event.podCIDRRequest}: ${occupied.error}`,
          );
        }
        this.#emit(event);
        this.#emit(occupied);
        continue;
      }
      this.#emit(event);
    }
  }

  #emit(event: ClusterEvent): LoggedEvent<ClusterEvent> {
    return this.sim.emit(event);
  }
}

/** The API server's address: the first host of the node network (nodes start at the second). */
export function apiServerAddress(config: ClusterConfig): string {
  const [a, b, c, d] = config.nodeNetworkCIDR.split('/')[0]?.split('.').map(Number) ?? [0, 0, 0, 0];
  return `${a}.${b}.${c}.${(d ?? 0) + 1}`;
}

function isResolved(config: ClusterConfig | ClusterConfigSpec): config is ClusterConfig {
  return (
    typeof (config as ClusterConfig).timings?.controllerSync === 'object' &&
    'kind' in ((config as ClusterConfig).timings.controllerSync ?? {})
  );
}

// kubectl applies in this order so that what others depend on exists first.
const KIND_ORDER = [
  'Namespace',
  'Node',
  'NetworkPolicy',
  'IngressClass',
  'Service',
  'EndpointSlice',
  'Pod',
  'ReplicaSet',
  'Deployment',
  'StatefulSet',
  'DaemonSet',
  'Job',
  'CronJob',
  'Ingress',
];

function kindRank(kind: string): number {
  const rank = KIND_ORDER.indexOf(kind);
  return rank < 0 ? KIND_ORDER.length : rank;
}

/** The namespace of the Ingress controller knsim provides. */
export const DEFAULT_INGRESS_NAMESPACE = 'ingress-nginx';
/** The name of its Deployment and LoadBalancer Service. */
export const DEFAULT_INGRESS_SERVICE = 'ingress-nginx-controller';
/** The labels of ingress-nginx's controller pods (also how a user's own controller is recognised). */
export const INGRESS_CONTROLLER_LABELS: Readonly<Record<string, string>> = {
  'app.kubernetes.io/name': 'ingress-nginx',
  'app.kubernetes.io/component': 'controller',
};

/** `auto`: the manifests have an Ingress but no ingress-nginx controller workload of their own. */
function wantsIngressController(setting: 'auto' | boolean, manifests: readonly KubeObject[]): boolean {
  if (setting !== 'auto') return setting;
  if (!manifests.some((object) => object.kind === 'Ingress')) return false;
  return !manifests.some((object) => {
    const template =
      object.kind === 'Deployment' || object.kind === 'DaemonSet' || object.kind === 'StatefulSet'
        ? object.spec.template.metadata?.labels
        : object.kind === 'Pod'
          ? object.metadata.labels
          : undefined;
    return Object.entries(INGRESS_CONTROLLER_LABELS).every(([key, value]) => template?.[key] === value);
  });
}

// Marks the constructor call of Cluster.replay: no controllers, no bootstrap.
const REPLAY: unique symbol = Symbol('replay');
