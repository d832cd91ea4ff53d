import type { Duration } from '@knsim/core';
import { expireInactive, type BackendCounters } from './BalancerState.js';
import { BasePolicy } from './BasePolicy.js';
import { IPVS_INACTIVE_TIMEOUT } from './IpvsRoundRobinPolicy.js';
import type { Backend, PickContext } from './LoadBalancingPolicy.js';

/**
 * The IPVS least-connection family.
 *
 * @example
 * ```ts
 * const kind: IpvsLeastConnectionKind = 'wlc';
 * new IpvsLeastConnectionPolicy(kind);
 * ```
 */
export type IpvsLeastConnectionKind = 'lc' | 'wlc' | 'sed' | 'nq';

/**
 * IPVS's least-connection schedulers, each a single scan of the destination list in order:
 *
 * - `lc` (`ip_vs_lc.c`): least overhead `active * 256 + inactive`; weight-0 skipped; on a tie the
 *   first one wins (strict `<`).
 * - `wlc` (`ip_vs_wlc.c`): least overhead / weight, compared as `loh * w > doh * wl` so the first
 *   minimum wins; weight 0 never wins.
 * - `sed` (`ip_vs_sed.c`): shortest expected delay, (active + 1) / weight; inactive ignored.
 * - `nq` (`ip_vs_nq.c`): never queue: the first idle (no active connection) destination with
 *   weight > 0, else as `sed`.
 *
 * "Active" and "inactive" are this balancer's own counts (see {@link BalancerState}); a finished
 * connection counts as inactive for `inactiveTimeout` (IPVS TIME_WAIT, 2 minutes by default).
 *
 * @example
 * ```ts
 * const lc = new IpvsLeastConnectionPolicy('lc');
 * const backend = lc.pick(backends, context)!;
 * lc.onStart(backend, context.now); // the next pick avoids it until the others catch up
 * ```
 */
export class IpvsLeastConnectionPolicy extends BasePolicy {
  readonly name: string;

  constructor(
    readonly kind: IpvsLeastConnectionKind,
    inactiveTimeout: Duration = IPVS_INACTIVE_TIMEOUT,
  ) {
    super(inactiveTimeout);
    this.name = kind;
  }

  pick(backends: readonly Backend[], context: PickContext): Backend | undefined {
    const counters = this.state.aligned(backends);
    const index =
      this.kind === 'lc'
        ? leastConnection(backends, counters, context.now)
        : this.kind === 'wlc'
          ? weightedLeast(backends, counters, context.now, true)
          : this.kind === 'sed'
            ? weightedLeast(backends, counters, context.now, false)
            : neverQueue(backends, counters);
    return index < 0 ? undefined : backends[index];
  }
}

function weightOf(backend: Backend): number {
  return Math.max(0, Math.floor(backend.weight));
}

// ip_vs_dest_conn_overhead: active << 8 + inactive.
function overhead(counters: BackendCounters, now: number): number {
  return counters.active * 256 + expireInactive(counters, now);
}

function leastConnection(
  backends: readonly Backend[],
  counters: readonly BackendCounters[],
  now: number,
): number {
  let least = -1;
  let loh = 0;
  for (let i = 0; i < backends.length; i++) {
    if (weightOf(backends[i] as Backend) === 0) continue;
    const doh = overhead(counters[i] as BackendCounters, now);
    if (least < 0 || doh < loh) {
      least = i;
      loh = doh;
    }
  }
  return least;
}

// wlc (withInactive: overhead = active*256 + inactive) and sed (overhead = active + 1).
function weightedLeast(
  backends: readonly Backend[],
  counters: readonly BackendCounters[],
  now: number,
  withInactive: boolean,
): number {
  let least = -1;
  let loh = 0;
  let lw = 0;
  for (let i = 0; i < backends.length; i++) {
    const w = weightOf(backends[i] as Backend);
    if (least < 0) {
      // The first destination of weight > 0 seeds the comparison.
      if (w === 0) continue;
      least = i;
      lw = w;
      loh = withInactive
        ? overhead(counters[i] as BackendCounters, now)
        : (counters[i] as BackendCounters).active + 1;
      continue;
    }
    const doh = withInactive
      ? overhead(counters[i] as BackendCounters, now)
      : (counters[i] as BackendCounters).active + 1;
    if (loh * w > doh * lw) {
      least = i;
      lw = w;
      loh = doh;
    }
  }
  return least;
}

function neverQueue(backends: readonly Backend[], counters: readonly BackendCounters[]): number {
  let least = -1;
  let loh = 0;
  let lw = 0;
  for (let i = 0; i < backends.length; i++) {
    const w = weightOf(backends[i] as Backend);
    if (w === 0) continue;
    const active = (counters[i] as BackendCounters).active;
    if (active === 0) return i;
    const doh = active + 1;
    if (least < 0 || loh * w > doh * lw) {
      least = i;
      lw = w;
      loh = doh;
    }
  }
  return least;
}
