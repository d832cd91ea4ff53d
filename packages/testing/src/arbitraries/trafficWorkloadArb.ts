import fc from 'fast-check';
import type { WorkloadSpec } from '@knsim/traffic';
import { maybe, millis, opt, pick, record, seconds } from './internal.js';

/** Client pods a workload may send from. */
export interface TrafficClient {
  readonly namespace: string;
  /** A label selector (`app=client`). */
  readonly selector: string;
}

/** A Service port a workload may send to. */
export interface TrafficTarget {
  readonly namespace: string;
  /** The Service's name. */
  readonly service: string;
  /** The Service port. */
  readonly port: number;
  /** Default TCP. */
  readonly protocol?: 'TCP' | 'UDP';
  /**
   * A headless Service: reached by DNS name only (its name resolves to the pods, so `port` is
   * the pods' port), without a client-side balancer.
   */
  readonly headless?: boolean;
}

/** What {@link trafficWorkloadArb} generates workloads over. */
export interface TrafficContext {
  readonly clients: readonly TrafficClient[];
  readonly targets: readonly TrafficTarget[];
  /** The workload's name. Default `load`. */
  readonly name?: string;
  /** Highest request rate (per second, per workload). Default 50. */
  readonly maxRate?: number;
  /** Latest `start` in seconds (the workload may start late). Default 10. */
  readonly maxStart?: number;
  /** Client-side balancing policies (`clientBalancer`) to choose from; `[]` never. Default `['p2c', 'least_request', 'swrr']`. */
  readonly clientBalancers?: readonly string[];
}

/** How the target is written: each resolves to the same Service. */
type HostForm = 'service' | 'fqdn' | 'namespaced' | 'svc' | 'short';

export interface TrafficWorkloadShape {
  readonly client: number;
  readonly target: number;
  readonly host: HostForm;
  readonly arrival: 'poisson' | 'constant' | 'closedLoop';
  readonly rate: number;
  readonly users: number;
  readonly thinkMs: number;
  readonly connection:
    | {
        readonly mode: 'per-request' | 'keep-alive' | 'multiplexed';
        readonly poolSize: number | undefined;
        readonly maxAge: number | undefined;
      }
    | undefined;
  readonly timeoutMs: number | undefined;
  readonly retries: { readonly attempts: number; readonly backoffMs: number | undefined } | undefined;
  readonly start: number | undefined;
  readonly clientBalancer: number | undefined;
}

export function trafficWorkloadShapeArb(maxRate = 50, maxStart = 10): fc.Arbitrary<TrafficWorkloadShape> {
  return record({
    client: fc.nat({ max: 7 }),
    target: fc.nat({ max: 15 }),
    host: fc.constantFrom<HostForm>('service', 'fqdn', 'namespaced', 'svc', 'short'),
    arrival: fc.constantFrom('poisson' as const, 'constant' as const, 'closedLoop' as const),
    rate: fc.integer({ min: 1, max: Math.max(1, Math.floor(maxRate)) }),
    users: fc.integer({ min: 1, max: 4 }),
    thinkMs: fc.integer({ min: 100, max: 1000 }),
    connection: maybe(
      record({
        mode: fc.constantFrom('per-request' as const, 'keep-alive' as const, 'multiplexed' as const),
        poolSize: maybe(fc.integer({ min: 1, max: 4 })),
        maxAge: maybe(fc.integer({ min: 5, max: 60 })),
      }),
    ),
    timeoutMs: maybe(fc.integer({ min: 200, max: 5000 })),
    retries: maybe(
      record({
        attempts: fc.integer({ min: 0, max: 3 }),
        backoffMs: maybe(fc.integer({ min: 10, max: 500 })),
      }),
    ),
    start: maybe(fc.integer({ min: 0, max: Math.max(0, maxStart) })),
    clientBalancer: maybe(fc.nat({ max: 7 }), 4),
  });
}

export function buildTrafficWorkload(
  context: Omit<TrafficContext, 'maxRate' | 'maxStart'>,
  shape: TrafficWorkloadShape,
): WorkloadSpec {
  const client = pick(context.clients, shape.client);
  const target = pick(context.targets, shape.target);
  const balancers = context.clientBalancers ?? ['p2c', 'least_request', 'swrr'];
  const balanced = shape.clientBalancer !== undefined && balancers.length > 0 && target.headless !== true;
  // The short name only resolves from the Service's own namespace, and a client-side balancer
  // must tell the Service from the name (`service/NS/NAME` or `NAME.NS[.svc[.DOMAIN]]`).
  const form =
    (shape.host === 'short' && (client.namespace !== target.namespace || balanced)) ||
    (shape.host === 'service' && target.headless === true)
      ? 'namespaced'
      : shape.host;
  const host = {
    service: `service/${target.namespace}/${target.service}`,
    fqdn: `${target.service}.${target.namespace}.svc.cluster.local`,
    namespaced: `${target.service}.${target.namespace}`,
    svc: `${target.service}.${target.namespace}.svc`,
    short: target.service,
  }[form];
  const connection = shape.connection;
  return {
    name: context.name ?? 'load',
    from: { pods: { namespace: client.namespace, selector: client.selector } },
    to: `${host}:${target.port}`,
    ...(target.protocol === 'UDP' ? { protocol: 'UDP' as const } : {}),
    arrival:
      shape.arrival === 'closedLoop'
        ? { closedLoop: { users: shape.users, thinkTime: millis(shape.thinkMs) } }
        : shape.arrival === 'constant'
          ? { constant: { rate: shape.rate } }
          : { poisson: { rate: shape.rate } },
    ...(connection === undefined
      ? {}
      : {
          connection: {
            mode: connection.mode,
            ...(connection.mode === 'keep-alive' ? opt('poolSize', connection.poolSize) : {}),
            ...(connection.mode === 'per-request' || connection.maxAge === undefined
              ? {}
              : { maxAge: seconds(connection.maxAge) }),
          },
        }),
    ...(shape.timeoutMs === undefined ? {} : { timeout: millis(shape.timeoutMs) }),
    ...(shape.retries === undefined
      ? {}
      : {
          retries: {
            attempts: shape.retries.attempts,
            ...(shape.retries.backoffMs === undefined ? {} : { backoff: millis(shape.retries.backoffMs) }),
          },
        }),
    ...(shape.start === undefined ? {} : { start: seconds(shape.start) }),
    ...(shape.clientBalancer === undefined || !balanced
      ? {}
      : { clientBalancer: { policy: pick(balancers, shape.clientBalancer) } }),
  };
}

/**
 * A traffic workload (an entry of `traffic.workloads`) from client pods to a Service port: the
 * target written as `service/NS/NAME` or a DNS name the client resolves (FQDN, `NAME.NS`,
 * `NAME.NS.svc`, or the short name from the same namespace); Poisson or constant arrivals up
 * to `maxRate`/s, or a closed loop of 1-4 users; per-request, keep-alive or multiplexed
 * connections; timeouts, retries, a late start, a client-side balancer. Shrinks toward one
 * Poisson request per second over `service/NS/NAME` with the defaults.
 *
 * @example
 * ```ts
 * trafficWorkloadArb({
 *   clients: [{ namespace: 'shop', selector: 'app=client' }],
 *   targets: [{ namespace: 'shop', service: 'web', port: 80 }],
 *   maxRate: 20,
 * });
 * ```
 */
export function trafficWorkloadArb(context: TrafficContext): fc.Arbitrary<WorkloadSpec> {
  if (context.clients.length === 0 || context.targets.length === 0)
    throw new Error('trafficWorkloadArb: needs at least one client and one target');
  return trafficWorkloadShapeArb(context.maxRate, context.maxStart).map((shape) =>
    buildTrafficWorkload(context, shape),
  );
}
