import type { App } from '../../arbitraries/appArb.js';
import { podOfApp, workloadKey, type ClusterModel } from '../ClusterModel.js';
import type { LiveCluster } from '../LiveCluster.js';
import { ClusterCommand, type ClusterCommandSettings } from './ClusterCommand.js';

/**
 * A container crash in one of an app's pods (they restart in place with the kubelet's back-off).
 * Which pod is decided when it runs: the `pick`-th (modulo) of the app's pods whose containers
 * run, sorted by name, so the command stays meaningful whatever pods exist then; when none does,
 * nothing happens. Timeline step: `killPod: { pod: ns/name }` (the pod chosen).
 *
 * @example
 * ```ts
 * new KillPodCommand(app, 1).toString(); // 'KillPod(Deployment shop/web, pod #1)'
 * ```
 */
export class KillPodCommand extends ClusterCommand {
  constructor(
    readonly app: App,
    readonly pick: number,
    settings?: ClusterCommandSettings,
  ) {
    super(settings);
  }

  check(model: Readonly<ClusterModel>): boolean {
    return (model.workloads.get(workloadKey(this.app))?.replicas ?? 0) > 0;
  }

  protected act(_model: ClusterModel, live: LiveCluster): void {
    const state = live.cluster.state;
    const candidates = [...state.pods.values()]
      .filter(
        (pod) => pod.containersRunning && pod.deletionRequestedAt === undefined && podOfApp(this.app, pod),
      )
      .map((pod) => pod.key)
      .sort();
    const key = candidates[this.pick % Math.max(1, candidates.length)];
    if (key === undefined) return;
    const slash = key.indexOf('/');
    live.cluster.killPod(key.slice(0, slash), key.slice(slash + 1));
    live.record('killPod', { pod: key });
  }

  toString(): string {
    return `KillPod(${this.app.kind} ${this.app.namespace}/${this.app.name}, pod #${this.pick})`;
  }
}
