import { formatDuration } from '@knsim/core';
import type { ClusterModel } from '../ClusterModel.js';
import type { LiveCluster } from '../LiveCluster.js';
import { ClusterCommand, type ClusterCommandSettings } from './ClusterCommand.js';

/**
 * Ends one outstanding readiness fault: the `pick`-th (modulo) of those the model holds, oldest
 * first. No step of its own in the timeline: the fault's `failReadiness` step gets the
 * `duration` that ends it now (the scenario format has no separate restore).
 *
 * @example
 * ```ts
 * new RestoreReadinessCommand(0).toString(); // 'RestoreReadiness(#0)'
 * ```
 */
export class RestoreReadinessCommand extends ClusterCommand {
  constructor(
    readonly pick: number,
    settings?: ClusterCommandSettings,
  ) {
    super(settings);
  }

  check(model: Readonly<ClusterModel>): boolean {
    return model.faults.length > 0;
  }

  protected act(model: ClusterModel, live: LiveCluster): void {
    const [fault] = model.faults.splice(this.pick % model.faults.length, 1);
    if (fault === undefined) return;
    const started = live.readinessFaults.get(fault.seq);
    if (started === undefined)
      throw new Error(`RestoreReadiness: the live cluster has no fault #${fault.seq}`);
    live.readinessFaults.delete(fault.seq);
    live.cluster.restoreReadiness(started.id);
    started.step.value = {
      ...(started.step.value as Record<string, unknown>),
      duration: formatDuration(live.now - started.step.at),
    };
  }

  toString(): string {
    return `RestoreReadiness(#${this.pick})`;
  }
}
