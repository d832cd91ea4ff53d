import { formatDuration, type Duration } from '@knsim/core';
import type { ClusterModel } from '../ClusterModel.js';
import type { LiveCluster } from '../LiveCluster.js';
import { ClusterCommand, type ClusterCommandSettings } from './ClusterCommand.js';

/**
 * Lets the cluster run for a while (no timeline step: the next step's `at` says it). Long ones
 * let failures show (a down node's pods leave the endpoints after ~56 s, evictions after 300 s).
 *
 * @example
 * ```ts
 * new AdvanceTimeCommand(45 * SECOND).toString(); // 'AdvanceTime(45s)'
 * ```
 */
export class AdvanceTimeCommand extends ClusterCommand {
  constructor(
    readonly duration: Duration,
    settings?: ClusterCommandSettings,
  ) {
    super(settings);
  }

  check(): boolean {
    return true;
  }

  protected act(_model: ClusterModel, live: LiveCluster): void {
    live.advance(this.duration);
  }

  protected override pass(live: LiveCluster): void {
    live.align();
  }

  toString(): string {
    return `AdvanceTime(${formatDuration(this.duration)})`;
  }
}
