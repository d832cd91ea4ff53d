import type { EndpointSlice, Service, ServicePort } from '@knsim/api';
import { UserError } from '@knsim/core';
import {
  DEFAULT_INGRESS_NAMESPACE,
  DEFAULT_INGRESS_SERVICE,
  INGRESS_CONTROLLER_LABELS,
  type Cluster,
  type ClusterState,
  type PodRecord,
} from '@knsim/control-plane';
import {
  createPolicy,
  DEFAULT_EXTERNAL_CLIENT,
  type Backend,
  type ConnectOutcome,
  type ConnectResult,
  type DataPlane,
  type LoadBalancingPolicy,
} from '@knsim/kube-proxy';
import {
  DEFAULT_CONTROLLER_IDENTITY,
  resolveControllerIdentity,
  type IngressControllerIdentity,
} from '../IngressControllerIdentity.js';
import { IngressRouter } from '../IngressRouter.js';
import type { RouteDecision, ServiceBackendRef } from '../RouteDecision.js';
import { controllerIdentityFromArgs } from './controllerIdentityFromArgs.js';
import {
  findIngressController,
  isIngressControllerPod,
  type IngressControllerLocation,
} from './findIngressController.js';
import type { IngressHttpRequest } from './IngressHttpRequest.js';
import type { IngressHttpResponse, UpstreamAttempt } from './IngressHttpResponse.js';
import { upstreamEndpoints, type UpstreamEndpoint } from './upstreamEndpoints.js';

/** ingress-nginx's `upstream-keepalive-timeout` (60 s), µs. */
export const UPSTREAM_KEEPALIVE_TIMEOUT = 60_000_000;
/** ingress-nginx's `upstream-keepalive-requests`. */
export const UPSTREAM_KEEPALIVE_REQUESTS = 10_000;
/** ingress-nginx's `proxy-next-upstream-tries` default: a request tries at most 3 endpoints. */
export const PROXY_NEXT_UPSTREAM_TRIES = 3;
/**
 * The balancing policy standing for ingress-nginx's default `load-balance: round_robin`
 * (lua-resty-balancer's `roundrobin`, which with equal weights is a plain rotation).
 */
export const INGRESS_BALANCER_POLICY = 'rr';

/** How an {@link IngressController} is set up. */
export interface IngressControllerOptions {
  /**
   * Which Ingresses the controller claims; fields given here win. Otherwise: knsim's provided
   * controller uses ingress-nginx's defaults with `watchIngressWithoutClass: true`; a user's
   * controller uses ingress-nginx's defaults overridden by its container's flags.
   */
  readonly identity?: Partial<IngressControllerIdentity>;
  /** How many endpoints a request tries (`proxy-next-upstream-tries`). Default 3. */
  readonly tries?: number;
}

/** An ingress-nginx upstream, with the endpoint list its balancers see while it is unchanged. */
interface Upstream {
  readonly endpoints: readonly UpstreamEndpoint[];
  readonly backends: readonly Backend[];
  readonly byId: ReadonlyMap<string, UpstreamEndpoint>;
}

/** The Ingress's backend as the response reports it. */
interface Target {
  readonly ingress: string | null;
  readonly rule: string | null;
  readonly service: string | null;
  readonly servicePort: number | string | null;
}

/** The controller found for one version of the Services and pods, and the identity it gives. */
interface LocatedController {
  readonly services: ClusterState['services'];
  readonly pods: ClusterState['pods'];
  readonly found: IngressControllerLocation | undefined;
  readonly identity: IngressControllerIdentity;
}

const NO_TARGET: Target = { ingress: null, rule: null, service: null, servicePort: null };

/**
 * The Ingress controller at run time: its pods take HTTP requests from outside the cluster and
 * proxy them to Service endpoints, as ingress-nginx does.
 *
 * A request is one connection from the client to the controller Service (load balancer IP, or a
 * node's IP and NodePort) through the {@link DataPlane}, so `externalTrafficPolicy`, node failures
 * and kube-proxy's view apply; the controller pod that answered routes it with an
 * {@link IngressRouter} (rebuilt only when Ingresses, IngressClasses or Services change), picks a
 * ready endpoint of the backend Service with its own round-robin balancer per upstream, and
 * connects to it from the pod, through the data plane again. Failed connections are retried on
 * the next endpoint (ingress-nginx's `proxy-next-upstream: error timeout`, 3 tries), then end in
 * 502 (refused) or 504 (timed out).
 *
 * @example
 * ```ts
 * const cluster = new Cluster({ manifests });
 * const dataPlane = new DataPlane(cluster);
 * cluster.converge();
 * const controller = new IngressController(cluster, dataPlane);
 * controller.request({ host: 'shop.example.com', path: '/api' }); // { status: 200, pod: 'shop/api-...', ... }
 * ```
 */
export class IngressController {
  readonly cluster: Cluster;
  readonly dataPlane: DataPlane;
  readonly #identityOverride: Partial<IngressControllerIdentity>;
  readonly #tries: number;
  readonly #balancers = new Map<string, LoadBalancingPolicy>();
  #location: LocatedController | undefined;
  #router:
    | {
        ingresses: ClusterState['ingresses'];
        ingressClasses: ClusterState['ingressClasses'];
        services: ClusterState['services'];
        identity: IngressControllerIdentity;
        router: IngressRouter;
      }
    | undefined;
  readonly #upstreams = new Map<
    string,
    { slices: ClusterState['endpointSlices']; service: Service; upstream: Upstream }
  >();

  constructor(cluster: Cluster, dataPlane: DataPlane, options: IngressControllerOptions = {}) {
    this.cluster = cluster;
    this.dataPlane = dataPlane;
    this.#identityOverride = options.identity ?? {};
    this.#tries = options.tries ?? PROXY_NEXT_UPSTREAM_TRIES;
    if (!Number.isInteger(this.#tries) || this.#tries < 1)
      throw new UserError(`IngressController: tries must be a positive integer, got ${this.#tries}`);
  }

  /** The controller's Service and pods now, or undefined when the cluster has none. */
  get location(): IngressControllerLocation | undefined {
    return this.#locate().found;
  }

  /** Which Ingresses the controller claims (see {@link IngressControllerOptions.identity}). */
  get identity(): IngressControllerIdentity {
    return this.#locate().identity;
  }

  /** The routing table for the cluster's current Ingresses, IngressClasses and Services. */
  get router(): IngressRouter {
    const state = this.cluster.state;
    const identity = this.identity;
    const cached = this.#router;
    if (
      cached?.ingresses === state.ingresses &&
      cached.ingressClasses === state.ingressClasses &&
      cached.services === state.services &&
      cached.identity === identity
    )
      return cached.router;
    const router = IngressRouter.build(
      [...state.ingresses.values()],
      [...state.ingressClasses.values()],
      [...state.services.values()].map((record) => record.service),
      identity,
    );
    this.#router = {
      ingresses: state.ingresses,
      ingressClasses: state.ingressClasses,
      services: state.services,
      identity,
      router,
    };
    return router;
  }

  /**
   * Sends one HTTP request from outside the cluster through the controller, at the cluster's
   * current time. Throws a `UserError` when the cluster has no controller Service, the path does
   * not start with `/`, `via` names no node, or the Service has no such port.
   */
  request(request: IngressHttpRequest): IngressHttpResponse {
    if (!request.path.startsWith('/'))
      throw new UserError(`invalid path ${JSON.stringify(request.path)}: it must start with /`);
    const state = this.cluster.state;
    if (request.via !== undefined && !state.nodes.has(request.via))
      throw new UserError(`no node named ${request.via}`);
    const found = this.location;
    if (found === undefined) {
      throw new UserError(
        'no Ingress controller: no LoadBalancer or NodePort Service selects pods labelled ' +
          Object.entries(INGRESS_CONTROLLER_LABELS)
            .map(([key, value]) => `${key}=${value}`)
            .join(','),
      );
    }
    const trace = request.trace !== false;
    const method = request.method ?? 'GET';
    const wanted = request.port ?? 80;
    const port = (found.service.spec.ports ?? []).find(
      (candidate) => candidate.port === wanted && (candidate.protocol ?? 'TCP') === 'TCP',
    );
    if (port === undefined)
      throw new UserError(`the Ingress controller Service ${found.serviceKey} has no TCP port ${wanted}`);

    // 1. The client dials the load balancer, or a node's NodePort when there is none.
    const entry = this.#entryAddress(state, found.service, port, request.via);
    if (entry === undefined)
      throw new UserError(
        `the Ingress controller Service ${found.serviceKey} has neither a load balancer IP nor a NodePort for port ${wanted}`,
      );
    // curl sends the address it dialled, with the port unless it is the scheme's default.
    const host = request.host ?? (entry.port === 80 ? entry.ip : `${entry.ip}:${entry.port}`);
    const from = request.from ?? DEFAULT_EXTERNAL_CLIENT;
    const base = { host, path: request.path, method };
    const entryResult = this.dataPlane.connect(
      { kind: 'external', ip: from, ...(request.via === undefined ? {} : { via: request.via }) },
      { ip: entry.ip, port: entry.port, protocol: 'TCP' },
      { trace },
    );
    entryResult.release?.(this.cluster.now, 0, entryResult.result === 'connected');
    const hops = trace ? [...entryResult.hops] : [];
    const controllerPod = entryResult.backend?.pod ?? null;
    if (entryResult.result !== 'connected' || controllerPod === null) {
      return respond(base, NO_TARGET, {
        status: null,
        controllerPod: null,
        reason: `connection to the Ingress controller ${entry.ip}:${entry.port} ${entryResult.result}: ${entryResult.reason}`,
        hops,
        connection: entryResult.result,
        decision: null,
      });
    }
    const controllerRecord = state.pods.get(controllerPod);
    if (controllerRecord === undefined || !isIngressControllerPod(controllerRecord)) {
      return respond(base, NO_TARGET, {
        status: null,
        controllerPod: null,
        reason: `${entry.ip}:${entry.port} was answered by ${controllerPod}, which is not an Ingress controller pod`,
        hops,
        connection: 'connected',
        decision: null,
      });
    }

    return this.#serve(controllerPod, controllerRecord, base, hops, trace);
  }

  /**
   * What a controller pod answers a request that reached it (the client's leg already done, e.g.
   * by the traffic engine): routing, the upstream pick and the connection to the endpoint, with
   * retries. `hops` of the result start at the controller.
   *
   * @example
   * ```ts
   * controller.proxyFrom('ingress-nginx/ingress-nginx-controller-7d9f-abcde', { host: 'shop.example', path: '/' }).status;
   * ```
   */
  proxyFrom(
    controllerPod: string,
    request: {
      readonly host: string;
      readonly path: string;
      readonly method?: string;
      readonly trace?: boolean;
    },
  ): IngressHttpResponse {
    const base = { host: request.host, path: request.path, method: request.method ?? 'GET' };
    const record = this.cluster.state.pods.get(controllerPod);
    if (record === undefined || !isIngressControllerPod(record))
      return respond(base, NO_TARGET, {
        status: null,
        controllerPod: null,
        reason: `${controllerPod} is not an Ingress controller pod`,
        hops: [],
        connection: 'connected',
        decision: null,
      });
    return this.#serve(controllerPod, record, base, [], request.trace !== false);
  }

  #serve(
    controllerPod: string,
    controllerRecord: PodRecord,
    base: { host: string; path: string; method: string },
    hops: string[],
    trace: boolean,
  ): IngressHttpResponse {
    const state = this.cluster.state;
    const { host, method } = base;
    const request = { path: base.path };
    // 2. The controller pod routes by Host and path.
    const decision = this.router.route({ host, path: request.path });
    if (trace)
      hops.push(`controller ${controllerPod}: ${method} ${host}${request.path} -> ${describe(decision)}`);
    const answered = { controllerPod, hops, connection: 'connected' as const, decision };
    if (decision.kind === 'not-found')
      return respond(base, NO_TARGET, {
        ...answered,
        status: 404,
        reason: `no rule matched (server ${decision.server}): the controller's default backend answers 404`,
      });
    if (decision.kind === 'no-service') {
      const portWritten =
        'number' in decision.service.port ? decision.service.port.number : decision.service.port.name;
      return respond(
        base,
        {
          ingress: decision.ingress,
          rule: decision.rule,
          service: `${decision.service.namespace}/${decision.service.name}`,
          servicePort: portWritten,
        },
        {
          ...answered,
          status: 503,
          reason:
            decision.reason === 'service-not-found'
              ? 'the Service does not exist'
              : 'the Service has no such port',
        },
      );
    }
    const target: Target = {
      ingress: decision.ingress,
      rule: decision.rule,
      service: `${decision.service.namespace}/${decision.service.name}`,
      servicePort: decision.servicePort.port,
    };
    const upstreamName = upstreamNameOf(decision.service);

    // 3. The upstream: the Service port's ready endpoints, straight from its EndpointSlices.
    const serviceKey = `${decision.service.namespace}/${decision.service.name}`;
    const service = state.services.get(serviceKey)?.service;
    if (service?.spec.type === 'ExternalName') {
      return respond(base, target, {
        ...answered,
        status: 503,
        reason: 'ExternalName backends are not emulated',
        upstream: upstreamName,
      });
    }
    const upstream =
      service === undefined ? undefined : this.#upstream(state, serviceKey, service, decision.servicePort);
    if (upstream === undefined || upstream.backends.length === 0) {
      if (trace) hops.push(`upstream ${upstreamName}: no ready endpoints`);
      return respond(base, target, {
        ...answered,
        status: 503,
        reason: 'no ready endpoints',
        upstream: upstreamName,
      });
    }

    // 4. Balance and connect, trying the next endpoint on error or timeout.
    const policy = this.#balancer(controllerPod, upstreamName);
    const sourceIp = controllerRecord.podIP ?? '';
    const attempts: UpstreamAttempt[] = [];
    let last: ConnectResult | undefined;
    for (let attempt = 1; attempt <= this.#tries; attempt++) {
      const now = this.cluster.now;
      const picked = policy.pick(upstream.backends, { sourceIp, now });
      const endpoint = picked === undefined ? undefined : upstream.byId.get(picked.id);
      if (picked === undefined || endpoint === undefined) break;
      policy.onStart?.(picked, now);
      const kept = this.#keptConnection(controllerPod, endpoint.id, now);
      const result =
        kept ??
        this.dataPlane.connect(
          { kind: 'pod', pod: controllerPod },
          { ip: endpoint.ip, port: endpoint.port, protocol: 'TCP' },
          { trace },
        );
      if (kept === undefined && result.result === 'connected' && result.backend?.pod != null)
        this.#keepAlive.set(`${controllerPod}\u0000${endpoint.id}`, {
          pod: result.backend.pod,
          result,
          lastUsed: now,
          requests: 1,
        });
      policy.onFinish?.(picked, now, 0, result.result === 'connected');
      attempts.push({
        endpoint: endpoint.id,
        pod: endpoint.pod,
        result: result.result,
        reason: result.reason,
      });
      last = result;
      if (result.result === 'connected') {
        if (trace) {
          hops.push(`upstream ${upstreamName}: ${attempt > 1 ? `try ${attempt} ` : ''}-> ${endpoint.id}`);
          hops.push(...result.hops.slice(1));
        }
        return respond(base, target, {
          ...answered,
          status: 200,
          pod: result.backend?.pod ?? endpoint.pod,
          reason: attempt === 1 ? 'ok' : `ok after ${attempt} tries`,
          upstream: upstreamName,
          attempts,
        });
      }
      if (trace)
        hops.push(
          `upstream ${upstreamName}: try ${attempt} -> ${endpoint.id} ${result.result} (${result.reason})`,
        );
    }
    const outcome: ConnectOutcome = last?.result ?? 'refused';
    return respond(base, target, {
      ...answered,
      status: last === undefined ? 503 : outcome === 'refused' ? 502 : 504,
      reason:
        last === undefined
          ? 'the balancer picked no endpoint'
          : `${attempts.length} ${attempts.length === 1 ? 'try' : 'tries'} failed, last ${outcome}: ${last.reason}`,
      upstream: upstreamName,
      attempts,
    });
  }

  #locate(): LocatedController {
    const state = this.cluster.state;
    const cached = this.#location;
    if (cached?.services === state.services && cached.pods === state.pods) return cached;
    const found = findIngressController(this.cluster);
    const derived = found === undefined ? {} : derivedIdentity(state, found);
    const identity = resolveControllerIdentity({ ...derived, ...this.#identityOverride });
    // Keep the same identity object while it is unchanged, so the router stays cached.
    const same =
      cached !== undefined &&
      (Object.keys(identity) as (keyof IngressControllerIdentity)[]).every(
        (key) => identity[key] === cached.identity[key],
      );
    const location = {
      services: state.services,
      pods: state.pods,
      found,
      identity: same ? cached.identity : identity,
    };
    this.#location = location;
    return location;
  }

  #entryAddress(
    state: ClusterState,
    service: Service,
    port: ServicePort,
    via: string | undefined,
  ): { ip: string; port: number } | undefined {
    const lbIp = service.status?.loadBalancer?.ingress?.find((ingress) => ingress.ip !== undefined)?.ip;
    if (lbIp !== undefined) return { ip: lbIp, port: port.port };
    if (port.nodePort === undefined) return undefined;
    const node =
      via === undefined
        ? state.nodes.sortedEntries().find(([, record]) => record.kubelet !== 'crashed')?.[1]
        : state.nodes.get(via);
    return node === undefined ? undefined : { ip: node.address, port: port.nodePort };
  }

  #upstream(state: ClusterState, serviceKey: string, service: Service, servicePort: ServicePort): Upstream {
    const key = `${serviceKey}\u0000${servicePort.port}`;
    const cached = this.#upstreams.get(key);
    if (cached?.slices === state.endpointSlices && cached.service === service) return cached.upstream;
    const slices: EndpointSlice[] = [];
    for (const sliceKey of this.cluster.index.slicesOfService(serviceKey)) {
      const slice = state.endpointSlices.get(sliceKey);
      if (slice !== undefined) slices.push(slice);
    }
    const endpoints = upstreamEndpoints(service, servicePort, slices);
    // The same endpoints keep the same backend array, so balancers keep their rotation.
    const previous = cached?.upstream;
    const unchanged =
      previous !== undefined &&
      previous.endpoints.length === endpoints.length &&
      previous.endpoints.every(
        (endpoint, i) => endpoint.id === endpoints[i]?.id && endpoint.pod === endpoints[i]?.pod,
      );
    const upstream: Upstream = unchanged
      ? previous
      : {
          endpoints,
          backends: endpoints.map((endpoint) => ({ id: endpoint.id, weight: 1 })),
          byId: new Map(endpoints.map((endpoint) => [endpoint.id, endpoint])),
        };
    this.#upstreams.set(key, { slices: state.endpointSlices, service, upstream });
    return upstream;
  }

  /**
   * An idle keep-alive connection from the controller pod to the endpoint, still usable: used
   * within `upstream-keepalive-timeout` (60 s), under `upstream-keepalive-requests` (10,000), and
   * its pod still running on a live node (nginx finds a dead connection on write and opens a new
   * one). An established connection is not judged again by NetworkPolicy, as conntrack lets
   * established flows through.
   */
  #keptConnection(controllerPod: string, endpoint: string, now: number): ConnectResult | undefined {
    const key = `${controllerPod}\u0000${endpoint}`;
    const kept = this.#keepAlive.get(key);
    if (kept === undefined) return undefined;
    const pod = this.cluster.state.pods.get(kept.pod);
    const node = pod?.nodeName === undefined ? undefined : this.cluster.state.nodes.get(pod.nodeName);
    if (
      now - kept.lastUsed > UPSTREAM_KEEPALIVE_TIMEOUT ||
      kept.requests >= UPSTREAM_KEEPALIVE_REQUESTS ||
      pod === undefined ||
      !pod.containersRunning ||
      pod.podIP !== endpoint.slice(0, endpoint.lastIndexOf(':')) ||
      node === undefined ||
      node.kubelet !== 'running'
    ) {
      this.#keepAlive.delete(key);
      return undefined;
    }
    kept.lastUsed = now;
    kept.requests++;
    return { ...kept.result, reason: 'reused keep-alive connection', hops: [] };
  }

  // Upstream keep-alive connections by (controller pod, endpoint).
  readonly #keepAlive = new Map<
    string,
    { pod: string; result: ConnectResult; lastUsed: number; requests: number }
  >();

  #balancer(controllerPod: string, upstream: string): LoadBalancingPolicy {
    const key = `${controllerPod}\u0000${upstream}`;
    let policy = this.#balancers.get(key);
    if (policy === undefined) {
      policy = createPolicy(
        INGRESS_BALANCER_POLICY,
        this.cluster.sim.rng(`ingress/balancer/${controllerPod}/${upstream}`),
      );
      this.#balancers.set(key, policy);
    }
    return policy;
  }
}

/**
 * The identity the controller's own configuration gives: knsim's provided controller (its
 * Service, and pods whose containers have no command line) also serves class-less Ingresses; a
 * user's controller reads ingress-nginx's flags from its container's command line.
 */
function derivedIdentity(
  state: ClusterState,
  found: IngressControllerLocation,
): Partial<IngressControllerIdentity> {
  const pod = found.pods.map((key) => state.pods.get(key)).find((record) => record !== undefined);
  const container =
    pod?.spec.containers.find((candidate) => candidate.name === 'controller') ?? pod?.spec.containers[0];
  const args = [...(container?.command ?? []), ...(container?.args ?? [])];
  const provided =
    found.serviceKey === `${DEFAULT_INGRESS_NAMESPACE}/${DEFAULT_INGRESS_SERVICE}` && args.length === 0;
  if (provided) return { ...DEFAULT_CONTROLLER_IDENTITY, watchIngressWithoutClass: true };
  return controllerIdentityFromArgs(args);
}

/** ingress-nginx's upstream name: `namespace-service-port` (the port as the Ingress wrote it). */
function upstreamNameOf(ref: ServiceBackendRef): string {
  const port = 'number' in ref.port ? String(ref.port.number) : ref.port.name;
  return `${ref.namespace}-${ref.name}-${port}`;
}

function describe(decision: RouteDecision): string {
  switch (decision.kind) {
    case 'not-found':
      return `no rule matched in server ${decision.server}: 404`;
    case 'no-service':
      return `Ingress ${decision.ingress} ${decision.rule}: ${decision.reason} (503)`;
    case 'backend':
    case 'default-backend':
      return `Ingress ${decision.ingress} ${decision.rule} -> Service ${decision.service.namespace}/${decision.service.name}:${decision.servicePort.port}`;
  }
}

function respond(
  base: { host: string; path: string; method: string },
  target: Target,
  rest: {
    status: number | null;
    controllerPod: string | null;
    reason: string;
    hops: readonly string[];
    connection: ConnectOutcome;
    decision: RouteDecision | null;
    pod?: string | null;
    upstream?: string;
    attempts?: readonly UpstreamAttempt[];
  },
): IngressHttpResponse {
  return {
    status: rest.status,
    ingress: target.ingress,
    rule: target.rule,
    service: target.service,
    servicePort: target.servicePort,
    pod: rest.pod ?? null,
    controllerPod: rest.controllerPod,
    reason: rest.reason,
    hops: rest.hops,
    host: base.host,
    path: base.path,
    method: base.method,
    connection: rest.connection,
    decision: rest.decision,
    upstream: rest.upstream ?? null,
    attempts: rest.attempts ?? [],
  };
}
