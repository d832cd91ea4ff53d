import type { Duration, Instant, RandomStream } from '@knsim/core';
import type { BalancerState } from './BalancerState.js';

/**
 * One endpoint a policy may choose. Policies treat backend lists as immutable snapshots: pass the
 * same array for as long as the set is unchanged (tables and counters are then reused at O(1)
 * cost) and a new array when it changes (the policy compares contents and rebuilds what depends
 * on them). Never mutate an array a policy has seen.
 *
 * @example
 * ```ts
 * const backends: readonly Backend[] = [
 *   { id: '10.244.1.4:8080', weight: 1 },
 *   { id: '10.244.2.5:8080', weight: 1 },
 * ];
 * ```
 */
export interface Backend {
  /** `ip:port` (`[ipv6]:port` for IPv6); hash-based policies hash this text. */
  readonly id: string;
  /**
   * Relative weight; kube-proxy programs 1. Weight 0 means "draining": every policy refuses new
   * picks of a weight-0 backend (IPVS's quiesced destination). IPVS schedulers use the integer
   * part (the kernel's weights are integers); random policies ignore positive weights, as
   * iptables and nftables have none.
   */
  readonly weight: number;
}

/**
 * What a policy may look at when it chooses: the new connection's (or request's) addresses and the
 * virtual time. Hash policies read `hashKey` (an L7 key such as a header or cookie) or else the
 * source address. A context is valid during the `pick` call only: kube-proxy reuses one object
 * for its picks, so a policy that keeps anything copies the values.
 *
 * @example
 * ```ts
 * const context: PickContext = { sourceIp: '10.244.3.7', sourcePort: 41234, now: sim.now };
 * ```
 */
export interface PickContext {
  readonly sourceIp: string;
  readonly sourcePort?: number;
  /** The address the client dialled (a ClusterIP, NodePort node IP...); IPVS `dh` hashes it. */
  readonly destinationIp?: string;
  readonly destinationPort?: number;
  /** Overrides the source address as the key of `ring_hash` and `maglev` (Envoy's hash policy). */
  readonly hashKey?: string;
  /** Virtual time, µs. */
  readonly now: Instant;
}

/**
 * A load-balancing policy instance. One instance models one independent balancer: a node's
 * kube-proxy for one service port (IPVS keeps a scheduler state per virtual service on each
 * node, uncoordinated across nodes) or one client-side proxy (Envoy, Linkerd). It keeps its own
 * per-backend counters, fed by `onStart`/`onFinish`, and draws randomness only from the
 * {@link RandomStream} its factory was given.
 *
 * Call `pick` once per new connection (kube-proxy: conntrack pins the connection afterwards) or
 * per request (L7 proxies), `onStart` when the chosen backend is actually used, and `onFinish`
 * exactly once per `onStart`. `pick` returns undefined when no backend may be chosen (empty list,
 * all weights 0, or a hash landing on a draining backend where the real scheduler refuses too).
 *
 * @example
 * ```ts
 * const policy = createPolicy('lc', sim.rng('kube-proxy/node-1/default/web:http'));
 * const backend = policy.pick(backends, { sourceIp: '10.244.3.7', now: sim.now });
 * if (backend !== undefined) {
 *   policy.onStart?.(backend, sim.now);
 *   // ... later, when the connection closes:
 *   policy.onFinish?.(backend, sim.now, latency, true);
 * }
 * ```
 */
export interface LoadBalancingPolicy {
  /** The registry name (`rr`, `maglev`, ...). */
  readonly name: string;
  /**
   * This balancer's per-backend connection counters (every built-in policy has them): what
   * `IpvsGracefulTermination` asks before deleting a drained backend.
   */
  readonly state?: BalancerState;
  pick(backends: readonly Backend[], context: PickContext): Backend | undefined;
  /** A connection (request) to `backend` starts now. */
  onStart?(backend: Backend, now: Instant): void;
  /** That connection (request) ended now after `latency` µs; `ok` is false on failure. */
  onFinish?(backend: Backend, now: Instant, latency: Duration, ok: boolean): void;
  /**
   * The backend set changed. Optional: built-in policies also detect changes themselves when
   * `pick` receives a new array, so this only lets them rebuild eagerly.
   */
  onBackendsChanged?(backends: readonly Backend[], now: Instant): void;
}

/**
 * Options a policy is configured with (from a scenario file): plain JSON values. Durations are
 * strings (`"10s"`) or numbers of µs. Unknown keys are rejected, so typos surface.
 *
 * @example
 * ```ts
 * const options: PolicyOptions = { decay: '5s', defaultRtt: '50ms' };
 * createPolicy('p2c_peak_ewma', rng, options);
 * ```
 */
export type PolicyOptions = Readonly<Record<string, unknown>>;

/**
 * Makes a policy instance from its seeded stream and options.
 *
 * @example
 * ```ts
 * const sticky: PolicyFactory = (rng, options) => new MyPolicy(rng, options);
 * registerPolicy('sticky', sticky);
 * ```
 */
export type PolicyFactory = (rng: RandomStream, options?: PolicyOptions) => LoadBalancingPolicy;
