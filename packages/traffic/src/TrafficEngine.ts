import { compileLabelSelector, parseLabelSelector, type LabelMatcher } from '@knsim/api';
import {
  SECOND,
  formatDuration,
  sampleDuration,
  type Duration,
  type Instant,
  type RandomStream,
  type TimerHandle,
} from '@knsim/core';
import type { Cluster, ClusterState, NodeRecord, PodRecord } from '@knsim/control-plane';
import type { ClusterDns } from '@knsim/dns';
import {
  createPolicy,
  type Backend,
  type ConnectResult,
  type ConnectRoute,
  type DataPlane,
  type LoadBalancingPolicy,
} from '@knsim/kube-proxy';
import { IngressController } from '@knsim/ingress';
import { Network, type Hop } from './Network.js';
import type { BackendCounter, TrafficMetrics, WorkloadRecorder } from './TrafficMetrics.js';
import type { ResolvedServer, ResolvedWorkload, ResolvedNetwork } from './TrafficSpec.js';

/** Every way a request can end. */
export type RequestOutcome =
  | 'ok'
  | 'timeout'
  | 'refused'
  | 'reset'
  | 'no_endpoints'
  | 'dns_failure'
  | 'dropped'
  | 'denied'
  /** An HTTP error answered by the Ingress controller (`http_404`, `http_502`, `http_503`, `http_504`). */
  | `http_${number}`;

interface Connection {
  readonly clientNode: string | undefined;
  /** The backend pod as the workload knows it: slot, node, counters, `ip:port`. */
  readonly target: BackendTarget;
  /** The hop between the client's node and the backend's (its latency is drawn per packet). */
  readonly hop: Hop;
  readonly expiresAt: Instant;
  readonly openedAt: Instant;
  /** Tells kube-proxy's balancing policy the connection ended. */
  readonly release: ((now: number, latency: number, ok: boolean) => void) | undefined;
  /** The engine's `#epoch` when it opened: a backend gone since has a later `goneEpoch`. */
  readonly openedEpoch: number;
  /** In `#connectionsByBackendPod` (pooled connections only). */
  registered: boolean;
  closed: boolean;
  inFlight: number;
  broken: boolean;
}

interface Request {
  readonly workload: WorkloadRuntime;
  readonly intendedAt: Instant;
  attempt: number;
  done: boolean;
  connection: Connection | undefined;
  serverPod: string | undefined;
  /** The client (pod key or `external:IP`) of the latest attempt. */
  client: string | undefined;
  /** Through an Ingress controller: the node and pod of the endpoint it proxied to. */
  upstreamNode: string | undefined;
  upstreamPod: string | undefined;
  /** When the client gives up (intended send time + timeout). */
  readonly deadline: Instant;
  /**
   * The timeout timer, armed only while the request waits with nothing else scheduled before its
   * deadline (queued at a server, or no answer coming); see `#after`.
   */
  timer: TimerHandle | undefined;
  user: number | undefined;
  /** The connection was dropped (DROP rule): the timeout is reported as `dropped`. */
  dropped: boolean;
  /** The connection was dropped by NetworkPolicy. */
  denied: boolean;
  /** The latest attempt is waiting for DNS answers that will not come in time. */
  inDns: boolean;
  /** The client-side balancer's pick, told when the request ends. */
  balanced: { readonly policy: LoadBalancingPolicy; readonly backend: Backend } | undefined;
  /** Why it failed, or what it was left waiting for (a timeout's reason); undefined while fine. */
  why: string | undefined;
  /** The server serving it, and its neighbours in that server's list of requests in service. */
  servedBy: ServerRuntime | undefined;
  servedPrevious: Request | undefined;
  servedNext: Request | undefined;
  /** The end of its service (cancelled if the server dies first). */
  serviceEnd: TimerHandle | undefined;
}

interface ServerRuntime {
  readonly pod: string;
  // Its settings, in the object itself: one cache line for a request's visit.
  readonly serviceTime: ResolvedServer['serviceTime'];
  readonly concurrency: number;
  readonly queueLimit: number;
  readonly onTermination: ResolvedServer['onTermination'];
  busy: number;
  /** Requests waiting for a worker; `waiting` is its length, read without touching the array. */
  readonly queue: Request[];
  waiting: number;
  /**
   * The requests in service, linked through themselves (adding and removing one touches no other
   * object than its neighbours, and usually there are none).
   */
  serving: Request | undefined;
}

/**
 * A pod as the per-request path sees it: its record and its node's record in one cluster state
 * (re-read when the state changes), its server, and its incarnation. One object per pod, found
 * once per connection, so a request touches a few small objects instead of several maps.
 */
interface PodSlot {
  readonly key: string;
  state: ClusterState | undefined;
  record: PodRecord | undefined;
  node: NodeRecord | undefined;
  // What a request's arrival checks, read with the records (see `#read`).
  running: boolean;
  terminating: boolean;
  nodeCrashed: boolean;
  server: ServerRuntime | undefined;
  /**
   * The engine's `#epoch` when its containers last stopped: connections opened before are dead
   * (see `#serverGone`). Compared with the connection's, so opening one does not read the slot.
   */
  goneEpoch: number;
  /** The workloads' targets of this pod (usually one): they go with the slot when the pod does. */
  readonly targets: BackendTarget[];
}

/**
 * A backend pod (one incarnation: its key and address) as the connections of one workload need
 * it. Shared by the workload's clients, so a request touches one of a few thousand of these
 * rather than one per (client, backend).
 */
interface BackendTarget {
  readonly workload: WorkloadRuntime;
  readonly slot: PodSlot;
  readonly pod: string;
  readonly ip: string;
  readonly port: number;
  /** The backend pod's node (a pod never moves). */
  readonly node: string;
  readonly counter: BackendCounter | undefined;
  /** `ip:port`. */
  readonly id: string;
}

/** One client of a workload (a pod key or `external:IP`) with its data-plane route. */
interface ClientSlot {
  /** The state the client pod's facts below were read in. */
  state: ClusterState | undefined;
  record: PodRecord | undefined;
  /** It can send: an outside client, or a pod with running containers and an address on a live node. */
  running: boolean;
  node: string | undefined;
  readonly key: string;
  readonly pod: PodSlot | undefined;
  /**
   * Per position of its route's results (see `ConnectRoute.connectAt`), while the route's
   * `version` is `entriesVersion`: the backend's target, the result's release hook and the hop to
   * the backend. A connection reads these, not the result.
   */
  readonly entries: (BackendTarget | ConnectResult['release'] | Hop)[];
  entriesVersion: number;
  /** The client's path through the data plane to the target address it last resolved. */
  route: ConnectRoute | undefined;
  routeIp: string | undefined;
  /**
   * The route's direct pick (`ConnectRoute.directPick`), copied here: while the state is
   * `pickState` and the time before `pickUntil`, a connection is `pickDraw(pickRng, pickCount)`
   * without reading the route (undefined `pickState`: ask the route).
   */
  pickState: ClusterState | undefined;
  pickUntil: number;
  pickDraw: ((rng: RandomStream, n: number) => number) | undefined;
  pickRng: RandomStream | undefined;
  pickCount: number;
}

interface WorkloadRuntime {
  readonly spec: ResolvedWorkload;
  // What the per-request path reads of `spec`, copied here: one object per workload to fetch.
  readonly perRequest: boolean;
  /** Per-request and unsampled: a response is settled when its service ends (see `#served`). */
  readonly settlesAtService: boolean;
  readonly sampled: boolean;
  readonly viaIngress: boolean;
  readonly clientBalanced: boolean;
  /** Connections have a maximum age (`spec.maxAge`). */
  readonly ages: boolean;
  readonly timeout: Duration;
  readonly closedLoop: boolean;
  readonly poisson: boolean;
  /** The mean time between open-loop arrivals, µs. */
  readonly meanGap: number;
  readonly stop: Instant | undefined;
  /** How `spec.host` is resolved, decided once; a `service/NS/NAME` target names `serviceKey`. */
  readonly targetKind: 'ip' | 'service' | 'dns';
  readonly serviceKey: string | undefined;
  /** The ClusterIP of `serviceKey` in `serviceIpState`. */
  serviceIpState: ClusterState | undefined;
  serviceIp: string | undefined;
  /** The instant of its next open-loop arrival (scheduled with the workload as argument). */
  nextArrival: Instant;
  readonly arrivals: RandomStream;
  readonly picks: RandomStream;
  clients: ClientSlot[] | undefined;
  /** The clients that can send, for `liveOf` in `liveState` (see `#liveClients`). */
  live: ClientSlot[];
  liveOf: ClientSlot[] | undefined;
  liveState: ClusterState | undefined;
  /** Slots by client, kept across changes of the client list (routes are worth keeping). */
  readonly slots: Map<string, ClientSlot>;
  /** Per backend pod, the recorder's counters (looked up once per connection). */
  readonly counters: Map<string, BackendCounter>;
  readonly pools: Map<string, Connection[]>;
  /** Where this workload's requests are counted. */
  readonly recorder: WorkloadRecorder;
  readonly dnsCache: Map<string, { ip: string; expires: Instant }>;
  readonly matcher: LabelMatcher | undefined;
  /** Client-side balancing: one policy instance per client pod, and the Service it balances over. */
  readonly balancers: Map<string, LoadBalancingPolicy>;
  readonly balancedService: string | undefined;
}

interface ResolvedTarget {
  readonly ip: string | undefined;
  readonly delay: Duration;
}

const NO_DELAY = 0;
const NEVER = Number.POSITIVE_INFINITY;
// A client's entry per route position: backend target, release hook, hop.
const ENTRY = 3;

/** The `namespace/name` of a Service named by `service/NS/NAME` or by its DNS name, if it is one. */
function serviceOfHost(host: string, domain: string): string | undefined {
  if (host.startsWith('service/')) return host.slice('service/'.length);
  const labels = host.replace(/\.$/, '').split('.');
  const suffix = ['svc', ...domain.split('.')];
  const rest = labels.slice(2);
  if (labels.length >= 2 && rest.every((label, i) => label === suffix[i])) return `${labels[1]}/${labels[0]}`;
  return undefined;
}

function targetKind(host: string): WorkloadRuntime['targetKind'] {
  if (/^\d+\.\d+\.\d+\.\d+$/.test(host)) return 'ip';
  if (host.startsWith('service/')) return 'service';
  return 'dns';
}

/**
 * The traffic of a run: client workloads sending requests through the data plane to servers
 * with queues, over a network with per-hop latency. Every request ends in exactly one outcome
 * with its latency measured from the intended send time (so queueing behind a slow server is
 * not hidden, as in HdrHistogram's coordinated-omission correction). The per-request path is
 * plain code on kernel timers: no rxjs and no immer.
 */
export class TrafficEngine {
  readonly cluster: Cluster;
  readonly dataPlane: DataPlane;
  readonly dns: ClusterDns | undefined;
  readonly network: Network;
  readonly metrics: TrafficMetrics;
  readonly #slots = new Map<string, PodSlot>();
  readonly #serverSpecs: readonly ResolvedServer[];
  readonly #workloads: WorkloadRuntime[] = [];
  readonly #connectionsByBackendPod = new Map<string, Set<Connection>>();
  #ingress: IngressController | undefined;
  readonly #rng: RandomStream;
  // Counts servers gone (see `PodSlot.goneEpoch`).
  #epoch = 0;
  #clientsDirty = true;

  constructor(options: {
    cluster: Cluster;
    dataPlane: DataPlane;
    dns?: ClusterDns;
    workloads: readonly ResolvedWorkload[];
    servers: readonly ResolvedServer[];
    network: ResolvedNetwork;
    metrics: TrafficMetrics;
  }) {
    this.cluster = options.cluster;
    this.dataPlane = options.dataPlane;
    this.dns = options.dns;
    this.metrics = options.metrics;
    this.#serverSpecs = options.servers;
    this.#rng = this.cluster.sim.rng('traffic/engine');
    this.network = new Network(options.network, this.cluster.sim.rng('traffic/network'));
    for (const spec of options.workloads) {
      const from = spec.from;
      const arrival = spec.arrival;
      this.#workloads.push({
        spec,
        perRequest: spec.mode === 'per-request',
        settlesAtService: spec.mode === 'per-request' && spec.sample === 0,
        sampled: spec.sample > 0,
        viaIngress: spec.http !== undefined,
        clientBalanced: spec.clientBalancer !== undefined,
        ages: spec.maxAge !== undefined,
        timeout: spec.timeout,
        closedLoop: arrival.kind === 'closedLoop',
        poisson: arrival.kind === 'poisson',
        meanGap: arrival.kind === 'closedLoop' ? 0 : SECOND / arrival.rate,
        stop: spec.stop,
        targetKind: targetKind(spec.host),
        serviceKey: spec.host.startsWith('service/') ? spec.host.slice('service/'.length) : undefined,
        serviceIpState: undefined,
        serviceIp: undefined,
        nextArrival: 0,
        arrivals: this.cluster.sim.rng(`traffic/arrivals/${spec.name}`),
        picks: this.cluster.sim.rng(`traffic/clients/${spec.name}`),
        clients: undefined,
        live: [],
        liveOf: undefined,
        liveState: undefined,
        slots: new Map(),
        counters: new Map(),
        pools: new Map(),
        recorder: options.metrics.recorder(spec.name),
        dnsCache: new Map(),
        matcher: 'pods' in from ? compileLabelSelector(parseLabelSelector(from.pods.selector)) : undefined,
        balancers: new Map(),
        balancedService:
          spec.clientBalancer === undefined
            ? undefined
            : (serviceOfHost(spec.host, this.cluster.config.clusterDomain) ??
              // A bare name resolves in the client's namespace first (its first search domain).
              (!spec.host.includes('.') && 'pods' in from && from.pods.namespace !== undefined
                ? `${from.pods.namespace}/${spec.host}`
                : undefined)),
      });
    }
    // Server containers that stop take their connections (and what is in service) with them.
    this.cluster.sim.events$.subscribe((event) => {
      switch (event.type) {
        case 'PodCreated':
        case 'PodDeleted':
        case 'PodLabelsChanged':
          this.#clientsDirty = true;
          if (event.type === 'PodDeleted') {
            this.#serverGone(event.pod, 'reset');
            // Its slots go too, with the targets on them (open connections keep theirs), so they
            // do not pile up with churn.
            this.#slots.delete(event.pod);
            for (const workload of this.#workloads) workload.slots.delete(event.pod);
          }
          return;
        case 'PodContainersExited':
        case 'PodCompleted':
          this.#serverGone(event.pod, 'reset');
          return;
        case 'NodeKubeletStopped':
          if (event.state === 'crashed')
            for (const pod of this.cluster.index.podsOnNode(event.node)) this.#serverGone(pod, 'timeout');
          return;
        default:
          return;
      }
    });
  }

  /** Schedules every workload's first arrivals. Call once, before running the simulation. */
  start(): void {
    for (const workload of this.#workloads) {
      const spec = workload.spec;
      if (spec.arrival.kind === 'closedLoop') {
        for (let user = 0; user < spec.arrival.users; user++) {
          this.#at(
            spec.start +
              Math.round(
                workload.arrivals.uniform(
                  0,
                  Math.max(1, sampleDuration(spec.arrival.thinkTime, workload.arrivals)),
                ),
              ),
            () => this.#send(workload, user),
          );
        }
      } else {
        this.#scheduleArrival(workload, spec.start);
      }
    }
  }

  #slot(key: string): PodSlot {
    let slot = this.#slots.get(key);
    if (slot === undefined) {
      slot = {
        key,
        state: undefined,
        record: undefined,
        node: undefined,
        running: false,
        terminating: false,
        nodeCrashed: false,
        server: undefined,
        goneEpoch: 0,
        targets: [],
      };
      this.#slots.set(key, slot);
    }
    return slot;
  }

  /** The pod's record in `state` (re-read, with its node's, only when the state changed). */
  #read(slot: PodSlot, state: ClusterState): PodRecord | undefined {
    if (slot.state !== state) {
      slot.state = state;
      const record = state.pods.get(slot.key);
      const node = record?.nodeName;
      slot.record = record;
      slot.node = node === undefined ? undefined : state.nodes.get(node);
      slot.running = record?.containersRunning === true;
      slot.terminating = record?.deletionRequestedAt !== undefined;
      slot.nodeCrashed = slot.node?.kubelet === 'crashed';
    }
    return slot.record;
  }

  #pod(state: ClusterState, key: string): PodRecord | undefined {
    return this.#read(this.#slot(key), state);
  }

  #counter(workload: WorkloadRuntime, pod: string): BackendCounter {
    let counter = workload.counters.get(pod);
    if (counter === undefined) workload.counters.set(pod, (counter = workload.recorder.backend(pod)));
    return counter;
  }

  #at(at: Instant, callback: () => void): TimerHandle {
    return this.cluster.sim.queue.schedule(Math.max(at, this.cluster.now), callback);
  }

  #scheduleArrival(workload: WorkloadRuntime, after: Instant): void {
    if (workload.closedLoop) return;
    const gap = workload.poisson ? workload.arrivals.exponential(workload.meanGap) : workload.meanGap;
    const at = after + Math.max(1, Math.round(gap));
    if (workload.stop !== undefined && at > workload.stop) return;
    workload.nextArrival = at;
    this.cluster.sim.queue.scheduleWith(Math.max(at, this.cluster.now), this.#arrival, workload);
  }

  // The per-request events call these with their request (or workload): no closure per request.
  readonly #arrival = (workload: WorkloadRuntime): void => {
    const at = workload.nextArrival;
    this.#send(workload, undefined);
    this.#scheduleArrival(workload, at);
  };

  readonly #arrivalAtServer = (request: Request): void => {
    const connection = request.connection;
    if (!request.done && connection !== undefined) this.#arrive(request, connection);
  };

  readonly #serviceDone = (request: Request): void => this.#served(request);

  #clientsOf(workload: WorkloadRuntime, state: ClusterState): ClientSlot[] {
    if (this.#clientsDirty) {
      for (const w of this.#workloads) w.clients = undefined;
      this.#clientsDirty = false;
    }
    return workload.clients ?? this.#listClients(workload, state);
  }

  /**
   * The pods of a namespace (all pods without one) in `state`, read once per state: every
   * workload drawing its clients from a namespace would otherwise look each of its pods up.
   */
  #podsIn(namespace: string | undefined, state: ClusterState): readonly PodRecord[] {
    if (this.#podsInState !== state) {
      this.#podsInState = state;
      this.#podsByNamespace.clear();
    }
    const key = namespace ?? '';
    let pods = this.#podsByNamespace.get(key);
    if (pods === undefined) {
      pods = [];
      if (namespace === undefined) for (const pod of state.pods.values()) pods.push(pod);
      else
        for (const podKey of this.cluster.index.podsInNamespace(namespace)) {
          const pod = state.pods.get(podKey);
          if (pod !== undefined) pods.push(pod);
        }
      this.#podsByNamespace.set(key, pods);
    }
    return pods;
  }

  #podsInState: ClusterState | undefined;
  readonly #podsByNamespace = new Map<string, PodRecord[]>();

  #listClients(workload: WorkloadRuntime, state: ClusterState): ClientSlot[] {
    const from = workload.spec.from;
    let keys: string[];
    if ('external' in from) {
      keys = (from.external.ips ?? ['203.0.113.10']).map((ip) => `external:${ip}`);
    } else {
      const clients: string[] = [];
      for (const pod of this.#podsIn(from.pods.namespace, state))
        if (workload.matcher?.(pod.labels) === true) clients.push(pod.key);
      keys = clients.sort();
    }
    workload.clients = keys.map((key) => {
      let slot = workload.slots.get(key);
      if (slot === undefined) {
        const pod = key.startsWith('external:') ? undefined : this.#slot(key);
        workload.slots.set(
          key,
          (slot = {
            state: undefined,
            record: undefined,
            running: false,
            node: undefined,
            key,
            pod,
            entries: [],
            entriesVersion: -1,
            route: undefined,
            routeIp: undefined,
            pickState: undefined,
            pickUntil: 0,
            pickDraw: undefined,
            pickRng: undefined,
            pickCount: 0,
          }),
        );
      }
      return slot;
    });
    return workload.clients;
  }

  /**
   * The clients that can send now: outside clients, and pods whose containers run on a live node
   * (a load generator on a crashed node is gone with it, even before the control plane notices).
   * The workload's rate is spread over them (see `#attempt`). Cached per cluster state and
   * client list; only read when a pick lands on a client that cannot send.
   */
  #liveClients(workload: WorkloadRuntime, clients: ClientSlot[], state: ClusterState): ClientSlot[] {
    if (workload.liveState === state && workload.liveOf === clients) return workload.live;
    const live: ClientSlot[] = [];
    for (const slot of clients) {
      this.#refresh(slot, state);
      if (slot.running) live.push(slot);
    }
    workload.live = live;
    workload.liveOf = clients;
    workload.liveState = state;
    return live;
  }

  /** Reads a client's pod facts in `state`, if not read in it yet. */
  #refresh(slot: ClientSlot, state: ClusterState): void {
    if (slot.state === state) return;
    const record = slot.pod === undefined ? undefined : this.#read(slot.pod, state);
    slot.state = state;
    slot.record = record;
    slot.running =
      slot.pod === undefined ||
      (record !== undefined &&
        record.containersRunning &&
        record.podIP !== undefined &&
        !slot.pod.nodeCrashed);
    slot.node = record?.nodeName;
  }

  /** A new request (or the next one of a closed-loop user) at its intended send time, now. */
  #send(workload: WorkloadRuntime, user: number | undefined): void {
    const request: Request = {
      workload,
      intendedAt: this.cluster.now,
      attempt: 0,
      done: false,
      connection: undefined,
      serverPod: undefined,
      client: undefined,
      upstreamNode: undefined,
      upstreamPod: undefined,
      timer: undefined,
      deadline: this.cluster.now + workload.timeout,
      dropped: false,
      denied: false,
      inDns: false,
      balanced: undefined,
      why: undefined,
      servedBy: undefined,
      servedPrevious: undefined,
      servedNext: undefined,
      serviceEnd: undefined,
      user,
    };
    this.#attempt(request);
  }

  #attempt(request: Request): void {
    const workload = request.workload;
    const spec = workload.spec;
    const state = this.cluster.state;
    const clients = this.#clientsOf(workload, state);
    if (clients.length === 0) {
      request.why = 'no client pod matches the workload';
      return this.#finish(request, 'refused');
    }
    let slot = clients[workload.picks.int(0, clients.length - 1)] as ClientSlot;
    this.#refresh(slot, state);
    if (!slot.running) {
      // A client that cannot send: pick again among those that can. Uniform over the live
      // clients overall (1/n + (n-l)/n * 1/l = 1/l), and the usual pick stays O(1).
      const live = this.#liveClients(workload, clients, state);
      if (live.length === 0) {
        request.why = 'no client pod is running';
        return this.#finish(request, 'refused');
      }
      slot = live[workload.picks.int(0, live.length - 1)] as ClientSlot;
    }
    const client = slot.key;
    request.client = client;
    const clientPod = slot.record;
    const clientNode = slot.node;

    if (workload.clientBalanced) return this.#attemptBalanced(request, workload, client, clientPod, state);
    // Reuse a pooled connection when the workload keeps connections.
    if (!workload.perRequest) {
      const connection = this.#pooledConnection(workload, client);
      if (connection !== undefined) return this.#onConnection(request, connection, 0);
    }
    // Resolve the target as the client would (DNS queries are traffic too).
    let ip: string | undefined;
    let resolveDelay: Duration = NO_DELAY;
    if (workload.targetKind === 'service') ip = this.#serviceIp(workload, state);
    else {
      const target = this.#resolve(workload, client, clientPod, state);
      ip = target.ip;
      resolveDelay = target.delay;
    }
    if (ip === undefined) {
      // Still resolving when the client gives up: the request failed in DNS, not at the server.
      request.inDns = true;
      return this.#failOrRetryAfter(resolveDelay, request, 'dns_failure', `${spec.host} did not resolve`);
    }
    request.inDns = false;
    if (clientPod === undefined) {
      // An outside client opens each connection from a new ephemeral port, and a cloud load
      // balancer spreads flows by their 5-tuple: no cached route (it is per source address).
      const result = this.dataPlane.connect(
        {
          kind: 'external',
          ip: client.slice('external:'.length),
          ...('external' in spec.from && spec.from.external.via !== undefined
            ? { via: spec.from.external.via.replace(/^node\//, '') }
            : {}),
        },
        {
          ip: ip,
          port: spec.port,
          protocol: spec.protocol,
          sourcePort: workload.picks.int(32768, 60999),
        },
        { trace: false },
      );
      return this.#onConnect(request, result, client, clientNode, resolveDelay, state);
    }
    let route = slot.route;
    if (route === undefined || slot.routeIp !== ip) {
      route = this.dataPlane.route(
        { kind: 'pod', pod: client },
        { ip: ip, port: spec.port, protocol: spec.protocol },
      );
      slot.route = route;
      slot.routeIp = ip;
      slot.pickState = undefined;
    }
    let position: number;
    if (slot.pickState === state && this.cluster.now < slot.pickUntil) {
      // What `route.connectAt()` would do now, from the copy in the slot (its version has not
      // changed since, so the entries stand).
      position = (slot.pickDraw as (rng: RandomStream, n: number) => number)(
        slot.pickRng as RandomStream,
        slot.pickCount,
      );
    } else {
      position = route.connectAt();
      if (slot.entriesVersion !== route.version) {
        slot.entries.length = 0;
        slot.entriesVersion = route.version;
      }
      this.#holdPick(slot, route);
      if (position < 0)
        return this.#onConnect(
          request,
          route.lastResult as ConnectResult,
          client,
          clientNode,
          resolveDelay,
          state,
        );
    }
    // A result this client had before (the usual case): its entry has all a connection needs.
    const entries = slot.entries;
    const at = position * ENTRY;
    const known = entries[at] as BackendTarget | undefined;
    if (known !== undefined)
      return this.#connectTo(
        request,
        known,
        entries[at + 1] as ConnectResult['release'],
        entries[at + 2] as Hop,
        client,
        clientNode,
        resolveDelay,
      );
    const result = route.resultAt(position);
    this.#holdPick(slot, route);
    this.#onConnect(request, result, client, clientNode, resolveDelay, state, slot, at);
  }

  /** Copies the route's direct pick into the client's slot (see `ClientSlot.pickState`). */
  #holdPick(slot: ClientSlot, route: ConnectRoute): void {
    const pick = route.directPick();
    if (pick === undefined || pick.version !== slot.entriesVersion) {
      slot.pickState = undefined;
      return;
    }
    slot.pickState = pick.state;
    slot.pickUntil = pick.validUntil;
    slot.pickDraw = pick.draw;
    slot.pickRng = pick.rng;
    slot.pickCount = pick.count;
  }

  /**
   * Client-side balancing (gRPC, Envoy): the client knows the Service's ready endpoints, picks one
   * per request with its policy, and keeps one multiplexed connection per endpoint, dialled
   * directly (kube-proxy is not involved).
   */
  #attemptBalanced(
    request: Request,
    workload: WorkloadRuntime,
    client: string,
    clientPod: PodRecord | undefined,
    state: ClusterState,
  ): void {
    const spec = workload.spec;
    const balancer = spec.clientBalancer as NonNullable<ResolvedWorkload['clientBalancer']>;
    const backends = this.#readyEndpoints(workload.balancedService, spec.port, state);
    if (backends.length === 0)
      return this.#failOrRetryAfter(
        0,
        request,
        'no_endpoints',
        `${workload.balancedService ?? spec.host} has no ready endpoints`,
      );
    let policy = workload.balancers.get(client);
    if (policy === undefined) {
      policy = createPolicy(
        balancer.policy,
        this.cluster.sim.rng(`traffic/client-balancer/${spec.name}/${client}`),
        balancer.options,
      );
      workload.balancers.set(client, policy);
    }
    const sourceIp = clientPod?.podIP ?? client.slice('external:'.length);
    const picked = policy.pick(backends, { sourceIp, now: this.cluster.now });
    if (picked === undefined)
      return this.#failOrRetryAfter(
        0,
        request,
        'no_endpoints',
        `${workload.balancedService ?? spec.host} has no ready endpoints`,
      );
    policy.onStart?.(picked, this.cluster.now);
    request.balanced = { policy, backend: picked };
    let pool = workload.pools.get(client);
    if (pool === undefined) workload.pools.set(client, (pool = []));
    const existing = pool.find(
      (c) => c.target.id === picked.id && !c.broken && c.expiresAt > this.cluster.now,
    );
    if (existing !== undefined) return this.#onConnection(request, existing, 0);
    const colon = picked.id.lastIndexOf(':');
    const result = this.dataPlane.connect(
      clientPod === undefined ? { kind: 'external', ip: sourceIp } : { kind: 'pod', pod: client },
      { ip: picked.id.slice(0, colon), port: Number(picked.id.slice(colon + 1)), protocol: spec.protocol },
      { trace: false },
    );
    this.#onConnect(request, result, client, clientPod?.nodeName, 0, state);
  }

  /** The ready endpoints of a Service port as `ip:port` backends (cached per slice set). */
  #readyEndpoints(serviceKey: string | undefined, port: number, state: ClusterState): readonly Backend[] {
    if (serviceKey === undefined) return [];
    const cacheKey = `${serviceKey}:${port}`;
    const cached = this.#endpointCache.get(cacheKey);
    if (cached !== undefined && cached.slices === state.endpointSlices) return cached.backends;
    const service = state.services.get(serviceKey)?.service;
    const servicePort = service?.spec.ports?.find((p) => p.port === port);
    const backends: Backend[] = [];
    if (servicePort !== undefined) {
      for (const sliceKey of this.cluster.index.slicesOfService(serviceKey)) {
        const slice = state.endpointSlices.get(sliceKey);
        const slicePort = slice?.ports?.find((p) => (p.name ?? '') === (servicePort.name ?? ''));
        if (slice === undefined || slicePort?.port === undefined) continue;
        for (const endpoint of slice.endpoints ?? []) {
          if (endpoint.conditions?.ready !== true) continue;
          for (const address of endpoint.addresses)
            backends.push({ id: `${address}:${slicePort.port}`, weight: 1 });
        }
      }
    }
    backends.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    this.#endpointCache.set(cacheKey, { slices: state.endpointSlices, backends });
    return backends;
  }

  readonly #endpointCache = new Map<
    string,
    { slices: ClusterState['endpointSlices']; backends: readonly Backend[] }
  >();

  /** The ClusterIP of a `service/NS/NAME` target (read again when the state changes). */
  #serviceIp(workload: WorkloadRuntime, state: ClusterState): string | undefined {
    if (workload.serviceIpState !== state) {
      const ip = state.services.get(workload.serviceKey as string)?.service.spec.clusterIP;
      workload.serviceIpState = state;
      workload.serviceIp = ip === undefined || ip === 'None' || ip === '' ? undefined : ip;
    }
    return workload.serviceIp;
  }

  #resolve(
    workload: WorkloadRuntime,
    client: string,
    clientPod: PodRecord | undefined,
    state: ClusterState,
  ): ResolvedTarget {
    const host = workload.spec.host;
    // (`service/NS/NAME` targets are read by `#serviceIp`.)
    if (workload.targetKind === 'ip') return { ip: host, delay: 0 };
    if (this.dns === undefined || clientPod === undefined) return { ip: undefined, delay: 0 };
    const cached = workload.dnsCache.get(client);
    const now = this.cluster.now;
    if (cached !== undefined && cached.expires > now) return { ip: cached.ip, delay: 0 };
    const result = this.dns.resolve(client, host, 'A');
    this.metrics.dnsQueries(workload.spec.name, result.tries.length);
    // Each query is a UDP round trip to a CoreDNS pod.
    let delay = 0;
    for (let i = 0; i < result.tries.length; i++)
      delay += 2 * this.network.oneWay(state, clientPod.nodeName, clientPod.nodeName) + 100;
    const record = result.response?.answer.find((r) => r.type === 'A');
    if (!result.ok || record === undefined) {
      const timedOut = result.tries.some((t) => t.rcode === 'TIMEOUT');
      return { ip: undefined, delay: timedOut ? workload.spec.timeout : delay };
    }
    workload.dnsCache.set(client, { ip: record.data, expires: now + record.ttl * SECOND });
    return { ip: record.data, delay };
  }

  /**
   * The workload's target for the pod a result connected to and the hop to it from the client's
   * node, remembered for the client.
   */
  #backendTarget(
    workload: WorkloadRuntime,
    result: ConnectResult,
    client: ClientSlot | undefined,
    entry: number,
    clientNode: string | undefined,
    state: ClusterState,
  ): { target: BackendTarget; hop: Hop } {
    const backend = result.backend as { readonly ip: string; readonly port: number; readonly pod: string };
    // A pod deleted and made again under its name gets a new slot; so does its target.
    const slot = this.#slot(backend.pod);
    let target: BackendTarget | undefined;
    for (const known of slot.targets)
      if (known.workload === workload && known.port === backend.port && known.ip === backend.ip)
        target = known;
    if (target === undefined) {
      target = {
        workload,
        slot,
        pod: backend.pod,
        ip: backend.ip,
        port: backend.port,
        node: this.#read(slot, state)?.nodeName ?? '',
        // Through an Ingress controller, the backends that count are the endpoints it proxies to.
        counter: workload.spec.http === undefined ? this.#counter(workload, backend.pod) : undefined,
        id: `${backend.ip}:${backend.port}`,
      };
      slot.targets.push(target);
    }
    const hop = this.network.hop(state, clientNode, target.node);
    if (client !== undefined && entry >= 0) {
      const entries = client.entries;
      // Filled in order of first use: make the array dense up to this entry first.
      while (entries.length < entry) entries.push(undefined);
      entries[entry] = target;
      entries[entry + 1] = result.release;
      entries[entry + 2] = hop;
    }
    return { target, hop };
  }

  #onConnect(
    request: Request,
    result: ConnectResult,
    client: string,
    clientNode: string | undefined,
    resolveDelay: Duration,
    state: ClusterState,
    clientSlot?: ClientSlot,
    entry = -1,
  ): void {
    const proxyNode = result.node ?? clientNode;
    if (result.result === 'connected' && result.backend !== null && result.backend.pod === null)
      return this.#exchangeOutside(request, result, result.backend, clientNode, resolveDelay, state);
    if (result.result !== 'connected' || result.backend === null || result.backend.pod === null) {
      result.release?.(this.cluster.now, 0, false);
      const toProxy = resolveDelay + 2 * this.network.oneWay(state, clientNode, proxyNode ?? clientNode);
      if (result.result === 'refused') {
        return this.#failOrRetryAfter(
          toProxy,
          request,
          result.reason === 'no endpoints (REJECT)' ? 'no_endpoints' : 'refused',
          result.reason,
        );
      }
      // Dropped or unroutable: nothing answers; the client gives up at its timeout.
      if (result.result === 'dropped') request.dropped = true;
      // NetworkPolicy drops silently too; the client's timeout is reported as `denied`.
      if (result.result === 'denied') request.denied = true;
      return this.#timeoutAt(request, result.reason);
    }
    const { target, hop } = this.#backendTarget(
      request.workload,
      result,
      clientSlot,
      entry,
      clientNode,
      state,
    );
    this.#connectTo(request, target, result.release, hop, client, clientNode, resolveDelay);
  }

  /** A new connection to a backend pod the data plane connected the client to. */
  #connectTo(
    request: Request,
    target: BackendTarget,
    release: ConnectResult['release'],
    hop: Hop,
    client: string,
    clientNode: string | undefined,
    resolveDelay: Duration,
  ): void {
    const workload = request.workload;
    if (this.network.lost()) return this.#timeoutAt(request, 'connection attempt lost (packet loss)');
    const handshake = resolveDelay + 2 * this.network.sample(hop);
    const spec = workload.ages ? workload.spec : undefined;
    const maxAge =
      spec?.maxAge === undefined
        ? Number.POSITIVE_INFINITY
        : spec.maxAge * (1 + workload.picks.uniform(-spec.maxAgeJitter, spec.maxAgeJitter));
    const connection: Connection = {
      clientNode,
      target,
      hop,
      // A shared constant for "never": computing now + Infinity would box a new number each time.
      expiresAt: spec?.maxAge === undefined ? NEVER : this.cluster.now + Math.round(maxAge),
      openedAt: this.cluster.now,
      release,
      openedEpoch: this.#epoch,
      registered: !request.workload.perRequest,
      closed: false,
      inFlight: 0,
      broken: false,
    };
    target.counter?.connection();
    // A connection of one request needs no registry: its request is with the server or checks
    // the pod when it arrives. Pooled connections must be found and broken when the pod goes.
    if (!request.workload.perRequest) {
      let byPod = this.#connectionsByBackendPod.get(target.pod);
      if (byPod === undefined) this.#connectionsByBackendPod.set(target.pod, (byPod = new Set()));
      byPod.add(connection);
      let pool = request.workload.pools.get(client);
      if (pool === undefined) request.workload.pools.set(client, (pool = []));
      pool.push(connection);
    }
    this.#onConnection(request, connection, handshake);
  }

  /**
   * A request to a host outside the pod network (a configured external endpoint, the API
   * server): connection set-up, request and response over that host's latency. It has no queue
   * knsim knows of, and each request is its own connection.
   */
  #exchangeOutside(
    request: Request,
    result: ConnectResult,
    backend: { readonly ip: string; readonly port: number },
    clientNode: string | undefined,
    resolveDelay: Duration,
    state: ClusterState,
  ): void {
    const spec = request.workload.spec;
    const endpoint = this.dataPlane.externalEndpoint(backend.ip, backend.port);
    const oneWay = (): Duration =>
      endpoint?.latency === undefined
        ? this.network.oneWay(state, clientNode, undefined)
        : sampleDuration(endpoint.latency, this.#rng);
    const id = `${backend.ip}:${backend.port}`;
    const name = `external/${endpoint?.name ?? backend.ip}`;
    this.metrics.connection(spec.name, id, name);
    this.metrics.request(spec.name, id, name);
    const delay = resolveDelay + 2 * oneWay() + 2 * oneWay();
    result.release?.(this.cluster.now + delay, delay, true);
    this.#finishAfter(delay, request);
  }

  #pooledConnection(workload: WorkloadRuntime, client: string): Connection | undefined {
    const pool = workload.pools.get(client);
    if (pool === undefined) return undefined;
    const now = this.cluster.now;
    for (let i = pool.length - 1; i >= 0; i--) {
      const connection = pool[i] as Connection;
      if (connection.broken || connection.expiresAt <= now) {
        pool.splice(i, 1);
        this.#close(connection);
      }
    }
    if (workload.spec.mode === 'multiplexed') return pool[0];
    // HTTP/1.1: one request at a time per connection; open a new one while the pool has room.
    const idle = pool.find((c) => c.inFlight === 0);
    if (idle !== undefined || pool.length >= workload.spec.poolSize)
      return idle ?? pool[workload.picks.int(0, pool.length - 1)];
    return undefined;
  }

  #onConnection(request: Request, connection: Connection, delay: Duration): void {
    request.connection = connection;
    connection.inFlight++;
    connection.target.counter?.request();
    const toServer = delay + this.network.sample(connection.hop);
    // `#after` inlined: one closure per request fewer on the per-request path.
    const at = this.cluster.now + Math.max(0, Math.round(toServer));
    if (at >= request.deadline) return this.#timeoutAt(request);
    this.cluster.sim.queue.scheduleWith(Math.max(at, this.cluster.now), this.#arrivalAtServer, request);
  }

  #arrive(request: Request, connection: Connection): void {
    const slot = connection.target.slot;
    const pod = this.#read(slot, this.cluster.state);
    if (pod === undefined || connection.broken || slot.goneEpoch > connection.openedEpoch)
      return this.#failOrRetry(request, 'reset', `connection reset: ${slot.key} is gone or restarted`);
    if (slot.nodeCrashed) return this.#timeoutAt(request, `${slot.key}'s node is down`); // no answer
    if (!slot.running)
      return this.#failOrRetry(request, 'reset', `connection reset: ${slot.key} is not running`);
    if (request.workload.viaIngress && request.upstreamNode === undefined)
      return this.#proxy(request, connection, pod);
    const server = slot.server ?? this.#server(slot, pod);
    if (slot.terminating && server.onTermination === 'stop-accepting')
      return this.#failOrRetry(request, 'reset', `connection reset: ${slot.key} is terminating`);
    request.serverPod = slot.key;
    if (server.busy < server.concurrency) this.#serve(server, request);
    else if (server.waiting < server.queueLimit) {
      server.queue.push(request);
      server.waiting++;
      this.#timeoutAt(request, `queued at ${slot.key} (all ${server.concurrency} workers busy)`);
    } else this.#failOrRetry(request, 'refused', `${slot.key}'s queue is full`);
  }

  /**
   * The request reached an Ingress controller pod: it routes it and connects to the chosen
   * endpoint through the data plane (with its retries and keep-alive); an HTTP error goes back to
   * the client, a 200 goes on to the endpoint's server, whose response returns through the
   * controller.
   */
  #proxy(request: Request, connection: Connection, controller: PodRecord): void {
    const http = request.workload.spec.http as NonNullable<ResolvedWorkload['http']>;
    this.#ingress ??= new IngressController(this.cluster, this.dataPlane);
    const response = this.#ingress.proxyFrom(controller.key, {
      host: http.host ?? request.workload.spec.host,
      path: http.path,
      method: http.method,
      trace: false,
    });
    const state = this.cluster.state;
    const controllerNode = controller.nodeName ?? '';
    if (response.status !== 200 || response.pod === null) {
      const back = this.network.oneWay(state, controllerNode, connection.clientNode);
      const outcome: RequestOutcome = response.status === null ? 'refused' : `http_${response.status}`;
      return this.#failOrRetryAfter(
        back,
        request,
        outcome,
        `ingress controller ${controller.key}: ${response.reason}`,
      );
    }
    const upstream = this.#pod(state, response.pod);
    if (upstream === undefined)
      return this.#failOrRetry(request, 'http_502', `upstream ${response.pod} is gone`);
    const upstreamNode = upstream.nodeName ?? '';
    request.upstreamNode = upstreamNode;
    request.upstreamPod = upstream.key;
    const counter = this.#counter(request.workload, upstream.key);
    counter.request();
    if (response.attempts.at(-1)?.reason !== 'reused keep-alive connection') counter.connection();
    this.#arriveUpstreamAfter(
      this.network.oneWay(state, controllerNode, upstreamNode),
      request,
      upstream.key,
    );
  }

  /** A proxied request reaches the endpoint's server (the controller's connection to it is open). */
  #arriveUpstream(request: Request, podKey: string): void {
    const slot = this.#slot(podKey);
    const pod = this.#read(slot, this.cluster.state);
    if (pod === undefined || !pod.containersRunning)
      return this.#failOrRetry(request, 'http_502', `upstream ${podKey} is not running`);
    if (slot.nodeCrashed) return this.#timeoutAt(request, `upstream ${podKey}'s node is down`);
    const server = this.#server(slot, pod);
    request.serverPod = pod.key;
    if (server.busy < server.concurrency) this.#serve(server, request);
    else if (server.waiting < server.queueLimit) {
      server.queue.push(request);
      server.waiting++;
      this.#timeoutAt(request, `queued at ${slot.key} (all ${server.concurrency} workers busy)`);
    } else this.#failOrRetry(request, 'http_503', `${slot.key}'s queue is full`);
  }

  #serve(server: ServerRuntime, request: Request): void {
    server.busy++;
    request.servedBy = server;
    const first = server.serving;
    if (first !== undefined) first.servedPrevious = request;
    request.servedNext = first;
    request.servedPrevious = undefined;
    server.serving = request;
    const serviceTime = sampleDuration(server.serviceTime, this.#rng);
    const done = this.cluster.now + serviceTime;
    if (done >= request.deadline) this.#timeoutAt(request, `${server.pod} did not answer in time`);
    request.serviceEnd = this.cluster.sim.queue.scheduleWith(
      Math.max(done, this.cluster.now),
      this.#serviceDone,
      request,
    );
  }

  /** A request's service ended (a server that dies cancels this first, see `#serverGone`). */
  #served(request: Request): void {
    const server = request.servedBy as ServerRuntime;
    request.serviceEnd = undefined;
    const previous = request.servedPrevious;
    const next = request.servedNext;
    if (previous === undefined) server.serving = next;
    else previous.servedNext = next;
    if (next !== undefined) next.servedPrevious = previous;
    request.servedPrevious = undefined;
    request.servedNext = undefined;
    request.servedBy = undefined;
    server.busy--;
    this.#next(server);
    if (request.done) return;
    const connection = request.connection as Connection;
    // Through an Ingress controller the response goes back over the controller's node.
    const back = Math.max(
      0,
      Math.round(
        request.upstreamNode === undefined
          ? this.network.sample(connection.hop)
          : this.network.oneWay(this.cluster.state, request.upstreamNode, connection.target.node) +
              this.network.sample(connection.hop),
      ),
    );
    const at = this.cluster.now + back;
    // Nothing can happen to a response on its way back that knsim models, so a request on its
    // own connection is settled now, at its arrival time: one event fewer per request. Sampled
    // requests keep the event, whose log entry must carry the real time.
    if (at < request.deadline && request.workload.settlesAtService) return this.#finish(request, 'ok', at);
    this.#finishAfter(back, request);
  }

  #next(server: ServerRuntime): void {
    while (server.busy < server.concurrency && server.waiting > 0) {
      server.waiting--;
      const waiting = server.queue.shift() as Request;
      if (!waiting.done) this.#serve(server, waiting);
    }
  }

  #server(slot: PodSlot, pod: PodRecord): ServerRuntime {
    let server = slot.server;
    if (server === undefined) {
      const spec = this.#serverSpecs.find(
        (s) =>
          (s.namespace === undefined || s.namespace === pod.namespace) &&
          (s.selector === undefined || compileLabelSelector(parseLabelSelector(s.selector))(pod.labels)),
      ) as ResolvedServer;
      const override = spec.overrides.get(pod.key) ?? spec.overrides.get(pod.name);
      server = {
        pod: pod.key,
        serviceTime: override?.serviceTime ?? spec.serviceTime,
        concurrency: override?.concurrency ?? spec.concurrency,
        queueLimit: spec.queueLimit,
        onTermination: spec.onTermination,
        busy: 0,
        queue: [],
        waiting: 0,
        serving: undefined,
      };
      slot.server = server;
    }
    return server;
  }

  /** A server pod's containers stopped or its node died: its connections break. */
  #serverGone(pod: string, outcome: 'reset' | 'timeout'): void {
    // Connections opened before this moment are dead, registered or not.
    const slot = this.#slot(pod);
    slot.goneEpoch = ++this.#epoch;
    const server = slot.server;
    if (server !== undefined) {
      slot.server = undefined;
      // In service, oldest first (the list holds the newest first), then the queue.
      const serving: Request[] = [];
      for (let request = server.serving; request !== undefined; request = request.servedNext)
        serving.push(request);
      serving.reverse();
      for (const request of serving) {
        request.servedBy = undefined;
        request.servedPrevious = undefined;
        request.servedNext = undefined;
        if (request.serviceEnd !== undefined) this.cluster.sim.queue.cancel(request.serviceEnd);
        request.serviceEnd = undefined;
      }
      server.serving = undefined;
      for (const request of [...serving, ...server.queue]) {
        if (outcome === 'reset') this.#failOrRetry(request, 'reset', `connection reset: ${pod} stopped`);
        else this.#timeoutAt(request, `${pod}'s node went down`); // no answer will come
      }
      server.queue.length = 0;
      server.waiting = 0;
    }
    for (const connection of [...(this.#connectionsByBackendPod.get(pod) ?? [])]) {
      connection.broken = true;
      this.#close(connection, false);
    }
    this.#connectionsByBackendPod.delete(pod);
  }

  #close(connection: Connection, ok = true): void {
    if (connection.closed) return;
    connection.closed = true;
    if (connection.registered) this.#connectionsByBackendPod.get(connection.target.pod)?.delete(connection);
    connection.release?.(this.cluster.now, this.cluster.now - connection.openedAt, ok && !connection.broken);
  }

  // The closures of rare paths live in methods of their own: a closure anywhere in a method makes
  // every call of it allocate a context, and the per-request methods should allocate nothing.

  #failOrRetryAfter(delay: Duration, request: Request, outcome: RequestOutcome, why?: string): void {
    this.#after(delay, request, () => this.#failOrRetry(request, outcome, why));
  }

  #finishAfter(delay: Duration, request: Request): void {
    this.#after(delay, request, () => this.#finish(request, 'ok'));
  }

  #arriveUpstreamAfter(delay: Duration, request: Request, pod: string): void {
    this.#after(delay, request, () => this.#arriveUpstream(request, pod));
  }

  #sendAt(at: Instant, workload: WorkloadRuntime, user: number | undefined): void {
    this.#at(at, () => this.#send(workload, user));
  }

  /** Runs `callback` after `delay` unless the request ends first; past its deadline it times out. */
  #after(delay: Duration, request: Request, callback: () => void): void {
    const at = this.cluster.now + Math.max(0, Math.round(delay));
    if (at >= request.deadline) return this.#timeoutAt(request);
    this.#at(at, () => {
      if (!request.done) callback();
    });
  }

  /** Arms the request's timeout: it waits with nothing scheduled that would end it sooner. */
  #timeoutAt(request: Request, why?: string): void {
    if (request.done) return;
    if (why !== undefined) request.why = why;
    if (request.timer !== undefined) return;
    request.timer = this.#at(request.deadline, () => this.#finish(request, 'timeout'));
  }

  #failOrRetry(request: Request, outcome: RequestOutcome, why?: string): void {
    if (request.done) return;
    request.why = why ?? outcome;
    request.upstreamNode = undefined;
    request.upstreamPod = undefined;
    const retries = request.workload.spec.retries;
    const connection = request.connection;
    if (connection !== undefined) {
      connection.inFlight--;
      if (outcome === 'reset') connection.broken = true;
      if (request.workload.perRequest) this.#close(connection, false);
      request.connection = undefined;
    }
    if (request.attempt < retries.attempts) {
      request.attempt++;
      const base = Math.min(retries.maxBackoff, retries.backoff * 2 ** (request.attempt - 1));
      const wait = Math.round(base * (1 - retries.jitter * this.#rng.next()));
      this.#after(wait, request, () => this.#attempt(request));
      return;
    }
    this.#finish(request, outcome);
  }

  /** Why a request ended with a failure, in a few words. */
  #reason(request: Request, outcome: RequestOutcome): string {
    if (outcome === 'dns_failure' && request.inDns)
      return `${request.workload.spec.host} did not resolve in time`;
    if (outcome === 'timeout' || outcome === 'dropped' || outcome === 'denied')
      return `no answer within ${formatDuration(request.workload.spec.timeout)}${request.why === undefined ? '' : `: ${request.why}`}`;
    return request.why ?? outcome;
  }

  /** Ends a request with its outcome, as the client sees it at `at` (now, or a known arrival). */
  #finish(request: Request, outcome: RequestOutcome, at: Instant = this.cluster.now): void {
    if (request.done) return;
    request.done = true;
    if (request.timer !== undefined) this.cluster.sim.queue.cancel(request.timer);
    const connection = request.connection;
    if (connection !== undefined) {
      connection.inFlight--;
      if (outcome === 'timeout') connection.broken = true; // clients drop a connection that timed out
      if (request.workload.perRequest) this.#close(connection, outcome === 'ok');
    }
    const final =
      outcome !== 'timeout'
        ? outcome
        : request.inDns
          ? 'dns_failure'
          : request.denied
            ? 'denied'
            : request.dropped
              ? 'dropped'
              : outcome;
    const latency = at - request.intendedAt;
    request.balanced?.policy.onFinish?.(request.balanced.backend, at, latency, final === 'ok');
    const reason = final === 'ok' ? undefined : this.#reason(request, final);
    request.workload.recorder.outcome(final, latency, at, reason);
    const workload = request.workload;
    if (workload.sampled && this.#rng.next() < workload.spec.sample) {
      this.cluster.sim.emit({
        type: 'RequestSampled',
        workload: workload.spec.name,
        outcome: final,
        latency,
        backend: connection?.target.id ?? null,
        client: request.client ?? null,
        pod: connection?.target.pod ?? request.serverPod ?? null,
        reason: reason ?? null,
      } as never);
    }
    // A closed-loop user thinks, then sends its next request.
    if (request.user !== undefined && workload.closedLoop) this.#thinkThenSend(workload, request.user, at);
  }

  #thinkThenSend(workload: WorkloadRuntime, user: number, at: Instant): void {
    const arrival = workload.spec.arrival;
    if (arrival.kind === 'closedLoop') {
      const think = sampleDuration(arrival.thinkTime, workload.arrivals);
      const next = at + think;
      if (workload.spec.stop === undefined || next <= workload.spec.stop) this.#sendAt(next, workload, user);
    }
  }
}
