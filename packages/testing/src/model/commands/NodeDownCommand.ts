import type { ClusterModel } from '../ClusterModel.js';
import type { LiveCluster } from '../LiveCluster.js';
import { ClusterCommand, type ClusterCommandSettings } from './ClusterCommand.js';

/**
 * A running node goes down one way or another (see {@link CrashNodeCommand} and
 * {@link PartitionNodeCommand}): the cluster is told, the model marks the node and when it went
 * down, and the step is recorded for the replayable timeline.
 *
 * @example
 * ```ts
 * class StopNodeCommand extends NodeDownCommand {
 *   protected readonly down = 'crashed' as const;
 *   toString(): string {
 *     return `StopNode(${this.node})`;
 *   }
 * }
 * ```
 */
export abstract class NodeDownCommand extends ClusterCommand {
  /** How the node goes down. */
  protected abstract readonly down: 'crashed' | 'partitioned';

  constructor(
    readonly node: string,
    settings?: ClusterCommandSettings,
  ) {
    super(settings);
  }

  check(model: Readonly<ClusterModel>): boolean {
    return model.nodes.get(this.node)?.state === 'running';
  }

  protected act(model: ClusterModel, live: LiveCluster): void {
    if (this.down === 'crashed') live.cluster.crashNode(this.node);
    else live.cluster.partitionNode(this.node);
    const node = model.nodes.get(this.node);
    if (node !== undefined) {
      node.state = this.down;
      node.downSince = live.now;
    }
    live.record(this.down === 'crashed' ? 'crashNode' : 'partitionNode', this.node);
  }
}
