import type { ClusterModel } from '../ClusterModel.js';
import type { LiveCluster } from '../LiveCluster.js';
import { ClusterCommand, type ClusterCommandSettings } from './ClusterCommand.js';

/**
 * `kubectl drain`: cordon, then evict every pod not owned by a DaemonSet (on a down node they
 * stay Terminating until it recovers). Timeline step: `drainNode: NODE`.
 *
 * @example
 * ```ts
 * new DrainCommand('node-1').toString(); // 'Drain(node-1)'
 * ```
 */
export class DrainCommand extends ClusterCommand {
  constructor(
    readonly node: string,
    settings?: ClusterCommandSettings,
  ) {
    super(settings);
  }

  check(model: Readonly<ClusterModel>): boolean {
    return model.nodes.has(this.node);
  }

  protected act(model: ClusterModel, live: LiveCluster): void {
    live.cluster.drain(this.node);
    const node = model.nodes.get(this.node);
    if (node !== undefined) node.cordoned = true;
    live.record('drainNode', this.node);
  }

  toString(): string {
    return `Drain(${this.node})`;
  }
}
