import {
  compileLabelMap,
  formatLabelSelector,
  type Deployment,
  type KubeObject,
  type Service,
  type StatefulSet,
} from '@knsim/api';
import type { App } from './appArb.js';
import type { PortSpec } from './containerPortsArb.js';

/**
 * Your own manifests as {@link App}s, so {@link churnTimelineArb} can churn them: every
 * Deployment and StatefulSet, with the Services (in its namespace) whose selector picks its pods.
 * The first container is the one image rollouts change.
 *
 * @example
 * ```ts
 * const objects = (await loadManifests(['k8s/'])).objects;
 * const timeline = churnTimelineArb({ nodes: ['node-1', 'node-2'], apps: appsFromManifests(objects) }, { duration: '2m' });
 * ```
 */
export function appsFromManifests(objects: readonly KubeObject[]): App[] {
  const services = objects.filter((object): object is Service => object.kind === 'Service');
  const apps: App[] = [];
  for (const object of objects) {
    if (object.kind !== 'Deployment' && object.kind !== 'StatefulSet') continue;
    const workload = object as Deployment | StatefulSet;
    const namespace = workload.metadata.namespace ?? 'default';
    const name = workload.metadata.name ?? '';
    const podLabels = workload.spec.template.metadata?.labels ?? {};
    const container = workload.spec.template.spec.containers[0];
    const ports: PortSpec[] = (container?.ports ?? []).map((port) => ({
      name: port.name ?? `port-${port.containerPort}`,
      containerPort: port.containerPort,
      protocol: port.protocol ?? 'TCP',
      servicePort: port.containerPort,
    }));
    const selecting = services.filter(
      (service) =>
        (service.metadata.namespace ?? 'default') === namespace &&
        service.spec.selector !== undefined &&
        Object.keys(service.spec.selector).length > 0 &&
        compileLabelMap(service.spec.selector)(podLabels),
    );
    apps.push({
      namespace,
      name,
      kind: workload.kind,
      replicas: workload.spec.replicas ?? 1,
      selector: formatLabelSelector(workload.spec.selector),
      podLabels,
      container: container?.name ?? name,
      ports,
      workload,
      services: selecting,
      objects: [workload, ...selecting],
    });
  }
  return apps;
}
