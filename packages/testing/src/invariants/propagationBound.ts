import { maxDuration, SECOND, type Duration } from '@knsim/core';
import type { ClusterConfig } from '@knsim/control-plane';

/**
 * How long after a change every node's kube-proxy is guaranteed to have programmed it:
 * `max(timings.proxyPropagation) + proxy.minSyncPeriod + slack`. The slack (default: the
 * EndpointSlice controller's longest sync, `max(timings.controllerSync)`, plus 1 s) covers the
 * controller turning a pod change into a slice change. Infinite when the propagation
 * distribution has no `max` (then the bound says nothing: give `timings.proxyPropagation` a max).
 *
 * @example
 * ```ts
 * propagationBound(run.cluster.config); // 5s + 1s + 20ms + 1s with the defaults
 * ```
 */
export function propagationBound(config: ClusterConfig, slack?: Duration): Duration {
  const controller = maxDuration(config.timings.controllerSync);
  const extra = slack ?? (Number.isFinite(controller) ? controller : 0) + SECOND;
  return maxDuration(config.timings.proxyPropagation) + config.proxy.minSyncPeriod + extra;
}
