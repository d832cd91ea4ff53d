import { NodeDownCommand } from './NodeDownCommand.js';

/**
 * The node is cut off from the control plane (its kubelet cannot report, its pods keep running),
 * when the model has it running. Timeline step: `partitionNode: NODE`.
 *
 * @example
 * ```ts
 * new PartitionNodeCommand('node-2').toString(); // 'PartitionNode(node-2)'
 * ```
 */
export class PartitionNodeCommand extends NodeDownCommand {
  protected readonly down = 'partitioned' as const;

  toString(): string {
    return `PartitionNode(${this.node})`;
  }
}
