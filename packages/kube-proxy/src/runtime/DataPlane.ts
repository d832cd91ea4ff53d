import {
  parseIpv4,
  parseIpv4Cidr,
  type EndpointSlice,
  type Protocol,
  type Service,
  type ServicePort,
} from '@knsim/api';
import { SECOND, type Instant, type LoggedEvent, type RandomStream } from '@knsim/core';
import {
  apiServerAddress,
  type Cluster,
  type ClusterEvent,
  type ExternalEndpoint,
  type ClusterState,
  type NodeRecord,
  type PodRecord,
} from '@knsim/control-plane';
import type { CategorizedEndpoints } from '../eligibility/categorizeEndpoints.js';
import type { ServicePortInfo } from '../eligibility/servicePortInfo.js';
import type { Backend } from '../policies/LoadBalancingPolicy.js';
import type { ConnectionCounter } from '../policies/BalancerState.js';
import { categorizeEndpoints } from '../eligibility/categorizeEndpoints.js';
import { endpointsFromSlices } from '../eligibility/endpointsFromSlices.js';
import {
  localTrafficDetector,
  type ConnectionSource,
  type LocalTrafficDetector,
} from '../eligibility/localTrafficDetector.js';
import { masqueradeDecision } from '../eligibility/masqueradeDecision.js';
import { newConnectionVerdict, type ServiceDestination } from '../eligibility/newConnectionVerdict.js';
import { canonicalIp, type ProxyEndpoint } from '../eligibility/proxyEndpoint.js';
import { servicePortInfo } from '../eligibility/servicePortInfo.js';
import type { LoadBalancingPolicy } from '../policies/LoadBalancingPolicy.js';
import { createPolicy } from '../policies/policyRegistry.js';
import { iptablesCascade, IptablesRandomPolicy } from '../policies/IptablesRandomPolicy.js';
import { nftablesElement, NftablesRandomPolicy } from '../policies/NftablesRandomPolicy.js';
import { IPVS_DRAIN_CHECK_INTERVAL, IpvsGracefulTermination } from '../policies/IpvsGracefulTermination.js';
import { ProxyViews, type ServiceVersion } from './ProxyViews.js';
import { PolicyEnforcement, type EnforcedEndpoint, type EnforcementVerdict } from './PolicyEnforcement.js';

/** Where a connection starts. */
export type ConnectSource =
  | { readonly kind: 'pod'; readonly pod: string }
  | { readonly kind: 'node'; readonly node: string }
  | { readonly kind: 'external'; readonly ip?: string; readonly via?: string };

/** How {@link DataPlane.connect} works. */
export interface ConnectOptions {
  /** False: no hop descriptions (the traffic engine's per-request path). Default true. */
  readonly trace?: boolean;
  /**
   * Send a Service connection to the endpoint with this IP instead of balancing (as if the
   * proxy had picked it), or fail when it is not eligible from the deciding node. For
   * reachability checks of one backend behind a Service.
   */
  readonly endpoint?: string;
}

/** A reusable source-to-target path: see {@link DataPlane.route}. */
export interface ConnectRoute {
  /** One new connection at the cluster's current time, untraced. */
  connect(): ConnectResult;
  /**
   * One new connection, like `connect()`, answered with where its result sits among the route's
   * results: a position >= 0 names the same result object (`resultAt(position)`, asked for at
   * once: it may be made then) for as long as `version` stays the same, so a caller can keep its
   * own data per position instead of looking results up; -1 when the result has no position
   * (read it from `lastResult`).
   */
  connectAt(): number;
  resultAt(position: number): ConnectResult;
  /** The result of the latest `connectAt()` that answered -1. */
  readonly lastResult: ConnectResult | undefined;
  /** Changes (to a number no route had before) whenever the route's positions are renumbered. */
  readonly version: number;
  /**
   * When the route's connections are one draw each (kube-proxy's own random choice with nothing
   * else to do), what they do, as of the latest `connectAt()` or `resultAt()`; otherwise
   * undefined. See {@link DirectPick}.
   */
  directPick(): DirectPick | undefined;
}

/**
 * What a route's connection does while nothing changes, for a caller that keeps it beside its
 * own data per client (one object fewer to read per connection): while the cluster's state is
 * `state` and the time is before `validUntil`, `connectAt()` answers `draw(rng, count)` and does
 * nothing else, and positions keep their meaning under `version`. Read it again after each
 * `connectAt()` or `resultAt()` the caller makes (a first result can shorten `validUntil`).
 */
export interface DirectPick {
  readonly state: ClusterState | undefined;
  readonly validUntil: number;
  readonly draw: (rng: RandomStream, n: number) => number;
  readonly rng: RandomStream;
  readonly count: number;
  readonly version: number;
}

export interface ConnectTarget {
  readonly ip: string;
  readonly port: number;
  readonly protocol: Protocol;
  readonly sourcePort?: number;
}

/** How a connection attempt ended, as the client sees it. */
export type ConnectOutcome = 'connected' | 'refused' | 'dropped' | 'timeout' | 'denied';

export interface ConnectResult {
  readonly result: ConnectOutcome;
  /** Why, in a few words (e.g. "no endpoints (REJECT)", "pod is gone (stale endpoint)"). */
  readonly reason: string;
  readonly backend: { readonly ip: string; readonly port: number; readonly pod: string | null } | null;
  /** Every endpoint the deciding kube-proxy could have picked, `ip:port`. */
  readonly candidates: readonly string[];
  readonly masqueraded: boolean;
  readonly sourceIPSeenByBackend: string | null;
  /** The node whose kube-proxy made the decision, if a Service address was dialled. */
  readonly node: string | null;
  /** The Service dialled (`ns/name`), if any. */
  readonly service: string | null;
  readonly hops: readonly string[];
  /**
   * The NetworkPolicies that decided (`ns/name`, sorted): for `denied`, those isolating the
   * refusing end; otherwise those whose rules admitted the connection (empty when not isolated).
   */
  readonly policies: readonly string[];
  /**
   * For a connection balanced by kube-proxy: tell its balancing policy that the connection
   * ended (least-connection and adaptive policies count open connections). Not serialised.
   */
  readonly release?: ((now: number, latency: number, ok: boolean) => void) | undefined;
}

// A shared, never-filled hop list for untraced connections: its own `push` does nothing (a plain
// property, not a proxy's trap). Paths taken once per route result skip building the text too.
const NO_HOPS: string[] = Object.defineProperty<string[]>([], 'push', { value: () => 0 });

const EXCLUDE_FROM_LOAD_BALANCERS = 'node.kubernetes.io/exclude-from-external-load-balancers';
const TO_BE_DELETED_TAINT = 'ToBeDeletedByClusterAutoscaler';

/** The default address of an external client. */
export const DEFAULT_EXTERNAL_CLIENT = '203.0.113.10';

/**
 * The data plane of a simulated cluster: every node's kube-proxy (rules programmed after each
 * node's own propagation delay, see {@link ProxyViews}), Service address translation with the
 * configured mode or policy, session affinity, masquerading, and delivery to the backend pod.
 *
 * @example
 * ```ts
 * const cluster = new Cluster({ manifests });
 * const dataPlane = new DataPlane(cluster);
 * cluster.converge();
 * dataPlane.connect({ kind: 'pod', pod: 'shop/client' }, { ip: '10.96.12.7', port: 80, protocol: 'TCP' });
 * ```
 */
export class DataPlane {
  readonly cluster: Cluster;
  readonly views: ProxyViews;
  /** The CNI's NetworkPolicy agents. */
  readonly policies: PolicyEnforcement;
  readonly #balancers = new Map<string, LoadBalancingPolicy>();
  readonly #affinity = new Map<string, { endpoint: string; lastUsed: Instant }>();
  // IPVS mode: each (node, Service port)'s real-server list with graceful termination.
  readonly #ipvsDestinations = new Map<string, IpvsDestinations>();
  // UDP conntrack entries by (proxy node, 5-tuple).
  readonly #udpFlows = new Map<string, { endpoint: string; expiresAt: Instant }>();
  #udpSweepAt = 4096;
  readonly #detectors = new Map<string, LocalTrafficDetector>();

  constructor(cluster: Cluster) {
    this.cluster = cluster;
    const config = cluster.config;
    this.#apiServer = apiServerAddress(config);
    this.views = new ProxyViews({
      seed: cluster.sim.random.seed,
      propagation: config.timings.proxyPropagation,
      minSyncPeriod: config.proxy.minSyncPeriod,
    });
    this.policies = new PolicyEnforcement({
      seed: cluster.sim.random.seed,
      delay: config.timings.policyEnforcement,
      watchTime: (node, now) => {
        const record = this.cluster.state.nodes.get(node);
        return record === undefined ? now : this.#watchTime(record, now);
      },
    });
    // Catch up with what happened before the data plane was attached, then follow the log.
    for (const event of cluster.sim.log.events) this.#observe(event);
    cluster.sim.events$.subscribe((event) => this.#observe(event));
  }

  #decide(
    state: ClusterState,
    source: ConnectSource,
    target: ConnectTarget,
    now: Instant,
    hops: string[],
  ): ConnectResult | Decision {
    this.#stableUntil = Number.POSITIVE_INFINITY;
    const fail = (
      result: ConnectOutcome,
      reason: string,
      extra: Partial<ConnectResult> = {},
    ): ConnectResult => failure(result, reason, hops, extra);

    // 1. The source: its address and the node its packets leave from.
    let sourceIp: string;
    let sourceNode: string | undefined;
    let proxySource: ConnectionSource;
    // Who NetworkPolicy sees as the source.
    let origin: EnforcedEndpoint;
    if (source.kind === 'pod') {
      const pod = state.pods.get(source.pod);
      if (pod === undefined) return fail('refused', `source pod ${source.pod} does not exist`);
      if (pod.podIP === undefined || pod.nodeName === undefined)
        return fail('timeout', `source pod ${source.pod} has no IP yet`);
      if (!pod.containersRunning) return fail('refused', `source pod ${source.pod} is not running`);
      const node = state.nodes.get(pod.nodeName);
      if (node?.kubelet === 'crashed') return fail('timeout', `source pod's node ${pod.nodeName} is down`);
      sourceIp = pod.spec.hostNetwork === true ? (node?.address ?? pod.podIP) : pod.podIP;
      sourceNode = pod.nodeName;
      origin =
        pod.spec.hostNetwork === true
          ? { kind: 'node', node: pod.nodeName, ip: sourceIp }
          : { kind: 'pod', pod: source.pod, ip: sourceIp, node: pod.nodeName };
      proxySource =
        pod.spec.hostNetwork === true
          ? { kind: 'node', ip: sourceIp }
          : { kind: 'pod', ip: sourceIp, onThisNode: true };
      hops.push(`pod ${source.pod} (${sourceIp}) on ${pod.nodeName}`);
    } else if (source.kind === 'node') {
      const node = state.nodes.get(source.node);
      if (node === undefined) return fail('refused', `node ${source.node} does not exist`);
      if (node.kubelet === 'crashed') return fail('timeout', `node ${source.node} is down`);
      sourceIp = node.address;
      sourceNode = node.name;
      origin = { kind: 'node', node: node.name, ip: sourceIp };
      proxySource = { kind: 'node', ip: sourceIp };
      hops.push(`node ${node.name} (${sourceIp})`);
    } else {
      sourceIp = source.ip ?? DEFAULT_EXTERNAL_CLIENT;
      origin = { kind: 'external', ip: sourceIp };
      proxySource = { kind: 'external', ip: sourceIp };
      hops.push(`external client ${sourceIp}`);
    }

    // 2. What was dialled.
    const dialled = target.ip;
    const nodeByAddress = this.#nodeByAddress(state, dialled);
    const serviceByClusterIp = state.clusterIPs.get(dialled);
    const serviceByLoadBalancer = state.loadBalancerIPs.get(dialled);

    let destination: ServiceDestination | undefined;
    let serviceKey: string | undefined;
    let proxyNode: string | undefined;
    if (serviceByClusterIp !== undefined) {
      if (source.kind === 'external' && source.via === undefined) {
        return fail('timeout', `ClusterIP ${dialled} is not reachable from outside the cluster`);
      }
      destination = 'clusterIP';
      serviceKey = serviceByClusterIp;
      proxyNode = source.kind === 'external' ? source.via : sourceNode;
    } else if (serviceByLoadBalancer !== undefined) {
      destination = 'loadBalancer';
      serviceKey = serviceByLoadBalancer;
      if (source.kind === 'external') {
        const entry = source.via ?? this.#balancerNode(state, serviceByLoadBalancer, sourceIp, target, now);
        if (entry === undefined)
          return fail('timeout', `the load balancer has no healthy node for ${dialled}`, {
            service: serviceKey,
          });
        proxyNode = entry;
        hops.push(`load balancer ${dialled} -> node ${entry}`);
      } else {
        proxyNode = sourceNode;
      }
    } else if (nodeByAddress !== undefined) {
      const nodePortService = this.#serviceByNodePort(state, target.port);
      if (nodePortService === undefined) {
        return this.#deliverToHost(state, nodeByAddress.name, target, sourceIp, sourceNode, hops, fail);
      }
      const checked = state.services.get(nodePortService)?.service;
      if (checked?.spec.healthCheckNodePort === target.port && target.protocol === 'TCP') {
        // kube-proxy's health-check server for this Local Service, not a Service port.
        if (nodeByAddress.kubelet === 'crashed') return fail('timeout', `node ${nodeByAddress.name} is down`);
        const local = this.#hasLocalReadyEndpoint(nodePortService, nodeByAddress.name, now);
        hops.push(`kube-proxy ${nodeByAddress.name}: health check of ${nodePortService}`);
        return connected({ ip: nodeByAddress.address, port: target.port, pod: null }, sourceIp, hops, {
          node: nodeByAddress.name,
          service: nodePortService,
          reason: `kube-proxy health check: HTTP ${local ? '200' : '503'} (${local ? 'has' : 'no'} local ready endpoints)`,
        });
      }
      destination = 'nodePort';
      serviceKey = nodePortService;
      proxyNode = nodeByAddress.name;
      if (source.kind === 'external' && source.via !== undefined && source.via !== nodeByAddress.name) {
        hops.push(`via node ${source.via}`);
      }
    } else {
      // Not a Service address: routed as is. Pod addresses are not routable from outside (overlay
      // or private pod network), unless the packet is handed to a node (`via`).
      if (source.kind === 'external' && source.via === undefined && this.#inPodNetwork(dialled))
        return fail('timeout', `pod address ${dialled} is not reachable from outside the cluster`);
      return this.#deliver(state, dialled, target, sourceIp, sourceNode, hops, fail, undefined, origin);
    }
    if (proxyNode === undefined) return fail('timeout', 'no node to handle the connection');
    const proxyNodeRecord = state.nodes.get(proxyNode);
    if (proxyNodeRecord === undefined || proxyNodeRecord.kubelet === 'crashed') {
      return fail('timeout', `node ${proxyNode} is down`, { node: proxyNode, service: serviceKey });
    }
    if (sourceNode !== proxyNode && this.#partitioned(state, proxyNode, sourceNode)) {
      return fail('timeout', `node ${proxyNode} is partitioned from the source`, {
        node: proxyNode,
        service: serviceKey,
      });
    }

    // 3. The node's kube-proxy, with the rules it has programmed by now.
    const version = this.views.seenBy(proxyNode, serviceKey, this.#watchTime(proxyNodeRecord, now));
    this.#stableUntil = Math.min(this.#stableUntil, this.views.stableUntil(proxyNode, serviceKey));
    const service = version?.service;
    const servicePort =
      service === undefined ? undefined : matchingPort(service, destination, dialled, target);
    if (version === undefined || service === undefined || servicePort === undefined) {
      const why =
        version === undefined || service === undefined
          ? `node ${proxyNode} has no rules for ${serviceKey} yet`
          : `no Service port ${target.port}/${target.protocol}`;
      return fail(destination === 'clusterIP' ? 'timeout' : 'refused', why, {
        node: proxyNode,
        service: serviceKey,
      });
    }
    const programmed = this.#programmed(version, serviceKey, service, servicePort, proxyNodeRecord);
    const { info, categorized } = programmed;
    const detector = this.#detector(state, proxyNode);
    const connectionSource: ConnectionSource =
      proxySource.kind === 'pod' && sourceNode !== proxyNode
        ? { ...proxySource, onThisNode: false }
        : proxySource;
    const verdict = newConnectionVerdict({
      servicePort: info,
      categorized,
      destination,
      source: connectionSource,
      localDetector: detector,
    });
    const candidates = endpointIds(categorized.allReachableEndpoints);
    const decided: { node: string; service: string; candidates: readonly string[] } = {
      node: proxyNode,
      service: serviceKey,
      candidates,
    };
    if (verdict.outcome === 'reject') {
      hops.push(`kube-proxy ${proxyNode}: ${serviceKey} has no endpoints (REJECT)`);
      return fail('refused', 'no endpoints (REJECT)', decided);
    }
    if (verdict.outcome === 'drop') {
      hops.push(`kube-proxy ${proxyNode}: ${verdict.reason} (DROP)`);
      return fail('dropped', `${verdict.reason} (DROP)`, decided);
    }
    if (verdict.outcome === 'not-proxied')
      return fail('timeout', `${serviceKey} is not proxied (${verdict.reason})`, decided);
    const eligible = verdict.endpoints;
    decided.candidates = endpointIds(eligible);
    return {
      kind: 'decision',
      proxyNode,
      proxyNodeRecord,
      serviceKey,
      service,
      servicePort,
      programmed,
      eligible,
      destination,
      dialled,
      sourceIp,
      connectionSource,
      detector,
      decided,
      portKey: programmed.portKey,
      origin,
      canonicalSource: undefined,
      affinity: service.spec.sessionAffinity === 'ClientIP',
    };
  }

  /**
   * One new connection at the cluster's current time. With `trace: false` the hop descriptions
   * are not built (the per-request path of the traffic engine).
   */
  connect(source: ConnectSource, target: ConnectTarget, options: ConnectOptions = {}): ConnectResult {
    const now = this.cluster.now;
    const hops: string[] = options.trace === false ? NO_HOPS : [];
    const decision = this.#decide(this.cluster.state, source, target, now, hops);
    if (!('kind' in decision)) return decision;
    if (options.endpoint !== undefined) {
      // A chosen backend (reachability checks): no balancing, no conntrack, no counters.
      const chosen = decision.eligible.find((e) => e.ip === options.endpoint);
      this.#lastPick = undefined;
      if (chosen === undefined)
        return failure(
          'refused',
          `${options.endpoint} is not an eligible endpoint of ${decision.serviceKey} on ${decision.proxyNode}`,
          hops,
          decision.decided,
        );
      return this.#complete(decision, chosen, target, hops);
    }
    const { proxyNode, sourceIp, dialled, programmed } = decision;
    // A UDP flow with a conntrack entry keeps its endpoint while the entry lives and the node's
    // rules still have the endpoint (kube-proxy flushes entries of removed endpoints at its sync).
    const flowKey =
      target.protocol === 'UDP' && target.sourcePort !== undefined
        ? `${proxyNode}\u0000${sourceIp}:${target.sourcePort}\u0000${dialled}:${target.port}`
        : undefined;
    const tracked = flowKey === undefined ? undefined : this.#udpFlows.get(flowKey);
    const trackedEndpoint =
      tracked === undefined || now >= tracked.expiresAt
        ? undefined
        : programmed.categorized.allReachableEndpoints.find((e) => e.endpoint === tracked.endpoint);
    if (trackedEndpoint !== undefined) {
      this.#lastPick = undefined;
      hops.push(`conntrack ${proxyNode}: existing UDP entry -> ${trackedEndpoint.endpoint}`);
    }
    const endpoint = trackedEndpoint ?? this.#pick(decision, target, now);
    if (flowKey !== undefined && endpoint !== undefined) {
      if (tracked === undefined && this.#udpFlows.size >= this.#udpSweepAt) this.#sweepUdpFlows(now);
      // The first exchange gets udpTimeout; a flow seen again counts as a stream (udpStreamTimeout).
      const { udpTimeout, udpStreamTimeout } = this.cluster.config.proxy.conntrack;
      this.#udpFlows.set(flowKey, {
        endpoint: endpoint.endpoint,
        expiresAt: now + (trackedEndpoint === undefined ? udpTimeout : udpStreamTimeout),
      });
    }
    return this.#withRelease(this.#complete(decision, endpoint, target, hops));
  }

  /**
   * A reusable path from one source to one target for untraced connections (the traffic engine's
   * per-request path). Everything up to the balancing pick is decided once per cluster state and
   * per period in which the proxy node's programmed rules stay the same, and the delivery result
   * once per picked endpoint; each call then costs a policy pick. UDP flows with a source port go
   * through {@link DataPlane.connect} each time (their conntrack entries are per flow).
   */
  route(source: ConnectSource, target: ConnectTarget): ConnectRoute {
    if (target.protocol === 'UDP' && target.sourcePort !== undefined) {
      const connect = (): ConnectResult => this.connect(source, target, { trace: false });
      const flow = {
        connect,
        connectAt: (): number => {
          flow.lastResult = connect();
          return -1;
        },
        resultAt: (position: number): ConnectResult => {
          throw new RangeError(`a UDP flow's route has no result at position ${position}`);
        },
        lastResult: undefined as ConnectResult | undefined,
        version: ++this.#routeVersions,
        directPick: (): DirectPick | undefined => undefined,
      };
      return flow;
    }
    return new this.#Route(this, source, target);
  }

  // A route's cache as one object with a method (not a closure over variables): the per-request
  // path then reads one object. Declared in the class body to reach `#connectRoute`.
  readonly #Route = class implements ConnectRoute, RouteCache {
    state: ClusterState | undefined = undefined;
    validUntil = Number.NEGATIVE_INFINITY;
    decision: ConnectResult | Decision | undefined = undefined;
    // Results by the picked backend's position in the decision's list; otherwise (IPVS lists,
    // affinity) by picked backend (with its release hook), or by endpoint when no policy picked.
    byIndex: (ConnectResult | undefined)[] = [];
    delivered = new Map<Backend | ProxyEndpoint | undefined, ConnectResult>();
    policy: LoadBalancingPolicy | undefined = undefined;
    list: readonly Backend[] = [];
    sourceIp = '';
    draw: ((rng: RandomStream, n: number) => number) | undefined = undefined;
    rng: RandomStream | undefined = undefined;
    count = 0;
    readonly destinationIp: string;
    readonly destinationPort: number;
    lastResult: ConnectResult | undefined = undefined;
    version = 0;

    constructor(
      readonly owner: DataPlane,
      readonly source: ConnectSource,
      readonly target: ConnectTarget,
    ) {
      this.destinationIp = target.ip;
      this.destinationPort = target.port;
    }

    connect(): ConnectResult {
      const position = this.owner.#connectRoute(this);
      return position >= 0 ? this.resultAt(position) : (this.lastResult as ConnectResult);
    }

    connectAt(): number {
      return this.owner.#connectRoute(this);
    }

    directPick(): DirectPick | undefined {
      // The route itself carries the fields (no object made per call).
      return this.draw === undefined ? undefined : (this as unknown as DirectPick);
    }

    resultAt(position: number): ConnectResult {
      const result = this.byIndex[position];
      if (result !== undefined) return result;
      // A position the direct path handed out (see `#connectRoute`): its result, made now.
      const decision = this.decision;
      if (this.policy === undefined || decision === undefined || !('kind' in decision))
        throw new RangeError(`this route has no result at position ${position}`);
      this.owner.#deliverPicked(this, decision, undefined, position);
      return this.byIndex[position] as ConnectResult;
    }
  };

  #routeVersions = 0;

  /** A route's connection: the position of its result in `route.byIndex`, or -1 and `lastResult`. */
  #connectRoute(route: RouteCache): number {
    const now = this.cluster.now;
    const current = this.cluster.state;
    let decision = route.decision;
    if (current !== route.state || now >= route.validUntil || decision === undefined) {
      route.state = current;
      decision = route.decision = this.#decide(current, route.source, route.target, now, NO_HOPS);
      route.validUntil = this.#stableUntil;
      route.byIndex = [];
      route.delivered = new Map();
      route.version = ++this.#routeVersions;
      route.policy = undefined;
      route.draw = undefined;
      if ('kind' in decision) {
        const policy = this.#prepare(decision);
        if (
          !decision.affinity &&
          decision.counts === false &&
          this.cluster.config.proxy.mode !== 'ipvs' &&
          route.target.sourcePort === undefined
        ) {
          const list = decision.backendList as readonly Backend[];
          route.policy = policy;
          route.list = list;
          route.sourceIp = decision.sourceIp;
          // The built-in random choices themselves (not a user's subclass), over a list whose
          // positions are the chain's rules (every weight positive, as `#prepare` builds it).
          const draw =
            policy.constructor === IptablesRandomPolicy
              ? iptablesCascade
              : policy.constructor === NftablesRandomPolicy
                ? nftablesElement
                : undefined;
          if (draw !== undefined && list.length > 0 && list.every((backend) => backend.weight > 0)) {
            route.draw = draw;
            route.rng = (policy as IptablesRandomPolicy | NftablesRandomPolicy).rng;
            route.count = list.length;
          }
        }
      }
    }
    const draw = route.draw;
    if (draw !== undefined) return draw(route.rng as RandomStream, route.count);
    const policy = route.policy;
    if (policy !== undefined) {
      // Another policy that needs nothing else (a user's, random choice subclassed): what `#pick`
      // does, from the route's own fields. It picks from the list built for the decision, whose
      // positions name results.
      const list = route.list;
      const context = this.#context(route.sourceIp, route.destinationIp, route.destinationPort, now);
      const picked = policy.pick(list, context);
      const index =
        picked === undefined
          ? -1
          : list.length <= 64
            ? list.indexOf(picked)
            : (picked as EndpointBackend).index;
      // Its result is made when first asked for (`resultAt`): a caller that keeps its own data per
      // position does not read it again.
      if (index >= 0) return index;
      return this.#deliverPicked(route, decision as Decision, picked, index);
    }
    if (!('kind' in decision)) {
      route.lastResult = decision;
      return -1;
    }
    const endpoint = this.#pick(decision, route.target, now);
    const index = this.#lastIndex;
    const key = this.#lastPick?.backend ?? endpoint;
    let result = index >= 0 ? route.byIndex[index] : route.delivered.get(key);
    if (result === undefined) {
      this.#stableUntil = Number.POSITIVE_INFINITY;
      result = this.#withRelease(this.#complete(decision, endpoint, route.target, NO_HOPS));
      // A NetworkPolicy agent about to program a change makes this answer short-lived.
      if (this.#stableUntil < route.validUntil) route.validUntil = this.#stableUntil;
      if (index >= 0) route.byIndex[index] = result;
      else route.delivered.set(key, result);
    }
    this.#lastPick = undefined;
    if (index >= 0) return index;
    route.lastResult = result;
    return -1;
  }

  /** A route's first connection to the backend just picked (see `#connectRoute`), remembered. */
  #deliverPicked(route: RouteCache, decision: Decision, picked: Backend | undefined, index: number): number {
    const endpoint =
      index >= 0
        ? decision.eligible[index]
        : picked === undefined
          ? undefined
          : ((picked as Partial<EndpointBackend>).endpoint ?? decision.backends?.byId.get(picked.id));
    let result = index >= 0 ? undefined : route.delivered.get(endpoint);
    if (result === undefined) {
      this.#stableUntil = Number.POSITIVE_INFINITY;
      result = this.#complete(decision, endpoint, route.target, NO_HOPS);
      // A NetworkPolicy agent about to program a change makes this answer short-lived.
      if (this.#stableUntil < route.validUntil) route.validUntil = this.#stableUntil;
      if (index >= 0) route.byIndex[index] = result;
      else route.delivered.set(endpoint, result);
    }
    if (index >= 0) return index;
    route.lastResult = result;
    return -1;
  }

  /** The result of a connection to the endpoint picked for a decision (without release hook). */
  #complete(
    decision: Decision,
    endpoint: ProxyEndpoint | undefined,
    target: ConnectTarget,
    hops: string[],
  ): ConnectResult {
    const { proxyNode, decided, destination, dialled } = decision;
    if (endpoint === undefined) {
      return failure('refused', 'no endpoint could be picked', hops, decided);
    }
    // The endpoint's address is canonical (a ProxyEndpoint's is); the source's was made so once.
    if (decision.canonicalSource === undefined)
      decision.canonicalSource = canonicalIp(decision.connectionSource.ip) ?? null;
    const masquerade = masqueradeDecision({
      servicePort: decision.programmed.info,
      destination,
      source: decision.connectionSource,
      endpointIp: endpoint.ip,
      masqueradeAll: this.cluster.config.proxy.masqueradeAll,
      localDetector: decision.detector,
      hairpin: endpoint.ip === decision.canonicalSource,
    });
    const seenSource = masquerade.masquerade ? decision.proxyNodeRecord.address : decision.sourceIp;
    if (hops !== NO_HOPS)
      hops.push(
        `kube-proxy ${proxyNode}: ${destination} ${dialled}:${target.port} -> ${endpoint.endpoint} (DNAT${masquerade.masquerade ? ', SNAT to node' : ''})`,
      );
    const state = this.cluster.state;
    // NetworkPolicy judges a pod by its identity even when its packets were masqueraded (policy
    // runs before SNAT on its node; implementation-defined); others by the address the backend sees.
    const origin: EnforcedEndpoint =
      decision.origin.kind === 'pod' || !masquerade.masquerade
        ? decision.origin
        : { kind: 'node', node: proxyNode, ip: seenSource };
    // Objects written out, not spread: this runs for every route's first result per backend.
    const delivered: ConnectTarget =
      target.sourcePort === undefined
        ? { ip: target.ip, port: endpoint.port, protocol: target.protocol }
        : { ip: target.ip, port: endpoint.port, protocol: target.protocol, sourcePort: target.sourcePort };
    return this.#deliver(
      state,
      endpoint.ip,
      delivered,
      seenSource,
      proxyNode,
      hops,
      (result, reason, extra) => failure(result, reason, hops, extra),
      {
        node: decided.node,
        service: decided.service,
        candidates: decided.candidates,
        masqueraded: masquerade.masquerade,
      },
      origin,
    );
  }

  /** Adds the balancing policy's release hook of the pick just made, if it wants one. */
  #withRelease(result: ConnectResult): ConnectResult {
    const pick = this.#lastPick;
    this.#lastPick = undefined;
    // Failed connections carry it too: the pick was counted, so its end must be.
    if (pick?.policy.onFinish === undefined) return result;
    return shaped({
      ...result,
      release: (at: number, latency: number, ok: boolean) =>
        pick.policy.onFinish?.(pick.backend, at, latency, ok),
    });
  }

  // When the last #decide's answer may change without a state change (the proxy node's rules).
  #stableUntil = Number.POSITIVE_INFINITY;

  #observe(event: LoggedEvent<ClusterEvent>): void {
    if (affectsPolicy(event)) this.policies.record(event.at, this.cluster.state);
    let serviceKey: string | undefined;
    switch (event.type) {
      case 'PodSandboxReady':
        this.#podsByIp.set(event.ip, event.pod);
        return;
      case 'PodDeleted': {
        for (const [ip, pod] of this.#podsByIp) if (pod === event.pod) this.#podsByIp.delete(ip);
        return;
      }
      case 'ServiceCreated':
      case 'ServiceUpdated':
        serviceKey = `${event.service.metadata.namespace ?? 'default'}/${event.service.metadata.name ?? ''}`;
        break;
      case 'ServiceDeleted':
        serviceKey = event.key;
        break;
      case 'EndpointSliceCreated':
      case 'EndpointSliceUpdated': {
        const name = event.slice.metadata.labels?.['kubernetes.io/service-name'];
        if (name !== undefined) serviceKey = `${event.slice.metadata.namespace ?? 'default'}/${name}`;
        break;
      }
      case 'EndpointSliceDeleted': {
        // The slice is gone from the state; find its Service among the recorded versions.
        const namespace = event.key.slice(0, event.key.indexOf('/'));
        const name = event.key.slice(event.key.indexOf('/') + 1);
        serviceKey = this.#sliceOwners.get(event.key) ?? `${namespace}/${name}`;
        break;
      }
      default:
        return;
    }
    if (serviceKey === undefined) return;
    const state = this.cluster.state;
    const service = state.services.get(serviceKey)?.service;
    const slices: EndpointSlice[] = [];
    for (const sliceKey of this.cluster.index.slicesOfService(serviceKey)) {
      const slice = state.endpointSlices.get(sliceKey);
      if (slice !== undefined) {
        slices.push(slice);
        this.#sliceOwners.set(sliceKey, serviceKey);
      }
    }
    this.views.recordChange(serviceKey, event.at, service, slices);
  }

  readonly #sliceOwners = new Map<string, string>();
  // The pod network (clusterCIDR), parsed once.
  #podNetworkCache: ReturnType<typeof parseIpv4Cidr> | undefined;
  get #podNetwork(): ReturnType<typeof parseIpv4Cidr> {
    return (this.#podNetworkCache ??= parseIpv4Cidr(this.cluster.config.clusterCIDR));
  }
  readonly #apiServer: string;
  // Per pod record, its declared container ports as [port, protocol, port, protocol...].
  readonly #listening = new WeakMap<PodRecord, (number | string)[]>();
  #addresses: { nodes: ClusterState['nodes']; byAddress: Map<string, NodeRecord> } | undefined;
  readonly #podsByIp = new Map<string, string>();
  // Per version and port (the Service port object of that version): what every node reads of it
  // (its port info, and the endpoints in the slices before marking its own local), and what each
  // node programs.
  readonly #rules = new WeakMap<ServiceVersion, Map<ServicePort, PortRules>>();

  #nodeByAddress(state: ClusterState, address: string): NodeRecord | undefined {
    if (this.#addresses?.nodes !== state.nodes) {
      const byAddress = new Map<string, NodeRecord>();
      for (const node of state.nodes.values()) byAddress.set(node.address, node);
      this.#addresses = { nodes: state.nodes, byAddress };
    }
    return this.#addresses.byAddress.get(address);
  }

  /** What one node programs for one port of one Service version (computed once, then reused). */
  #programmed(
    version: ServiceVersion,
    serviceKey: string,
    service: Service,
    servicePort: ServicePort,
    node: NodeRecord,
  ): ProgrammedPort {
    let byPort = this.#rules.get(version);
    if (byPort === undefined) this.#rules.set(version, (byPort = new Map()));
    let rules = byPort.get(servicePort);
    if (rules === undefined) {
      rules = {
        info: servicePortInfo(service, servicePort),
        endpoints: endpointsFromSlices(service, servicePort, version.slices, ''),
        byNode: new Map(),
      };
      byPort.set(servicePort, rules);
    }
    let programmed = rules.byNode.get(node.name);
    if (programmed === undefined) {
      const info = rules.info;
      const shared = rules.endpoints;
      const endpoints =
        node.name === ''
          ? shared
          : shared.map((endpoint) =>
              endpoint.nodeName === node.name ? { ...endpoint, isLocal: true } : endpoint,
            );
      const categorized = categorizeEndpoints(endpoints, {
        nodeName: node.name,
        zone: node.zone,
        internalTrafficPolicy: info.internalTrafficPolicy,
        externalTrafficPolicy: info.externalTrafficPolicy,
        externallyAccessible: info.externallyAccessible,
      });
      const portKey = `${node.name}\u0000${serviceKey}\u0000${servicePort.name ?? ''}/${servicePort.protocol ?? 'TCP'}`;
      programmed = { info, categorized, backends: new WeakMap(), portKey };
      rules.byNode.set(node.name, programmed);
    }
    return programmed;
  }

  #detector(state: ClusterState, node: string): LocalTrafficDetector {
    const podCIDR = state.nodes.get(node)?.podCIDR;
    // Per podCIDR too: a node's range can arrive after its first connection.
    const key = `${node}\u0000${podCIDR ?? ''}`;
    let detector = this.#detectors.get(key);
    if (detector === undefined) {
      const config = this.cluster.config;
      detector = localTrafficDetector(
        {
          masqueradeAll: config.proxy.masqueradeAll,
          detectLocalMode: config.proxy.detectLocalMode,
          clusterCIDR: config.clusterCIDR,
        },
        { podCIDRs: podCIDR === undefined ? [] : [podCIDR] },
      );
      this.#detectors.set(key, detector);
    }
    return detector;
  }

  #pick(decision: Decision, target: ConnectTarget, now: Instant): ProxyEndpoint | undefined {
    this.#lastIndex = -1;
    // sessionAffinity: ClientIP pins a client to its endpoint while it keeps connecting.
    if (decision.affinity) {
      const { service, eligible, sourceIp, portKey } = decision;
      const timeout = (service.spec.sessionAffinityConfig?.clientIP?.timeoutSeconds ?? 10800) * SECOND;
      const key = `${portKey}\u0000${sourceIp}`;
      const pinned = this.#affinity.get(key);
      const still =
        pinned === undefined || now - pinned.lastUsed > timeout
          ? undefined
          : eligible.find((e) => e.endpoint === pinned.endpoint);
      const chosen = still ?? this.#balance(decision, target, now);
      if (chosen !== undefined) this.#affinity.set(key, { endpoint: chosen.endpoint, lastUsed: now });
      // A pinned endpoint was not balanced: no backend position to cache its result by.
      if (still !== undefined) this.#lastIndex = -1;
      return chosen;
    }
    return this.#balance(decision, target, now);
  }

  /**
   * Looks up (once per decision) the balancing policy of the decision's (node, Service port), the
   * backend list it picks from and whether connections through it are counted.
   */
  #prepare(decision: Decision): LoadBalancingPolicy {
    const { portKey, eligible, programmed } = decision;
    let policy = decision.policy;
    if (policy === undefined) {
      policy = this.#balancers.get(portKey);
      if (policy === undefined) {
        const config = this.cluster.config.proxy;
        policy = createPolicy(
          config.policy,
          this.cluster.sim.rng(`kube-proxy/balancer/${portKey}`),
          config.policyOptions,
        );
        this.#balancers.set(portKey, policy);
      }
      decision.policy = policy;
    }
    // The same eligible list gives the same backend array, so policies see a stable list.
    let entry = decision.backends;
    let list = decision.backendList;
    if (entry === undefined || list === undefined) {
      entry = programmed.backends.get(eligible);
      if (entry === undefined) {
        // Each backend carries its endpoint, so a pick needs no lookup (IPVS lists are rebuilt
        // from ids and fall back to `byId`).
        const backends: EndpointBackend[] = eligible.map((e, index) => ({
          id: e.endpoint,
          weight: 1,
          endpoint: e,
          index,
        }));
        entry = { backends, byId: new Map(eligible.map((e) => [e.endpoint, e])) };
        programmed.backends.set(eligible, entry);
      }
      decision.backends = entry;
      decision.backendList = list = entry.backends;
    }
    // Connection counts matter to IPVS (graceful termination) and to policies that read them;
    // iptables and nftables random choice in their own modes never do, so nothing is counted.
    decision.counts ??=
      this.cluster.config.proxy.mode === 'ipvs' ||
      !(policy instanceof IptablesRandomPolicy || policy instanceof NftablesRandomPolicy);
    return policy;
  }

  #balance(decision: Decision, target: ConnectTarget, now: Instant): ProxyEndpoint | undefined {
    const { portKey, eligible } = decision;
    const policy = this.#prepare(decision);
    const entry = decision.backends as NonNullable<Decision['backends']>;
    const list = entry.backends;
    const context = this.#context(decision.sourceIp, target.ip, target.port, now);
    const backends =
      this.cluster.config.proxy.mode === 'ipvs' && policy.state !== undefined
        ? this.#ipvsList(portKey, list, policy.state, target.protocol, now)
        : list;
    const picked = policy.pick(
      backends,
      target.sourcePort === undefined ? context : { ...context, sourcePort: target.sourcePort },
    );
    if (picked === undefined) return undefined;
    // Outside IPVS mode, policies pick from the list built here: its positions name the backends
    // (found by identity in a short list, without reading the picked object).
    let endpoint: ProxyEndpoint | undefined;
    if (backends === list) {
      const index = backends.length <= 64 ? backends.indexOf(picked) : (picked as EndpointBackend).index;
      if (index >= 0) {
        this.#lastIndex = index;
        endpoint = eligible[index];
      }
    }
    endpoint ??= (picked as Partial<EndpointBackend>).endpoint ?? entry.byId.get(picked.id);
    if (!decision.counts) return endpoint;
    policy.onStart?.(picked, now);
    this.#lastPick = { policy, backend: picked };
    return endpoint;
  }

  // One context object for every pick, filled in each time (policies read it during the call):
  // it stays in the cache, where one per decision would not.
  #context(
    sourceIp: string,
    destinationIp: string,
    destinationPort: number,
    now: Instant,
  ): PickContextFields {
    const context = this.#pickContext;
    context.sourceIp = sourceIp;
    context.destinationIp = destinationIp;
    context.destinationPort = destinationPort;
    context.now = now;
    return context;
  }

  /**
   * The IPVS destination list kube-proxy leaves for this (node, Service port): kernel order, and a
   * removed endpoint that still has connections kept at weight 0 until the periodic check finds it
   * drained. Synced lazily, at the first connection after the eligible set changed; checked at
   * the first connection after each {@link IPVS_DRAIN_CHECK_INTERVAL}.
   */
  #ipvsList(
    portKey: string,
    eligible: readonly Backend[],
    connections: ConnectionCounter,
    protocol: ConnectTarget['protocol'],
    now: Instant,
  ): readonly Backend[] {
    let destinations = this.#ipvsDestinations.get(portKey);
    if (destinations === undefined) {
      destinations = {
        table: new IpvsGracefulTermination(protocol),
        source: undefined,
        list: [],
        nextCheck: now + IPVS_DRAIN_CHECK_INTERVAL,
      };
      this.#ipvsDestinations.set(portKey, destinations);
    }
    if (destinations.source !== eligible) {
      destinations.list = destinations.table.sync(eligible, connections, now);
      destinations.source = eligible;
    }
    if (now >= destinations.nextCheck) {
      destinations.list = destinations.table.checkDrained(connections, now);
      destinations.nextCheck =
        now + IPVS_DRAIN_CHECK_INTERVAL - ((now - destinations.nextCheck) % IPVS_DRAIN_CHECK_INTERVAL);
    }
    return destinations.list;
  }

  // Expired entries go in batches, so the table stays proportional to the live flows.
  #sweepUdpFlows(now: Instant): void {
    for (const [key, flow] of this.#udpFlows) if (now >= flow.expiresAt) this.#udpFlows.delete(key);
    this.#udpSweepAt = Math.max(4096, 2 * this.#udpFlows.size);
  }

  // The policy and backend of the connection being set up, for its `release` hook.
  #lastPick: { policy: LoadBalancingPolicy; backend: Backend } | undefined;
  // The position of the backend just picked in its decision's list, or -1 (see `route`).
  #lastIndex = -1;
  readonly #pickContext: PickContextFields = { sourceIp: '', destinationIp: '', destinationPort: 0, now: 0 };

  /** The node a cloud load balancer sends this flow to: healthy nodes only (health check under Local). */
  #balancerNode(
    state: ClusterState,
    serviceKey: string,
    sourceIp: string,
    target: ConnectTarget,
    now: Instant,
  ): string | undefined {
    const service = state.services.get(serviceKey)?.service;
    if (service === undefined) return undefined;
    const local = service.spec.externalTrafficPolicy === 'Local';
    // The cloud service controller's node set (cloud-provider's controllers/service): every node
    // but those labelled out or being deleted by the autoscaler; cordoned and NotReady nodes stay
    // in, and the balancer's own health check drops a dead one.
    const nodes = state.nodes
      .sortedEntries()
      .filter(
        ([, node]) =>
          node.kubelet !== 'crashed' &&
          node.labels[EXCLUDE_FROM_LOAD_BALANCERS] === undefined &&
          !node.taints.some((taint) => taint.key === TO_BE_DELETED_TAINT),
      );
    const healthy = nodes.filter(([name]) => !local || this.#hasLocalReadyEndpoint(serviceKey, name, now));
    if (healthy.length === 0) return undefined;
    // Flows are spread by a hash of the 5-tuple, as cloud balancers do.
    let hash = 0x811c9dc5;
    for (const char of `${sourceIp}:${target.sourcePort ?? 0}:${target.ip}:${target.port}`) {
      hash ^= char.charCodeAt(0);
      hash = Math.imul(hash, 0x01000193);
    }
    return (healthy[(hash >>> 0) % healthy.length] as [string, unknown])[0];
  }

  /**
   * What `node`'s kube-proxy health-check server answers for a Local Service: whether its own
   * rules (so, after its propagation delay) have a ready endpoint on the node.
   */
  #hasLocalReadyEndpoint(serviceKey: string, node: string, now: Instant): boolean {
    const record = this.cluster.state.nodes.get(node);
    const version = this.views.seenBy(
      node,
      serviceKey,
      record === undefined ? now : this.#watchTime(record, now),
    );
    const until = this.views.stableUntil(node, serviceKey);
    if (until < this.#stableUntil) this.#stableUntil = until;
    for (const slice of version?.slices ?? []) {
      for (const endpoint of slice.endpoints ?? []) {
        if (endpoint.nodeName === node && endpoint.conditions?.ready === true) return true;
      }
    }
    return false;
  }

  #serviceByNodePort(state: ClusterState, port: number): string | undefined {
    return state.nodePorts.get(String(port));
  }

  #partitioned(state: ClusterState, a: string | undefined, b: string | undefined): boolean {
    if (a === undefined || b === undefined || a === b) return false;
    return state.nodes.get(a)?.kubelet === 'partitioned' || state.nodes.get(b)?.kubelet === 'partitioned';
  }

  /** A packet to a node's own address on a port that is no NodePort: host-network pods or nothing. */
  #deliverToHost(
    state: ClusterState,
    node: string,
    target: ConnectTarget,
    sourceIp: string,
    sourceNode: string | undefined,
    hops: string[],
    fail: (result: ConnectOutcome, reason: string, extra?: Partial<ConnectResult>) => ConnectResult,
  ): ConnectResult {
    const record = state.nodes.get(node);
    if (record === undefined || record.kubelet === 'crashed') return fail('timeout', `node ${node} is down`);
    if (this.#partitioned(state, node, sourceNode))
      return fail('timeout', `node ${node} is partitioned from the source`);
    for (const podKey of this.cluster.index.podsOnNode(node)) {
      const pod = state.pods.get(podKey);
      if (pod?.spec.hostNetwork === true && pod.containersRunning && this.#listens(pod, target)) {
        hops.push(`node ${node}: host-network pod ${podKey}`);
        return shaped({
          result: 'connected',
          reason: 'connected',
          backend: { ip: record.address, port: target.port, pod: podKey },
          candidates: [],
          masqueraded: false,
          sourceIPSeenByBackend: sourceIp,
          node: null,
          service: null,
          hops,
          policies: [],
        });
      }
    }
    return fail('refused', `nothing listens on ${record.address}:${target.port}`);
  }

  /** Routes a packet to a (pod or outside) address and sees whether something answers. */
  #deliver(
    state: ClusterState,
    ip: string,
    target: ConnectTarget,
    sourceIp: string,
    fromNode: string | undefined,
    hops: string[],
    fail: (result: ConnectOutcome, reason: string, extra?: Partial<ConnectResult>) => ConnectResult,
    decided: Partial<ConnectResult> | undefined,
    origin: EnforcedEndpoint,
  ): ConnectResult {
    const extra = decided ?? {};
    const backend = { ip, port: target.port, pod: null as string | null };
    const now = this.cluster.now;
    if (ip === this.#apiServer) {
      hops.push(`API server ${ip}`);
      const verdict = this.#judge(now, origin, { kind: 'external', ip }, target);
      if (!verdict.allowed) return this.#denied(verdict, hops, fail, { ...extra, backend });
      const judged = { ...extra, backend, policies: verdict.policies };
      if (target.port !== 6443)
        return fail('refused', `the API server does not listen on ${target.port}`, judged);
      return connected(backend, sourceIp, hops, judged);
    }
    const pod = this.#podRecordByIp(state, ip);
    const owner = pod?.key;
    if (pod === undefined || owner === undefined) {
      const inCluster = this.#inPodNetwork(ip);
      const outside = inCluster ? undefined : this.externalEndpoint(ip, target.port);
      const closed = inCluster || outside !== undefined ? undefined : this.externalEndpoint(ip);
      if (closed !== undefined) {
        hops.push(`external ${closed.name} (${ip})`);
        return fail('refused', `${closed.name} does not listen on ${target.port}`, { ...extra, backend });
      }
      if (outside !== undefined) {
        const verdict = this.#judge(now, origin, { kind: 'external', ip }, target);
        if (!verdict.allowed) return this.#denied(verdict, hops, fail, { ...extra, backend });
        hops.push(`external ${outside.name} (${ip})`);
        if (outside.behaviour === 'refuse')
          return fail('refused', `${outside.name} refuses connections`, { ...extra, backend });
        if (outside.behaviour === 'timeout')
          return fail('timeout', `${outside.name} does not answer`, { ...extra, backend });
        // Leaving the cluster, pod traffic is masqueraded to its node's address.
        const seen =
          origin.kind === 'pod' && fromNode !== undefined
            ? (state.nodes.get(fromNode)?.address ?? sourceIp)
            : sourceIp;
        return connected(backend, seen, hops, {
          ...extra,
          masqueraded: extra.masqueraded === true || seen !== sourceIp,
          policies: verdict.policies,
        });
      }
      return fail(
        'timeout',
        inCluster
          ? `no pod has ${ip} (stale endpoint or wrong address)`
          : `no route to ${ip} outside the cluster`,
        { ...extra, backend },
      );
    }
    backend.pod = owner;
    const node = this.#byIpNode.get(ip);
    if (node === undefined || node.kubelet === 'crashed')
      return fail('timeout', `${owner}'s node ${pod.nodeName} is down`, { ...extra, backend });
    // `#partitioned(state, pod.nodeName, fromNode)`, with the pod's node already at hand (and
    // nothing to look up while no node is partitioned).
    if (
      fromNode !== undefined &&
      fromNode !== node.name &&
      this.#somePartitioned(state) &&
      (node.kubelet === 'partitioned' || state.nodes.get(fromNode)?.kubelet === 'partitioned')
    )
      return fail('timeout', `${owner}'s node ${pod.nodeName} is partitioned`, { ...extra, backend });
    if (fromNode !== pod.nodeName && hops !== NO_HOPS) hops.push(`node ${pod.nodeName}`);
    const verdict = this.#judge(
      now,
      origin,
      { kind: 'pod', pod: owner, ip, node: pod.nodeName as string },
      target,
    );
    if (!verdict.allowed) return this.#denied(verdict, hops, fail, { ...extra, backend });
    if (hops !== NO_HOPS) hops.push(`pod ${owner} (${ip})`);
    if (!pod.containersRunning)
      return fail('refused', `${owner} has no running container`, {
        ...extra,
        backend,
        policies: verdict.policies,
      });
    if (!this.#listens(pod, target))
      return fail('refused', `nothing listens on ${ip}:${target.port}/${target.protocol}`, {
        ...extra,
        backend,
        policies: verdict.policies,
      });
    return connected(backend, sourceIp, hops, extra, verdict.policies);
  }

  #inPodNetwork(ip: string): boolean {
    const address = parseIpv4(ip);
    return address !== undefined && this.#podNetwork.contains(address);
  }

  /**
   * Up to when a node's kube-proxy has received the API server's changes: a partitioned node's
   * watch is cut, so its rules stay as they were when the partition began (and catch up when it
   * heals, as a re-listing kube-proxy does).
   */
  #watchTime(node: NodeRecord, now: Instant): Instant {
    return node.kubelet === 'partitioned' && node.kubeletStoppedAt !== undefined
      ? Math.min(now, node.kubeletStoppedAt)
      : now;
  }

  /** Asks the NetworkPolicy agents, and narrows how long cached answers hold. */
  #judge(
    now: Instant,
    origin: EnforcedEndpoint,
    destination: Exclude<EnforcedEndpoint, { kind: 'node' }>,
    target: ConnectTarget,
  ): EnforcementVerdict {
    const verdict = this.policies.judge(now, origin, destination, target.port, target.protocol);
    if (verdict.stableUntil < this.#stableUntil) this.#stableUntil = verdict.stableUntil;
    return verdict;
  }

  /** A connection NetworkPolicy dropped: the client sees no answer. */
  #denied(
    verdict: EnforcementVerdict,
    hops: string[],
    fail: (result: ConnectOutcome, reason: string, extra?: Partial<ConnectResult>) => ConnectResult,
    extra: Partial<ConnectResult>,
  ): ConnectResult {
    hops.push(`network policy on ${verdict.node ?? 'the node'}: DROP (${verdict.policies.join(', ')})`);
    return fail('denied', `denied by policy: ${verdict.reason}`, { ...extra, policies: verdict.policies });
  }

  /**
   * The configured outside host (cluster config `external.endpoints`) that owns `ip` and accepts
   * `port` (any of its ports when `port` is not given).
   */
  externalEndpoint(ip: string, port?: number): ExternalEndpoint | undefined {
    const address = parseIpv4(ip);
    if (address === undefined) return undefined;
    for (const endpoint of this.cluster.config.external.endpoints) {
      if (port !== undefined && endpoint.ports !== undefined && !endpoint.ports.includes(port)) continue;
      if (endpoint.address === ip) return endpoint;
      if (endpoint.address.includes('/') && parseIpv4Cidr(endpoint.address).contains(address))
        return endpoint;
    }
    return undefined;
  }

  /** A pod listens on its declared container ports; a pod that declares none, on every port. */
  #listens(pod: PodRecord, target: ConnectTarget): boolean {
    let ports = this.#listening.get(pod);
    if (ports === undefined) {
      // Port and protocol pairs, flat: a pod declares a few, and a scan builds no key string.
      ports = [];
      for (const container of pod.spec.containers)
        for (const port of container.ports ?? []) ports.push(port.containerPort, port.protocol ?? 'TCP');
      this.#listening.set(pod, ports);
    }
    if (ports.length === 0) return true;
    for (let i = 0; i < ports.length; i += 2)
      if (ports[i] === target.port && ports[i + 1] === target.protocol) return true;
    return false;
  }

  /** The pod that owns `ip` in `state` (its node is then in `#byIpNode`, if it has one). */
  #podRecordByIp(state: ClusterState, ip: string): PodRecord | undefined {
    // Remembered per state: a route's first connections ask for the same few addresses many
    // times, and a lookup in the state's pod map reads a few cold nodes of its trie.
    if (this.#byIpState !== state) {
      this.#byIpState = state;
      this.#byIp.clear();
      this.#byIpNode.clear();
    }
    let found = this.#byIp.get(ip);
    if (found === undefined) {
      const pod = this.#podsByIp.get(ip);
      // hostNetwork pods share the node's address: only a pod's own IP identifies it.
      const record = pod === undefined ? undefined : state.pods.get(pod);
      found = record !== undefined && record.podIP === ip && record.spec.hostNetwork !== true ? record : null;
      this.#byIp.set(ip, found);
      const node = found === null ? undefined : state.nodes.get(found.nodeName ?? '');
      if (node !== undefined) this.#byIpNode.set(ip, node);
    }
    return found ?? undefined;
  }

  /** Whether any node of `state` is partitioned (read once per node map). */
  #somePartitioned(state: ClusterState): boolean {
    if (this.#partitionedOf !== state.nodes) {
      this.#partitionedOf = state.nodes;
      this.#anyPartitioned = false;
      for (const node of state.nodes.values())
        if (node.kubelet === 'partitioned') this.#anyPartitioned = true;
    }
    return this.#anyPartitioned;
  }

  #partitionedOf: ClusterState['nodes'] | undefined;
  #anyPartitioned = false;

  #byIpState: ClusterState | undefined;
  readonly #byIp = new Map<string, PodRecord | null>();
  readonly #byIpNode = new Map<string, NodeRecord>();
}

// Endpoint lists are reused while the rules are unchanged, and so are their "ip:port" lists.
const endpointIdLists = new WeakMap<readonly ProxyEndpoint[], readonly string[]>();
function endpointIds(endpoints: readonly ProxyEndpoint[]): readonly string[] {
  let ids = endpointIdLists.get(endpoints);
  if (ids === undefined) endpointIdLists.set(endpoints, (ids = endpoints.map((e) => e.endpoint)));
  return ids;
}

/** A successful connection, with what the proxy decided on the way (and its release hook). */
function connected(
  backend: NonNullable<ConnectResult['backend']>,
  sourceIp: string,
  hops: string[],
  decided: Partial<ConnectResult>,
  policies: readonly string[] = decided.policies ?? [],
): ConnectResult {
  return {
    result: 'connected',
    reason: decided.reason ?? 'connected',
    backend,
    candidates: decided.candidates ?? [],
    masqueraded: decided.masqueraded ?? false,
    sourceIPSeenByBackend: sourceIp,
    node: decided.node ?? null,
    service: decided.service ?? null,
    hops,
    policies,
    release: decided.release,
  };
}

/**
 * The same result with its properties in one fixed order, so every result shares one hidden
 * class and the traffic engine's reads of them stay monomorphic.
 */
function shaped(result: ConnectResult): ConnectResult {
  return {
    result: result.result,
    reason: result.reason,
    backend: result.backend,
    candidates: result.candidates,
    masqueraded: result.masqueraded,
    sourceIPSeenByBackend: result.sourceIPSeenByBackend,
    node: result.node,
    service: result.service,
    hops: result.hops,
    policies: result.policies,
    release: result.release,
  };
}

function matchingPort(
  service: Service,
  destination: ServiceDestination,
  dialled: string,
  target: ConnectTarget,
): ServicePort | undefined {
  const ports = service.spec.ports ?? [];
  if (destination === 'nodePort')
    return ports.find((p) => p.nodePort === target.port && (p.protocol ?? 'TCP') === target.protocol);
  void dialled;
  return ports.find((p) => p.port === target.port && (p.protocol ?? 'TCP') === target.protocol);
}

/** What a {@link DataPlane.route} remembers between connections. */
interface RouteCache {
  readonly source: ConnectSource;
  readonly target: ConnectTarget;
  state: ClusterState | undefined;
  validUntil: number;
  decision: ConnectResult | Decision | undefined;
  byIndex: (ConnectResult | undefined)[];
  delivered: Map<Backend | ProxyEndpoint | undefined, ConnectResult>;
  /**
   * Set when a pick needs nothing but the policy, its list and the pick context (no session
   * affinity, no IPVS destination table, no connection counts, no source port): with the fields
   * below, a connection then reads the route, the policy and its list, not the decision.
   */
  policy: LoadBalancingPolicy | undefined;
  list: readonly Backend[];
  sourceIp: string;
  /**
   * For kube-proxy's own random choice (iptables, nftables) over the decision's list: the draw
   * that picks a position, with the policy's stream and the list's length. A pick then reads the
   * route and the stream, not the policy or the list.
   */
  draw: ((rng: RandomStream, n: number) => number) | undefined;
  rng: RandomStream | undefined;
  count: number;
  readonly destinationIp: string;
  readonly destinationPort: number;
  lastResult: ConnectResult | undefined;
  version: number;
}

/** The pick context the data plane fills in for each pick. */
interface PickContextFields {
  sourceIp: string;
  destinationIp: string;
  destinationPort: number;
  now: Instant;
}

/** A backend as the policies see it, with the endpoint it stands for and its position. */
interface EndpointBackend extends Backend {
  readonly endpoint: ProxyEndpoint;
  readonly index: number;
}

/** A new connection's way up to kube-proxy's balancing pick, as {@link DataPlane} decided it. */
interface Decision {
  readonly kind: 'decision';
  readonly proxyNode: string;
  readonly proxyNodeRecord: NodeRecord;
  readonly serviceKey: string;
  readonly service: Service;
  readonly servicePort: ServicePort;
  readonly programmed: ProgrammedPort;
  readonly eligible: readonly ProxyEndpoint[];
  readonly destination: ServiceDestination;
  readonly dialled: string;
  readonly sourceIp: string;
  readonly connectionSource: ConnectionSource;
  readonly detector: LocalTrafficDetector;
  readonly decided: {
    readonly node: string;
    readonly service: string;
    readonly candidates: readonly string[];
  };
  /** Balancer state lives per (node, Service port), across versions of the rules. */
  readonly portKey: string;
  /** The source as NetworkPolicy sees it before any SNAT. */
  readonly origin: EnforcedEndpoint;
  /** `connectionSource.ip` in canonical form (null when it is no address), read at the first result. */
  canonicalSource: string | null | undefined;
  /** The balancing policy and backend list, looked up at the first pick. */
  policy?: LoadBalancingPolicy;
  /** Whether connections through it are counted (see `#balance`). */
  counts?: boolean;
  /** `sessionAffinity: ClientIP`, read once. */
  readonly affinity: boolean;
  backends?: { readonly backends: readonly Backend[]; readonly byId: ReadonlyMap<string, ProxyEndpoint> };
  /** `backends.backends`, held here: one object fewer to read per pick. */
  backendList?: readonly Backend[];
}

/** Changes the NetworkPolicy agents program: policies, namespace and pod labels, pod addresses. */
function affectsPolicy(event: ClusterEvent): boolean {
  switch (event.type) {
    case 'ResourceApplied':
    case 'ResourceDeleted':
      return event.kind === 'NetworkPolicy' || event.kind === 'Namespace';
    case 'PodLabelsChanged':
    case 'PodSandboxReady':
    case 'PodDeleted':
      return true;
    default:
      return false;
  }
}

/** A failed connection attempt. */
function failure(
  result: ConnectOutcome,
  reason: string,
  hops: string[],
  extra: Partial<ConnectResult> = {},
): ConnectResult {
  return shaped({
    result,
    reason,
    backend: null,
    candidates: [],
    masqueraded: false,
    sourceIPSeenByBackend: null,
    node: null,
    service: null,
    hops,
    policies: [],
    ...extra,
  });
}

/** One (node, Service port)'s IPVS real servers and the eligible list they were last synced to. */
interface IpvsDestinations {
  readonly table: IpvsGracefulTermination;
  source: readonly Backend[] | undefined;
  list: readonly Backend[];
  nextCheck: Instant;
}

/** One port of one Service version: what every node reads of it, and what each node programs. */
interface PortRules {
  readonly info: ServicePortInfo;
  /** The endpoints in the version's slices for this port, none marked local. */
  readonly endpoints: readonly ProxyEndpoint[];
  readonly byNode: Map<string, ProgrammedPort>;
}

/** A port's rules as one node programs them for one Service version. */
interface ProgrammedPort {
  readonly info: ServicePortInfo;
  readonly categorized: CategorizedEndpoints;
  readonly portKey: string;
  readonly backends: WeakMap<
    readonly ProxyEndpoint[],
    { readonly backends: readonly Backend[]; readonly byId: ReadonlyMap<string, ProxyEndpoint> }
  >;
}

export type { ServiceVersion };
