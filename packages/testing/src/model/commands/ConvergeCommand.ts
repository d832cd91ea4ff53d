import { formatDuration, MINUTE, type Duration } from '@knsim/core';
import type { ClusterModel } from '../ClusterModel.js';
import type { LiveCluster } from '../LiveCluster.js';
import type { ModelCheckPhase } from '../modelViolations.js';
import { ClusterCommand, ClusterCheckError, type ClusterCommandSettings } from './ClusterCommand.js';

/**
 * Lets the cluster converge: the control plane runs until nothing is in flight (rollouts done,
 * back-offs and evictions included) and the data plane settles, then the steady-state model
 * assertions run too (see `modelViolations`, phase `converged`). Fails when the control plane
 * is still busy after `limit` (default 30 minutes of virtual time): with the commands stopped,
 * a cluster that never goes quiet is a bug.
 *
 * @example
 * ```ts
 * new ConvergeCommand().toString(); // 'Converge'
 * ```
 */
export class ConvergeCommand extends ClusterCommand {
  constructor(
    settings?: ClusterCommandSettings,
    readonly limit: Duration = 30 * MINUTE,
  ) {
    super(settings);
  }

  check(): boolean {
    return true;
  }

  protected act(_model: ClusterModel, live: LiveCluster): void {
    if (!live.converge(this.limit))
      throw new ClusterCheckError(
        this.toString(),
        [`model: the control plane is still busy ${formatDuration(this.limit)} after the commands stopped`],
        formatDuration(live.now),
      );
  }

  protected override pass(): void {
    // converge() already settled the data plane and aligned the clock.
  }

  protected override phase(): ModelCheckPhase {
    return 'converged';
  }

  toString(): string {
    return 'Converge';
  }
}
