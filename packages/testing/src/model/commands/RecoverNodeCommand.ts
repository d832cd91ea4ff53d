import type { ClusterModel } from '../ClusterModel.js';
import type { LiveCluster } from '../LiveCluster.js';
import { ClusterCommand, type ClusterCommandSettings } from './ClusterCommand.js';

/**
 * A crashed or partitioned node's kubelet comes back, when the model has it down. Timeline step:
 * `recoverNode: NODE`.
 *
 * @example
 * ```ts
 * new RecoverNodeCommand('node-2').toString(); // 'RecoverNode(node-2)'
 * ```
 */
export class RecoverNodeCommand extends ClusterCommand {
  constructor(
    readonly node: string,
    settings?: ClusterCommandSettings,
  ) {
    super(settings);
  }

  check(model: Readonly<ClusterModel>): boolean {
    const state = model.nodes.get(this.node)?.state;
    return state !== undefined && state !== 'running';
  }

  protected act(model: ClusterModel, live: LiveCluster): void {
    live.cluster.recoverNode(this.node);
    const node = model.nodes.get(this.node);
    if (node !== undefined) node.state = 'running';
    live.record('recoverNode', this.node);
  }

  toString(): string {
    return `RecoverNode(${this.node})`;
  }
}
