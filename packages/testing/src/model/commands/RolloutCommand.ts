import type { PodTemplateSpec } from '@knsim/api';
import type { App } from '../../arbitraries/appArb.js';
import type { ClusterModel } from '../ClusterModel.js';
import type { LiveCluster } from '../LiveCluster.js';
import { ClusterCommand, type ClusterCommandSettings } from './ClusterCommand.js';
import { workloadRef } from './workloadRef.js';

/** `nginx:1.27` -> `nginx:knsim-v2`: the same repository, a new tag (a registry port stays). */
function retag(image: string, version: number): string {
  const slash = image.lastIndexOf('/');
  const at = image.indexOf('@', slash + 1);
  const colon = image.indexOf(':', slash + 1);
  const end = at >= 0 ? at : colon >= 0 ? colon : image.length;
  return `${image.slice(0, end)}:knsim-v${version}`;
}

/**
 * A rollout of a Deployment or StatefulSet: `kubectl rollout restart` (version undefined) or
 * `kubectl set image` of the first container to `<repository>:knsim-v<version>`. Timeline step:
 * `rollout: { deployment: ns/name, restart: true }` or `rollout: { deployment: ns/name, image: { container, image } }`.
 *
 * @example
 * ```ts
 * new RolloutCommand(app, 2).toString(); // 'Rollout(Deployment shop/web, image web=nginx:knsim-v2)'
 * ```
 */
export class RolloutCommand extends ClusterCommand {
  constructor(
    readonly app: App,
    readonly version: number | undefined,
    settings?: ClusterCommandSettings,
  ) {
    super(settings);
  }

  check(): boolean {
    return true;
  }

  #image(): string {
    const container = this.app.workload.spec.template.spec.containers.find(
      (c) => c.name === this.app.container,
    );
    return retag(container?.image ?? this.app.name, this.version ?? 1);
  }

  protected act(_model: ClusterModel, live: LiveCluster): void {
    const { app } = this;
    const key = `${app.namespace}/${app.name}`;
    if (this.version === undefined) {
      live.cluster.rollout(app.kind, app.namespace, app.name);
      live.record('rollout', { ...workloadRef(app), restart: true });
      return;
    }
    // The template as the scenario runner builds it for `image:`, so the file replays the same rollout.
    const state = live.cluster.state;
    const current: PodTemplateSpec | undefined =
      app.kind === 'Deployment'
        ? state.deployments.get(key)?.deployment.spec.template
        : state.statefulSets.get(key)?.statefulSet.spec.template;
    const image = this.#image();
    const template =
      current === undefined
        ? undefined
        : {
            ...current,
            spec: {
              ...current.spec,
              containers: current.spec.containers.map((c) =>
                c.name === app.container ? { ...c, image } : c,
              ),
            },
          };
    live.cluster.rollout(app.kind, app.namespace, app.name, template);
    live.record('rollout', { ...workloadRef(app), image: { container: app.container, image } });
  }

  toString(): string {
    const what = this.version === undefined ? 'restart' : `image ${this.app.container}=${this.#image()}`;
    return `Rollout(${this.app.kind} ${this.app.namespace}/${this.app.name}, ${what})`;
  }
}
