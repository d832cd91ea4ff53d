import type { App } from '../../arbitraries/appArb.js';
import { workloadKey, type ClusterModel } from '../ClusterModel.js';
import type { LiveCluster } from '../LiveCluster.js';
import { ClusterCommand, type ClusterCommandSettings } from './ClusterCommand.js';
import { workloadRef } from './workloadRef.js';

/**
 * `kubectl scale`: sets a Deployment's or StatefulSet's replicas (when the model has another
 * count). Timeline step: `scale: { deployment: ns/name, replicas: N }`.
 *
 * @example
 * ```ts
 * new ScaleCommand(app, 3).toString(); // 'Scale(Deployment shop/web to 3)'
 * ```
 */
export class ScaleCommand extends ClusterCommand {
  constructor(
    readonly app: App,
    readonly replicas: number,
    settings?: ClusterCommandSettings,
  ) {
    super(settings);
  }

  check(model: Readonly<ClusterModel>): boolean {
    const workload = model.workloads.get(workloadKey(this.app));
    return workload !== undefined && workload.replicas !== this.replicas;
  }

  protected act(model: ClusterModel, live: LiveCluster): void {
    const { app } = this;
    live.cluster.scale(app.kind, app.namespace, app.name, this.replicas);
    const workload = model.workloads.get(workloadKey(app));
    if (workload !== undefined) workload.replicas = this.replicas;
    live.record('scale', { ...workloadRef(app), replicas: this.replicas });
  }

  toString(): string {
    return `Scale(${this.app.kind} ${this.app.namespace}/${this.app.name} to ${this.replicas})`;
  }
}
