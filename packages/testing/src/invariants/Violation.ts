import { formatDuration, type Instant } from '@knsim/core';

/**
 * The invariants {@link monitorInvariants} can check, each selectable on its own:
 *
 * - `uniquePodIps`: live pods' IPs are unique and inside their node's podCIDR;
 * - `stableServiceAddresses`: a Service's ClusterIP never changes during its life (by uid) and
 *   its DNS name answers that ClusterIP;
 * - `proxyConvergence`: after quiescence every node's kube-proxy has programmed the latest version
 *   of every Service, and its eligible endpoints equal those computed from the latest slices;
 * - `noStaleConnections`: no node's kube-proxy may send a new connection to a pod deleted longer
 *   ago than the propagation bound;
 * - `noTerminatingWhileReady`: no new connection may go to a terminating endpoint while a ready
 *   one is eligible on that node;
 * - `dnsMatchesState`: cluster DNS answers every Service as the state says;
 * - `replaysToLiveState`: folding the log gives the live state;
 * - `sameSeedSameLog`: the same document and seed give the same log (see {@link sameSeedSameLog}).
 *
 * @example
 * ```ts
 * const monitor = monitorInvariants({ invariants: ['uniquePodIps', 'noStaleConnections'] });
 * ```
 */
export type InvariantName =
  | 'uniquePodIps'
  | 'stableServiceAddresses'
  | 'proxyConvergence'
  | 'noStaleConnections'
  | 'noTerminatingWhileReady'
  | 'dnsMatchesState'
  | 'replaysToLiveState'
  | 'sameSeedSameLog';

/**
 * Every invariant a monitor runs by default (all but `sameSeedSameLog`, which needs two runs).
 *
 * @example
 * ```ts
 * monitorInvariants({ invariants: RUN_INVARIANTS.filter((name) => name !== 'replaysToLiveState') });
 * ```
 */
export const RUN_INVARIANTS: readonly Exclude<InvariantName, 'sameSeedSameLog'>[] = [
  'uniquePodIps',
  'stableServiceAddresses',
  'proxyConvergence',
  'noStaleConnections',
  'noTerminatingWhileReady',
  'dnsMatchesState',
  'replaysToLiveState',
];

/**
 * One broken invariant: which, when (virtual time, microseconds from the start of the run), and
 * what was seen.
 *
 * @example
 * ```ts
 * const violation: Violation = {
 *   invariant: 'uniquePodIps',
 *   at: 12_000_000,
 *   message: 'demo/web-1 and demo/web-2 share 10.244.1.5',
 * };
 * ```
 */
export interface Violation {
  readonly invariant: InvariantName;
  readonly at: Instant;
  readonly message: string;
}

/**
 * One line per violation: `invariant at 12s: message`.
 *
 * @example
 * ```ts
 * formatViolation({ invariant: 'uniquePodIps', at: 12_000_000, message: 'a and b share 10.244.1.5' });
 * // 'uniquePodIps at 12s: a and b share 10.244.1.5'
 * ```
 */
export function formatViolation(violation: Violation): string {
  return `${violation.invariant} at ${formatDuration(violation.at)}: ${violation.message}`;
}
