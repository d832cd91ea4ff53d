import { formatDuration, maxDuration, SECOND, type Duration } from '@knsim/core';
import type { ClusterConfig } from '@knsim/control-plane';
import { faultsOn, podOfApp, type ClusterModel, type ModelWorkload } from './ClusterModel.js';
import type { LiveCluster } from './LiveCluster.js';
import { readyEndpoints } from './readyEndpoints.js';

/**
 * When model assertions run: after every command (`step`, the assertions true at any instant),
 * or after `ConvergeCommand` let the control plane go quiet and the data plane settle
 * (`converged`, the steady-state assertions too).
 */
export type ModelCheckPhase = 'step' | 'converged';

/**
 * How long after a node's kubelet stops its ready endpoints are gone from the EndpointSlices:
 * the node lifecycle controller marks the node Unknown, and its pods not ready, at the first
 * monitor tick after its last lease renewal + `nodeMonitorGracePeriod` (so at most
 * `nodeMonitorGracePeriod + nodeMonitorPeriod` after the stop), then the EndpointSlice
 * controller syncs (at most `max(controllerSync)`, plus 1 s of slack for its queue).
 *
 * @example
 * ```ts
 * nodeDownDetectionBound(live.cluster.config); // 50s + 5s + 20ms + 1s with the defaults
 * ```
 */
export function nodeDownDetectionBound(config: ClusterConfig): Duration {
  const sync = maxDuration(config.timings.controllerSync);
  return (
    config.timings.nodeMonitorGracePeriod +
    config.timings.nodeMonitorPeriod +
    (Number.isFinite(sync) ? sync : 0) +
    SECOND
  );
}

function specReplicas(live: LiveCluster, workload: ModelWorkload): number | undefined {
  const { app } = workload;
  const key = `${app.namespace}/${app.name}`;
  const state = live.cluster.state;
  return app.kind === 'Deployment'
    ? state.deployments.get(key)?.deployment.spec.replicas
    : state.statefulSets.get(key)?.statefulSet.spec.replicas;
}

/**
 * The model's assertions on the live cluster; returns one message per mismatch. Each one is
 * chosen to be robustly true of Kubernetes (and so of knsim), not merely usually true:
 *
 * Always (`step` and `converged`):
 * - **bookkeeping**: each workload's `spec.replicas`, each node's kubelet state and cordon, and
 *   the number of readiness faults in the state are what the model says (the commands did what
 *   they claim);
 * - **down nodes leave the endpoints**: a node the model has had down (crashed or partitioned)
 *   for at least {@link nodeDownDetectionBound} has no ready endpoint in any EndpointSlice.
 *
 * After convergence (`converged`: the control plane was quiet, then the data plane settled):
 * - a workload whose pods a readiness fault targets has **no** ready pod and no ready endpoint;
 * - otherwise, each Service selecting it lists exactly `replicas` ready endpoints of its pods,
 *   and it has `replicas` ready pods, when placement is certain: every node running and at least
 *   one node schedulable; or, for a Deployment whose template declares no tolerations, with down
 *   nodes too, as long as a running node is schedulable (its pods on the down nodes are evicted
 *   after the default 300 s toleration and replaced; convergence waits for that).
 *
 * Deliberately not asserted: anything mid-rollout or mid-restart (pod counts move through
 * maxSurge/maxUnavailable and crash back-offs), StatefulSets with a node down (a pod stuck
 * Terminating on it keeps its name, so it is not replaced), which node a pod lands on, pod
 * names and IPs, and the eviction time itself (rate limited per zone). Services with
 * `publishNotReadyAddresses` are skipped (their endpoints are ready whatever the pods say).
 *
 * @example
 * ```ts
 * const problems = modelViolations(model, live, 'converged');
 * if (problems.length > 0) throw new Error(problems.join('\n'));
 * ```
 */
export function modelViolations(
  model: Readonly<ClusterModel>,
  live: LiveCluster,
  phase: ModelCheckPhase,
): string[] {
  const problems: string[] = [];
  const state = live.cluster.state;
  const now = live.now;
  const at = formatDuration(now);

  for (const workload of model.workloads.values()) {
    const { app } = workload;
    const replicas = specReplicas(live, workload);
    if (replicas !== workload.replicas)
      problems.push(
        `${app.kind} ${app.namespace}/${app.name} has spec.replicas ${replicas ?? '(gone)'}, the model says ${workload.replicas}`,
      );
  }
  for (const [name, node] of model.nodes) {
    const record = state.nodes.get(name);
    if (record === undefined) {
      problems.push(`node ${name} is gone from the state`);
      continue;
    }
    if (record.kubelet !== node.state)
      problems.push(`node ${name}'s kubelet is ${record.kubelet}, the model says ${node.state}`);
    if (record.unschedulable !== node.cordoned)
      problems.push(
        `node ${name} is ${record.unschedulable ? '' : 'not '}cordoned, the model says ${node.cordoned ? '' : 'not '}cordoned`,
      );
  }
  if (state.readinessFaults.length !== model.faults.length)
    problems.push(
      `the state has ${state.readinessFaults.length} readiness fault(s), the model ${model.faults.length}`,
    );

  // Down nodes leave the endpoints.
  const bound = nodeDownDetectionBound(live.cluster.config);
  const longDown = [...model.nodes].filter(
    ([, node]) => node.state !== 'running' && node.downSince !== undefined && now - node.downSince >= bound,
  );
  if (longDown.length > 0) {
    const down = new Set(longDown.map(([name]) => name));
    for (const [service] of state.services.sortedEntries())
      for (const endpoint of readyEndpoints(live, service))
        if (endpoint.node !== undefined && down.has(endpoint.node)) {
          const since = model.nodes.get(endpoint.node)?.downSince ?? 0;
          problems.push(
            `at ${at}, ${service} still lists ready endpoint ${endpoint.address}${endpoint.pod === undefined ? '' : ` (${endpoint.pod})`} on node ${endpoint.node}, ` +
              `down since ${formatDuration(since)} (${formatDuration(now - since)} > ${formatDuration(bound)})`,
          );
        }
  }

  if (phase !== 'converged') return problems;

  const nodes = [...model.nodes.values()];
  const allRunning = nodes.every((node) => node.state === 'running');
  const schedulable = nodes.some((node) => node.state === 'running' && !node.cordoned);
  for (const workload of model.workloads.values()) {
    const { app } = workload;
    const faulted = faultsOn(model, app).length > 0;
    const certain =
      faulted ||
      (schedulable &&
        (allRunning ||
          (app.kind === 'Deployment' && (app.workload.spec.template.spec.tolerations ?? []).length === 0)));
    if (!certain) continue;
    const expected = faulted ? 0 : workload.replicas;
    const why = faulted ? ' (a readiness fault targets its pods)' : '';
    const readyPods = [...state.pods.values()].filter(
      (pod) => pod.ready && pod.deletionRequestedAt === undefined && podOfApp(app, pod),
    );
    if (readyPods.length !== expected)
      problems.push(
        `at ${at}, after convergence, ${app.kind} ${app.namespace}/${app.name} has ${readyPods.length} ready pod(s), the model expects ${expected}${why}` +
          (readyPods.length === 0 ? '' : `: ${readyPods.map((pod) => pod.key).join(', ')}`),
      );
    for (const service of app.services) {
      if (service.spec.publishNotReadyAddresses === true) continue;
      const key = `${service.metadata.namespace ?? 'default'}/${service.metadata.name ?? ''}`;
      const mine = readyEndpoints(live, key).filter((endpoint) => {
        const pod = endpoint.pod === undefined ? undefined : state.pods.get(endpoint.pod);
        return pod !== undefined && podOfApp(app, pod);
      });
      if (mine.length !== expected)
        problems.push(
          `at ${at}, after convergence, Service ${key} lists ${mine.length} ready endpoint(s) of ${app.namespace}/${app.name}, the model expects ${expected}${why}` +
            (mine.length === 0 ? '' : `: ${mine.map((e) => `${e.address} (${e.pod ?? '?'})`).join(', ')}`),
        );
    }
  }
  return problems;
}
