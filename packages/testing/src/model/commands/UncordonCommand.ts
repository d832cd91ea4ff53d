import type { ClusterModel } from '../ClusterModel.js';
import type { LiveCluster } from '../LiveCluster.js';
import { ClusterCommand, type ClusterCommandSettings } from './ClusterCommand.js';

/**
 * `kubectl uncordon`, when the model has the node cordoned. Timeline step: `uncordonNode: NODE`.
 *
 * @example
 * ```ts
 * new UncordonCommand('node-1').toString(); // 'Uncordon(node-1)'
 * ```
 */
export class UncordonCommand extends ClusterCommand {
  constructor(
    readonly node: string,
    settings?: ClusterCommandSettings,
  ) {
    super(settings);
  }

  check(model: Readonly<ClusterModel>): boolean {
    return model.nodes.get(this.node)?.cordoned === true;
  }

  protected act(model: ClusterModel, live: LiveCluster): void {
    live.cluster.uncordon(this.node);
    const node = model.nodes.get(this.node);
    if (node !== undefined) node.cordoned = false;
    live.record('uncordonNode', this.node);
  }

  toString(): string {
    return `Uncordon(${this.node})`;
  }
}
