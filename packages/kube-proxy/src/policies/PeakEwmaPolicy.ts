import { MILLISECOND, SECOND, type Duration, type Instant, type RandomStream } from '@knsim/core';
import { BasePolicy } from './BasePolicy.js';
import type { Backend, PickContext } from './LoadBalancingPolicy.js';
import { sameBackends } from './sameBackends.js';

/** Linkerd's RTT estimate for a backend with no measurement yet (`EWMA_DEFAULT_RTT`, 30 ms). */
export const PEAK_EWMA_DEFAULT_RTT: Duration = 30 * MILLISECOND;
/** Linkerd's decay time of the estimate (`EWMA_DECAY`, 10 s). */
export const PEAK_EWMA_DEFAULT_DECAY: Duration = 10 * SECOND;

/**
 * Options of {@link PeakEwmaPolicy}.
 *
 * @example
 * ```ts
 * new PeakEwmaPolicy(rng, { defaultRtt: 50 * MILLISECOND, decay: 5 * SECOND });
 * ```
 */
export interface PeakEwmaOptions {
  /** Estimate of a backend never measured; default 30 ms. */
  readonly defaultRtt?: Duration;
  /** Time constant of the decay towards newer (and zero) observations; default 10 s. */
  readonly decay?: Duration;
}

/** A backend's peak-EWMA estimate (tower's `RttEstimate`), µs. */
interface RttEstimate {
  rtt: number;
  updatedAt: Instant;
}

/**
 * Linkerd's balancer: tower's power of two choices over peak-EWMA load (`tower::balance::p2c` +
 * `tower::load::peak_ewma`).
 *
 * - Two DISTINCT backends per pick (Floyd's sampling: a in [0, n-1), b in [0, n), a := n-1 when
 *   they collide); the one with the lower cost wins, the first on a tie. One backend: no draw.
 * - cost = rtt estimate x (pending + 1), pending = in-flight requests (started, not finished).
 * - The estimate jumps to any observed RTT above it (the peak) and otherwise decays towards the
 *   observation with weight exp(-elapsed / decay). Reading the cost also decays it towards 0
 *   (tower updates with a zero-length sample), so an idle slow backend is retried eventually.
 * - A backend first seen gets `defaultRtt` (30 ms); estimates of backends that left the set are
 *   dropped, as tower drops the service.
 *
 * @example
 * ```ts
 * const ewma = new PeakEwmaPolicy(sim.rng('client-1/lb'));
 * const backend = ewma.pick(backends, context)!;
 * ewma.onStart(backend, context.now);
 * ewma.onFinish(backend, later, later - context.now, true); // feeds the RTT estimate
 * ```
 */
export class PeakEwmaPolicy extends BasePolicy {
  readonly name: string = 'p2c_peak_ewma';
  readonly defaultRtt: Duration;
  readonly decay: Duration;
  readonly #estimates = new Map<string, RttEstimate>();
  #alignedSource: readonly Backend[] | undefined;
  #aligned: RttEstimate[] = [];

  constructor(
    readonly rng: RandomStream,
    options: PeakEwmaOptions = {},
  ) {
    super();
    this.defaultRtt = options.defaultRtt ?? PEAK_EWMA_DEFAULT_RTT;
    this.decay = options.decay ?? PEAK_EWMA_DEFAULT_DECAY;
    if (!(this.defaultRtt > 0) || !(this.decay > 0)) {
      throw new RangeError(
        `p2c_peak_ewma: defaultRtt and decay must be > 0, got ${this.defaultRtt}, ${this.decay}`,
      );
    }
  }

  /** The current cost of a backend (decaying its estimate, as tower's `load()` does). */
  cost(backend: Backend, now: Instant): number {
    const estimate = this.#estimates.get(backend.id);
    const rtt = estimate === undefined ? this.defaultRtt : this.#observe(estimate, 0, now);
    return rtt * (this.state.active(backend.id) + 1);
  }

  pick(backends: readonly Backend[], context: PickContext): Backend | undefined {
    const hosts = this.positive(backends);
    const n = hosts.length;
    if (n === 0) return undefined;
    const estimates = this.#align(hosts, context.now);
    if (n === 1) return hosts[0];
    let a = Math.floor(this.rng.next() * (n - 1));
    const b = Math.floor(this.rng.next() * n);
    if (a === b) a = n - 1;
    const counters = this.state.aligned(hosts);
    const aLoad =
      this.#observe(estimates[a] as RttEstimate, 0, context.now) * ((counters[a]?.active ?? 0) + 1);
    const bLoad =
      this.#observe(estimates[b] as RttEstimate, 0, context.now) * ((counters[b]?.active ?? 0) + 1);
    return hosts[aLoad <= bLoad ? a : b];
  }

  override onFinish(backend: Backend, now: Instant, latency: Duration, ok: boolean): void {
    super.onFinish(backend, now, latency, ok);
    const estimate = this.#estimates.get(backend.id);
    if (estimate !== undefined) this.#observe(estimate, Math.max(0, latency), now);
  }

  // RttEstimate::update: a higher sample becomes the peak; a lower one is blended in by recency.
  #observe(estimate: RttEstimate, rtt: number, now: Instant): number {
    if (estimate.rtt < rtt) {
      estimate.rtt = rtt;
    } else {
      const elapsed = Math.max(0, now - estimate.updatedAt);
      const decay = Math.exp(-elapsed / this.decay);
      estimate.rtt = estimate.rtt * decay + rtt * (1 - decay);
    }
    estimate.updatedAt = now;
    return estimate.rtt;
  }

  #align(hosts: readonly Backend[], now: Instant): readonly RttEstimate[] {
    if (sameBackends(this.#alignedSource, hosts)) {
      this.#alignedSource = hosts;
      return this.#aligned;
    }
    const present = new Set<string>();
    this.#aligned = hosts.map((host) => {
      present.add(host.id);
      let estimate = this.#estimates.get(host.id);
      if (estimate === undefined) {
        estimate = { rtt: this.defaultRtt, updatedAt: now };
        this.#estimates.set(host.id, estimate);
      }
      return estimate;
    });
    for (const id of this.#estimates.keys()) if (!present.has(id)) this.#estimates.delete(id);
    this.#alignedSource = hosts;
    return this.#aligned;
  }
}
