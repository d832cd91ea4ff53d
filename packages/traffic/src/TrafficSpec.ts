import {
  parseDurationDistribution,
  toDuration,
  UserError,
  type Duration,
  type DurationDistribution,
} from '@knsim/core';

/** Where a workload's requests come from. */
export type ClientSpec =
  | { readonly pods: { readonly namespace?: string; readonly selector: string } }
  | { readonly external: { readonly ips?: readonly string[]; readonly via?: string } };

/** When requests are sent. */
export type ArrivalSpec =
  | { readonly poisson: { readonly rate: number } }
  | { readonly constant: { readonly rate: number } }
  | { readonly closedLoop: { readonly users: number; readonly thinkTime: unknown } };

/** How requests ride on connections. */
export interface ConnectionSpec {
  /** `per-request` (no keep-alive), `keep-alive` (HTTP/1.1 pool) or `multiplexed` (HTTP/2, gRPC). */
  readonly mode?: 'per-request' | 'keep-alive' | 'multiplexed';
  /** keep-alive: connections per client pod. Default 4. */
  readonly poolSize?: number;
  /** Close and reopen a connection after this age (gRPC `MaxConnectionAge`); none by default. */
  readonly maxAge?: string;
  /** Fraction of maxAge added at random (gRPC adds +/-10%). Default 0.1. */
  readonly maxAgeJitter?: number;
}

/** A named stream of requests from clients to a target. */
export interface WorkloadSpec {
  readonly name: string;
  readonly from: ClientSpec;
  /** `HOST:PORT`: a DNS name as the client pod resolves it, an IP, or `service/NS/NAME`. */
  readonly to: string;
  readonly protocol?: 'TCP' | 'UDP';
  readonly arrival: ArrivalSpec;
  readonly connection?: ConnectionSpec;
  /** Request timeout (connect included). Default 5s. */
  readonly timeout?: string;
  /** Retries after a failed attempt. Default none. */
  readonly retries?: {
    readonly attempts: number;
    readonly backoff?: string;
    readonly maxBackoff?: string;
    readonly jitter?: number;
  };
  /** Virtual time the workload starts and stops. Default: the whole run. */
  readonly start?: string;
  readonly stop?: string;
  /** Fraction of requests logged as events (0..1). Default 0. */
  readonly sample?: number;
  /**
   * Balance per request in the client, over the Service's ready endpoints (as a gRPC client with
   * a balancing policy or an Envoy sidecar does), instead of per connection at kube-proxy. The
   * target must name a Service (`service/NS/NAME` or its DNS name).
   */
  readonly clientBalancer?: { readonly policy: string; readonly options?: Readonly<Record<string, unknown>> };
  /**
   * HTTP through the Ingress controller: `to` names the controller (its load balancer IP, or
   * `service/ingress-nginx/ingress-nginx-controller:80` from inside), and each request is routed
   * by Host (default: the address dialled, as curl sends it) and path to a Service's endpoint.
   */
  readonly http?: { readonly host?: string; readonly path: string; readonly method?: string };
}

/** How pods answer requests. */
export interface ServerSpec {
  /** Pods this applies to (kubectl selector string); all pods when absent. */
  readonly selector?: string;
  readonly namespace?: string;
  /** Time to serve one request. Default lognormal median 5ms. */
  readonly serviceTime?: unknown;
  /** Requests served at once. Default 64. */
  readonly concurrency?: number;
  /** Requests waiting beyond the workers; more are refused (503-like, counted as `refused`). Default 1024. */
  readonly queueLimit?: number;
  /** On deletion: `drain` (finish in-flight requests, accept new ones until the containers stop) or `stop-accepting`. */
  readonly onTermination?: 'drain' | 'stop-accepting';
  /** Per-pod overrides (a slow pod). */
  readonly overrides?: readonly {
    readonly pod: string;
    readonly serviceTime?: unknown;
    readonly concurrency?: number;
  }[];
}

/** One-way latency per hop kind and packet loss. */
export interface NetworkSpec {
  readonly sameNode?: unknown;
  readonly crossNode?: unknown;
  readonly crossZone?: unknown;
  readonly external?: unknown;
  /** Probability a connection attempt's packets are lost (the client retransmits, then times out). */
  readonly loss?: number;
}

export interface ResolvedWorkload {
  readonly name: string;
  readonly from: ClientSpec;
  readonly host: string;
  readonly port: number;
  readonly protocol: 'TCP' | 'UDP';
  readonly arrival:
    | { readonly kind: 'poisson'; readonly rate: number }
    | { readonly kind: 'constant'; readonly rate: number }
    | { readonly kind: 'closedLoop'; readonly users: number; readonly thinkTime: DurationDistribution };
  readonly mode: 'per-request' | 'keep-alive' | 'multiplexed';
  readonly poolSize: number;
  readonly maxAge: Duration | undefined;
  readonly maxAgeJitter: number;
  readonly timeout: Duration;
  readonly retries: {
    readonly attempts: number;
    readonly backoff: Duration;
    readonly maxBackoff: Duration;
    readonly jitter: number;
  };
  readonly start: Duration;
  readonly stop: Duration | undefined;
  readonly sample: number;
  readonly http:
    { readonly host: string | undefined; readonly path: string; readonly method: string } | undefined;
  readonly clientBalancer:
    { readonly policy: string; readonly options: Readonly<Record<string, unknown>> } | undefined;
}

export interface ResolvedServer {
  readonly selector: string | undefined;
  readonly namespace: string | undefined;
  readonly serviceTime: DurationDistribution;
  readonly concurrency: number;
  readonly queueLimit: number;
  readonly onTermination: 'drain' | 'stop-accepting';
  readonly overrides: ReadonlyMap<
    string,
    { readonly serviceTime: DurationDistribution; readonly concurrency: number }
  >;
}

export interface ResolvedNetwork {
  readonly sameNode: DurationDistribution;
  readonly crossNode: DurationDistribution;
  readonly crossZone: DurationDistribution;
  readonly external: DurationDistribution;
  readonly loss: number;
}

/** A traffic specification that cannot be used; every problem with its path. */
export class TrafficSpecError extends UserError {
  override readonly name = 'TrafficSpecError';
  constructor(readonly issues: readonly { path: string; reason: string }[]) {
    super(
      `invalid traffic (${issues.length === 1 ? '1 error' : `${issues.length} errors`}):\n${issues.map((i) => `  ${i.path}: ${i.reason}`).join('\n')}`,
    );
  }
}

type Problem = (path: string, reason: string) => void;

function distribution(
  value: unknown,
  fallback: unknown,
  path: string,
  problem: Problem,
): DurationDistribution {
  try {
    return parseDurationDistribution(value ?? fallback, path);
  } catch (error) {
    problem(path, (error as Error).message.replace(`${path}: `, ''));
    return parseDurationDistribution(fallback, path);
  }
}

function duration(value: string | undefined, fallback: string, path: string, problem: Problem): Duration {
  try {
    return toDuration(value ?? fallback);
  } catch (error) {
    problem(path, (error as Error).message);
    return toDuration(fallback);
  }
}

/** Validates workloads, servers and network settings together; throws {@link TrafficSpecError}. */
export function resolveTraffic(spec: {
  workloads?: readonly WorkloadSpec[];
  servers?: readonly ServerSpec[];
  network?: NetworkSpec;
}): { workloads: ResolvedWorkload[]; servers: ResolvedServer[]; network: ResolvedNetwork } {
  const issues: { path: string; reason: string }[] = [];
  const problem: Problem = (path, reason) => void issues.push({ path, reason });
  const names = new Set<string>();
  const workloads = (spec.workloads ?? []).map((w, i): ResolvedWorkload => {
    const at = `workloads[${i}]`;
    if (typeof w.name !== 'string' || w.name === '') problem(`${at}.name`, 'required');
    if (names.has(w.name)) problem(`${at}.name`, `duplicate workload name ${w.name}`);
    names.add(w.name);
    const from = w.from as Record<string, unknown> | undefined;
    if (from === undefined || (from['pods'] === undefined) === (from['external'] === undefined))
      problem(`${at}.from`, 'expected exactly one of pods: {selector} or external: {ips}');
    const match = /^(.*):(\d+)$/.exec(typeof w.to === 'string' ? w.to : '');
    const port = match === null ? 0 : Number(match[2]);
    if (match === null || port < 1 || port > 65535)
      problem(`${at}.to`, 'expected HOST:PORT (a DNS name, an IP or service/NAMESPACE/NAME)');
    const arrivalKind = Object.keys(w.arrival ?? {})[0];
    let arrival: ResolvedWorkload['arrival'] = { kind: 'poisson', rate: 1 };
    if (arrivalKind === 'poisson' || arrivalKind === 'constant') {
      const rate = (w.arrival as { poisson?: { rate: number }; constant?: { rate: number } })[arrivalKind]
        ?.rate;
      if (typeof rate !== 'number' || !(rate > 0))
        problem(`${at}.arrival.${arrivalKind}.rate`, 'expected requests per second > 0');
      arrival = { kind: arrivalKind, rate: rate ?? 1 };
    } else if (arrivalKind === 'closedLoop') {
      const loop = (w.arrival as { closedLoop: { users: number; thinkTime: unknown } }).closedLoop;
      if (!Number.isInteger(loop?.users) || loop.users < 1)
        problem(`${at}.arrival.closedLoop.users`, 'expected a positive integer');
      arrival = {
        kind: 'closedLoop',
        users: loop?.users ?? 1,
        thinkTime: distribution(loop?.thinkTime, '1s', `${at}.arrival.closedLoop.thinkTime`, problem),
      };
    } else {
      problem(
        `${at}.arrival`,
        'expected one of poisson: {rate}, constant: {rate}, closedLoop: {users, thinkTime}',
      );
    }
    const connection = w.connection ?? {};
    const mode = connection.mode ?? 'per-request';
    if (!['per-request', 'keep-alive', 'multiplexed'].includes(mode))
      problem(`${at}.connection.mode`, 'expected per-request, keep-alive or multiplexed');
    const poolSize = connection.poolSize ?? 4;
    if (!Number.isInteger(poolSize) || poolSize < 1)
      problem(`${at}.connection.poolSize`, 'expected a positive integer');
    const sample = w.sample ?? 0;
    if (!(sample >= 0 && sample <= 1)) problem(`${at}.sample`, 'expected a fraction from 0 to 1');
    // A client-side balancer needs to know the Service: `service/NS/NAME`, `NAME.NS[.svc...]`, or
    // a bare NAME in the client pods' own namespace (the first search domain).
    const host = match?.[1] ?? '';
    if (
      w.clientBalancer !== undefined &&
      !host.startsWith('service/') &&
      !host.includes('.') &&
      !('pods' in w.from && w.from.pods.namespace !== undefined)
    )
      problem(
        `${at}.to`,
        `a clientBalancer needs a Service target: service/NS/NAME, NAME.NAMESPACE, or a bare NAME with from.pods.namespace (got ${JSON.stringify(host)})`,
      );
    if (w.http !== undefined) {
      if (typeof w.http.path !== 'string' || !w.http.path.startsWith('/'))
        problem(`${at}.http.path`, 'expected a path starting with /');
      if (w.clientBalancer !== undefined)
        problem(`${at}.http`, 'a request through the Ingress controller cannot also use a clientBalancer');
    }
    const attempts = w.retries?.attempts ?? 0;
    if (!Number.isInteger(attempts) || attempts < 0 || attempts > 10)
      problem(`${at}.retries.attempts`, 'expected an integer from 0 to 10');
    return {
      name: w.name,
      from: w.from,
      host: match?.[1] ?? '',
      port,
      protocol: w.protocol ?? 'TCP',
      arrival,
      mode,
      poolSize,
      maxAge:
        connection.maxAge === undefined
          ? undefined
          : duration(connection.maxAge, '0s', `${at}.connection.maxAge`, problem),
      maxAgeJitter: connection.maxAgeJitter ?? 0.1,
      timeout: duration(w.timeout, '5s', `${at}.timeout`, problem),
      retries: {
        attempts,
        backoff: duration(w.retries?.backoff, '25ms', `${at}.retries.backoff`, problem),
        maxBackoff: duration(w.retries?.maxBackoff, '1s', `${at}.retries.maxBackoff`, problem),
        jitter: w.retries?.jitter ?? 0.5,
      },
      start: duration(w.start, '0s', `${at}.start`, problem),
      stop: w.stop === undefined ? undefined : duration(w.stop, '0s', `${at}.stop`, problem),
      sample,
      http:
        w.http === undefined
          ? undefined
          : { host: w.http.host, path: w.http.path, method: w.http.method ?? 'GET' },
      clientBalancer:
        w.clientBalancer === undefined
          ? undefined
          : { policy: w.clientBalancer.policy, options: { ...(w.clientBalancer.options ?? {}) } },
    };
  });
  const servers = [...(spec.servers ?? []), {}].map((s, i): ResolvedServer => {
    const at = `servers[${i}]`;
    const concurrency = s.concurrency ?? 64;
    if (!Number.isInteger(concurrency) || concurrency < 1)
      problem(`${at}.concurrency`, 'expected a positive integer');
    const queueLimit = s.queueLimit ?? 1024;
    if (!Number.isInteger(queueLimit) || queueLimit < 0)
      problem(`${at}.queueLimit`, 'expected a non-negative integer');
    const serviceTime = distribution(
      s.serviceTime,
      { lognormal: { median: '5ms', sigma: 0.5 } },
      `${at}.serviceTime`,
      problem,
    );
    const overrides = new Map<string, { serviceTime: DurationDistribution; concurrency: number }>();
    (s.overrides ?? []).forEach((o, j) => {
      overrides.set(o.pod, {
        serviceTime: distribution(
          o.serviceTime,
          s.serviceTime ?? { lognormal: { median: '5ms', sigma: 0.5 } },
          `${at}.overrides[${j}].serviceTime`,
          problem,
        ),
        concurrency: o.concurrency ?? concurrency,
      });
    });
    return {
      selector: s.selector,
      namespace: s.namespace,
      serviceTime,
      concurrency,
      queueLimit,
      onTermination: s.onTermination ?? 'drain',
      overrides,
    };
  });
  const n = spec.network ?? {};
  const network: ResolvedNetwork = {
    sameNode: distribution(n.sameNode, '20us', 'network.sameNode', problem),
    crossNode: distribution(
      n.crossNode,
      { lognormal: { median: '150us', sigma: 0.3 } },
      'network.crossNode',
      problem,
    ),
    crossZone: distribution(
      n.crossZone,
      { lognormal: { median: '600us', sigma: 0.3 } },
      'network.crossZone',
      problem,
    ),
    external: distribution(
      n.external,
      { lognormal: { median: '5ms', sigma: 0.3 } },
      'network.external',
      problem,
    ),
    loss: n.loss ?? 0,
  };
  if (!(network.loss >= 0 && network.loss < 1)) problem('network.loss', 'expected a probability from 0 to 1');
  if (issues.length > 0) throw new TrafficSpecError(issues);
  return { workloads, servers, network };
}
