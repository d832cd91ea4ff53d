import { compileLabelSelector, parseLabelSelector } from '@knsim/api';
import type { Instant } from '@knsim/core';
import type { App } from '../arbitraries/appArb.js';
import type { LiveCluster } from './LiveCluster.js';

/** What a node's kubelet is doing, as the model believes. */
export type ModelNodeState = 'running' | 'crashed' | 'partitioned';

/** One node in the {@link ClusterModel}. */
export interface ModelNode {
  state: ModelNodeState;
  /** When the node last went down (crashed or partitioned); undefined while it never did. */
  downSince: Instant | undefined;
  cordoned: boolean;
}

/** One Deployment or StatefulSet in the {@link ClusterModel}: the app and its desired replicas. */
export interface ModelWorkload {
  readonly app: App;
  replicas: number;
}

/** A readiness fault started by a command and not restored yet. */
export interface ModelReadinessFault {
  /** The model's own number for the fault (the live cluster maps it to the cluster's fault id). */
  readonly seq: number;
  readonly namespace: string;
  /** kubectl's selector string (the app's workload selector). */
  readonly selector: string;
}

/**
 * The model the commands of {@link clusterCommandsArb} keep next to the live cluster: desired
 * replicas per workload, node states, outstanding readiness faults. Small on purpose: enough for
 * the commands' preconditions and for the assertions of {@link modelViolations}, nothing the
 * simulation decides by itself (pod names, placement, IPs).
 *
 * @example
 * ```ts
 * const model = createClusterModel(appsFromManifests(manifests), ['node-1', 'node-2']);
 * model.workloads.get('Deployment/shop/web')?.replicas; // 3
 * ```
 */
export interface ClusterModel {
  /** By {@link workloadKey}. */
  readonly workloads: Map<string, ModelWorkload>;
  readonly nodes: Map<string, ModelNode>;
  readonly faults: ModelReadinessFault[];
  /** The next {@link ModelReadinessFault.seq}. */
  nextFault: number;
}

/**
 * The key of an app in {@link ClusterModel.workloads}: `Kind/namespace/name`.
 *
 * @example
 * ```ts
 * workloadKey(app); // 'Deployment/shop/web'
 * ```
 */
export function workloadKey(app: Pick<App, 'kind' | 'namespace' | 'name'>): string {
  return `${app.kind}/${app.namespace}/${app.name}`;
}

/**
 * The model of a freshly started cluster: every app at its manifest's replicas, every node
 * running, schedulable unless the live cluster has it cordoned (a Node manifest's
 * `unschedulable`), no fault.
 *
 * @example
 * ```ts
 * const model = createClusterModel(appsFromManifests(manifests), live); // or ['node-1', 'node-2', 'node-3']
 * ```
 */
export function createClusterModel(
  apps: readonly App[],
  nodes: readonly string[] | LiveCluster,
): ClusterModel {
  const entries = Array.isArray(nodes)
    ? (nodes as readonly string[]).map((name) => ({ name, cordoned: false }))
    : [...(nodes as LiveCluster).cluster.state.nodes.sortedEntries()].map(([name, node]) => ({
        name,
        cordoned: node.unschedulable,
      }));
  return {
    workloads: new Map(apps.map((app) => [workloadKey(app), { app, replicas: app.replicas }])),
    nodes: new Map(
      entries.map(({ name, cordoned }) => [
        name,
        { state: 'running' as const, downSince: undefined, cordoned },
      ]),
    ),
    faults: [],
    nextFault: 1,
  };
}

/**
 * The outstanding readiness faults whose selector picks the app's pods (a fault started on
 * another app with an overlapping selector counts too).
 *
 * @example
 * ```ts
 * faultsOn(model, app).length > 0; // the app's pods are failing their readiness probes
 * ```
 */
export function faultsOn(model: Readonly<ClusterModel>, app: App): ModelReadinessFault[] {
  return model.faults.filter(
    (fault) =>
      fault.namespace === app.namespace &&
      compileLabelSelector(parseLabelSelector(fault.selector))(app.podLabels),
  );
}

/**
 * Whether a pod's labels put it in the app (the workload's selector, in its namespace).
 *
 * @example
 * ```ts
 * podOfApp(app, { namespace: 'shop', labels: { app: 'web' } }); // true
 * ```
 */
export function podOfApp(
  app: App,
  pod: { readonly namespace: string; readonly labels: Readonly<Record<string, string>> },
): boolean {
  return pod.namespace === app.namespace && compileLabelSelector(app.workload.spec.selector)(pod.labels);
}
