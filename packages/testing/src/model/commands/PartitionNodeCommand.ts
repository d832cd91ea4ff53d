import type { ClusterModel } from '../ClusterModel.js';
import type { LiveCluster } from '../LiveCluster.js';
import { ClusterCommand, type ClusterCommandSettings } from './ClusterCommand.js';

/**
 * The node is cut off from the control plane (its kubelet cannot report, its pods keep running), when the model has it running.
 * Timeline step: `partitionNode: NODE`.
 *
 * @example
 * ```ts
 * new PartitionNodeCommand('node-2').toString(); // 'PartitionNode(node-2)'
 * ```
 */
export class PartitionNodeCommand extends ClusterCommand {
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
    live.cluster.partitionNode(this.node);
    const node = model.nodes.get(this.node);
    if (node !== undefined) {
      node.state = 'partitioned';
      node.downSince = live.now;
    }
    live.record('partitionNode', this.node);
  }

  toString(): string {
    return `PartitionNode(${this.node})`;
  }
}
