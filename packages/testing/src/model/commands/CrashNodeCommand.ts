import type { ClusterModel } from '../ClusterModel.js';
import type { LiveCluster } from '../LiveCluster.js';
import { ClusterCommand, type ClusterCommandSettings } from './ClusterCommand.js';

/**
 * The node's machine stops (kubelet silent, containers gone), when the model has it running.
 * Timeline step: `crashNode: NODE`.
 *
 * @example
 * ```ts
 * new CrashNodeCommand('node-2').toString(); // 'CrashNode(node-2)'
 * ```
 */
export class CrashNodeCommand extends ClusterCommand {
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
    live.cluster.crashNode(this.node);
    const node = model.nodes.get(this.node);
    if (node !== undefined) {
      node.state = 'crashed';
      node.downSince = live.now;
    }
    live.record('crashNode', this.node);
  }

  toString(): string {
    return `CrashNode(${this.node})`;
  }
}
