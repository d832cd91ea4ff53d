import type { ClusterModel } from '../ClusterModel.js';
import type { LiveCluster } from '../LiveCluster.js';
import { ClusterCommand, type ClusterCommandSettings } from './ClusterCommand.js';

/**
 * `kubectl cordon`, when the model has the node schedulable. Timeline step: `cordonNode: NODE`.
 *
 * @example
 * ```ts
 * new CordonCommand('node-1').toString(); // 'Cordon(node-1)'
 * ```
 */
export class CordonCommand extends ClusterCommand {
  constructor(
    readonly node: string,
    settings?: ClusterCommandSettings,
  ) {
    super(settings);
  }

  check(model: Readonly<ClusterModel>): boolean {
    return model.nodes.get(this.node)?.cordoned === false;
  }

  protected act(model: ClusterModel, live: LiveCluster): void {
    live.cluster.cordon(this.node);
    const node = model.nodes.get(this.node);
    if (node !== undefined) node.cordoned = true;
    live.record('cordonNode', this.node);
  }

  toString(): string {
    return `Cordon(${this.node})`;
  }
}
