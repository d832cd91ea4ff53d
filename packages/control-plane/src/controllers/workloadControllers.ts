import { EMPTY, from, map, merge, mergeMap, type Observable, of, Subject } from 'rxjs';
import type { PodTemplateSpec, Toleration } from '@knsim/api';
import { compileLabelMap } from '@knsim/api';
import { SECOND, type Instant } from '@knsim/core';
import type { ControllerContext } from '../runtime/ControllerContext.js';
import { controllerQueue } from './workers.js';
import type { ClusterEvent } from '../state/ClusterEvent.js';
import { objectKey, type ClusterState, type PodOwner, type PodRecord } from '../state/ClusterState.js';
import { firstUntoleratedTaint } from '../scheduler/tolerations.js';
import {
  controllerPodName,
  jobPodName,
  podTemplateHash,
  replicaSetName,
  statefulSetPodName,
} from '../workloads/names.js';
import { planReplicaSetStep, type ReplicaSetPod } from '../workloads/replicaSetStep.js';
import {
  planRecreateStep,
  planRollingUpdateStep,
  type RecreateReplicaSetView,
} from '../workloads/rollingUpdate.js';
import { planStatefulSetStep, type StatefulSetPod } from '../workloads/statefulSetStep.js';
import { newPodRecord } from './applyObjects.js';

const POD_EVENTS = [
  'PodCreated',
  'PodReadinessChanged',
  'PodDeletionRequested',
  'PodDeleted',
  'PodCompleted',
  'PodContainersExited',
  'PodContainersStarted',
] as const;

/** Tolerations the DaemonSet controller gives its pods, so they stay on failing nodes. */
const DAEMON_SET_TOLERATIONS: readonly Toleration[] = [
  { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute' },
  { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute' },
  { key: 'node.kubernetes.io/disk-pressure', operator: 'Exists', effect: 'NoSchedule' },
  { key: 'node.kubernetes.io/memory-pressure', operator: 'Exists', effect: 'NoSchedule' },
  { key: 'node.kubernetes.io/pid-pressure', operator: 'Exists', effect: 'NoSchedule' },
  { key: 'node.kubernetes.io/unschedulable', operator: 'Exists', effect: 'NoSchedule' },
];

function ownedPods(
  context: ControllerContext,
  state: ClusterState,
  kind: PodOwner['kind'],
  key: string,
): PodRecord[] {
  const pods: PodRecord[] = [];
  for (const podKey of context.index.podsOwnedBy(kind, key)) {
    const pod = state.pods.get(podKey);
    if (pod !== undefined) pods.push(pod);
  }
  // Index sets keep creation order, which is deterministic; no sort needed.
  return pods;
}

function replicaSetPod(pod: PodRecord): ReplicaSetPod & { key: string } {
  return {
    key: pod.key,
    name: pod.name,
    uid: pod.uid,
    nodeName: pod.nodeName,
    phase: pod.phase,
    ready: pod.ready,
    readySince: pod.readySince,
    annotations: pod.annotations,
    restarts: pod.restarts,
    createdAt: pod.createdAt,
    terminating: pod.deletionRequestedAt !== undefined,
  };
}

function deletePod(pod: PodRecord, reason: string): ClusterEvent {
  return {
    type: 'PodDeletionRequested',
    pod: pod.key,
    gracePeriodSeconds: pod.spec.terminationGracePeriodSeconds ?? 30,
    reason,
  };
}

/** Deletes the pods of a controller that is gone (the garbage collector's cascade). */
function collectOrphans(pods: readonly PodRecord[]): ClusterEvent[] {
  return pods
    .filter((pod) => pod.deletionRequestedAt === undefined)
    .map((pod) => deletePod(pod, 'OwnerDeleted'));
}

function createPod(
  context: ControllerContext,
  namespace: string,
  name: string,
  template: PodTemplateSpec,
  owner: PodOwner,
  extra: {
    labels?: Record<string, string>;
    revision?: string;
    ordinal?: number;
    hostname?: string;
    subdomain?: string;
    tolerations?: readonly Toleration[];
  } = {},
): ClusterEvent {
  const spec = {
    ...template.spec,
    ...(extra.hostname === undefined ? {} : { hostname: extra.hostname }),
    ...(extra.subdomain === undefined ? {} : { subdomain: extra.subdomain }),
    ...(extra.tolerations === undefined
      ? {}
      : { tolerations: [...(template.spec.tolerations ?? []), ...extra.tolerations] }),
  };
  return {
    type: 'PodCreated',
    pod: newPodRecord(context, {
      namespace,
      name,
      uid: undefined,
      labels: { ...(template.metadata?.labels ?? {}), ...(extra.labels ?? {}) },
      annotations: { ...(template.metadata?.annotations ?? {}) },
      owner,
      spec,
      revision: extra.revision,
      ordinal: extra.ordinal,
    }),
  };
}

/**
 * The Deployment, ReplicaSet, StatefulSet, DaemonSet and Job controllers. Each has a work queue
 * keyed by object; pod events are routed to their owner. The decisions themselves are the pure
 * planning functions of `../workloads/`, which follow the real controllers step by step.
 */
export function workloadControllers(context: ControllerContext): Observable<ClusterEvent> {
  return merge(
    deploymentController(context),
    replicaSetController(context),
    statefulSetController(context),
    daemonSetController(context),
    jobController(context),
  );
}

/** The `namespace/name` of the `kind` controller owning the pod an event is about, if any. */
function ownerKeyOf(
  context: ControllerContext,
  event: ClusterEvent,
  kind: PodOwner['kind'],
): string | undefined {
  let podKey: string;
  let owner: PodOwner | undefined;
  if (event.type === 'PodCreated') {
    podKey = event.pod.key;
    owner = event.pod.owner;
  } else if (event.type === 'PodDeleted') {
    // The pod is gone from the state by now; the event names its owner.
    podKey = event.pod;
    owner = event.owner;
  } else if ('pod' in event && typeof event.pod === 'string') {
    podKey = event.pod;
    owner = context.state().pods.get(podKey)?.owner;
  } else {
    return undefined;
  }
  if (owner?.kind !== kind) return undefined;
  return objectKey(podKey.slice(0, podKey.indexOf('/')), owner.name);
}

export function deploymentController(context: ControllerContext): Observable<ClusterEvent> {
  const requeue = new Subject<string>();
  // Templates are immutable values: hash each once.
  const hashes = new WeakMap<PodTemplateSpec, string>();
  const hashOf = (template: PodTemplateSpec): string => {
    let hash = hashes.get(template);
    if (hash === undefined) hashes.set(template, (hash = podTemplateHash(template)));
    return hash;
  };
  const reconcile = (key: string): Observable<ClusterEvent> => {
    const state = context.state();
    const record = state.deployments.get(key);
    const replicaSets = [...context.index.replicaSetsOfDeployment(key)]
      .map((rsKey) => state.replicaSets.get(rsKey))
      .filter((rs) => rs !== undefined);
    if (record === undefined)
      return from(replicaSets.map((rs): ClusterEvent => ({ type: 'ReplicaSetDeleted', key: rs.key })));
    const deployment = record.deployment;
    const namespace = deployment.metadata.namespace ?? 'default';
    const name = deployment.metadata.name ?? '';
    const replicas = deployment.spec.replicas ?? 1;
    const minReadySeconds = deployment.spec.minReadySeconds ?? 0;
    const hash = hashOf(deployment.spec.template);
    let nextAvailability: Instant | undefined;
    const views = replicaSets.map((rs) => {
      // Counted in place (this runs on every pod change of the Deployment).
      let active = 0;
      let available = 0;
      let unfinishedPods = 0;
      for (const podKey of context.index.podsOwnedBy('ReplicaSet', rs.key)) {
        const pod = state.pods.get(podKey);
        if (pod === undefined) continue;
        const finished = pod.phase === 'Succeeded' || pod.phase === 'Failed';
        if (!finished) unfinishedPods++;
        if (finished || pod.deletionRequestedAt !== undefined) continue;
        active++;
        if (!pod.ready) continue;
        const availableAt = pod.readySince + minReadySeconds * SECOND;
        if (minReadySeconds === 0 || availableAt < context.now) available++;
        else nextAvailability = Math.min(nextAvailability ?? availableAt + 1, availableAt + 1);
      }
      const view: RecreateReplicaSetView & { hash: string | undefined; key: string } = {
        key: rs.key,
        name: rs.replicaSet.metadata.name ?? '',
        createdAt: rs.createdAt,
        specReplicas: rs.replicaSet.spec.replicas ?? 1,
        replicas: active,
        availableReplicas: available,
        unfinishedPods,
        hash: rs.templateHash,
      };
      return view;
    });
    const newView = views.find((v) => v.hash === hash);
    const oldViews = views.filter((v) => v !== newView);
    const strategy = deployment.spec.strategy;
    const step =
      strategy?.type === 'Recreate'
        ? planRecreateStep({ replicas }, newView, oldViews)
        : planRollingUpdateStep(
            {
              replicas,
              maxSurge: strategy?.rollingUpdate?.maxSurge ?? '25%',
              maxUnavailable: strategy?.rollingUpdate?.maxUnavailable ?? '25%',
            },
            newView,
            oldViews,
          );
    const events: ClusterEvent[] = [];
    if (step.create !== undefined) {
      const rsName = replicaSetName(name, hash);
      const labels = { ...(deployment.spec.template.metadata?.labels ?? {}), 'pod-template-hash': hash };
      events.push({
        type: 'ReplicaSetCreated',
        uid: context.uid(),
        deployment: name,
        templateHash: hash,
        replicaSet: {
          apiVersion: 'apps/v1',
          kind: 'ReplicaSet',
          metadata: {
            name: rsName,
            namespace,
            labels,
            ownerReferences: [
              { apiVersion: 'apps/v1', kind: 'Deployment', name, uid: record.uid, controller: true },
            ],
          },
          spec: {
            replicas: step.create.replicas,
            selector: {
              ...deployment.spec.selector,
              matchLabels: { ...(deployment.spec.selector.matchLabels ?? {}), 'pod-template-hash': hash },
            },
            template: {
              ...deployment.spec.template,
              metadata: { ...deployment.spec.template.metadata, labels },
            },
            ...(minReadySeconds > 0 ? { minReadySeconds } : {}),
          },
        },
      });
    }
    const finalScale = new Map<string, number>();
    for (const decision of step.scale) finalScale.set(decision.replicaSet, decision.replicas);
    for (const [rsName, replicasWanted] of finalScale) {
      const view = views.find((v) => v.name === rsName);
      if (view !== undefined && view.specReplicas !== replicasWanted)
        events.push({ type: 'ReplicaSetScaled', key: view.key, replicas: replicasWanted });
    }
    if (step.complete) {
      // Old ReplicaSets at zero beyond revisionHistoryLimit are deleted, oldest first.
      const limit = deployment.spec.revisionHistoryLimit ?? 10;
      const idle = oldViews
        .filter((v) => v.specReplicas === 0 && v.unfinishedPods === 0)
        .sort((a, b) => a.createdAt - b.createdAt || (a.name < b.name ? -1 : 1));
      for (const view of idle.slice(0, Math.max(0, idle.length - limit)))
        events.push({ type: 'ReplicaSetDeleted', key: view.key });
    }
    // Pods become available minReadySeconds after turning ready: look again then.
    if (nextAvailability !== undefined)
      context.later(nextAvailability - context.now, () => (requeue.next(key), undefined));
    return from(events);
  };
  const keys = merge(
    requeue,
    context
      .on('DeploymentApplied')
      .pipe(map((e) => objectKey(e.deployment.metadata.namespace, e.deployment.metadata.name ?? ''))),
    context.on('DeploymentDeleted').pipe(map((e) => e.key)),
    context.on('ReplicaSetCreated', 'ReplicaSetScaled', 'ReplicaSetDeleted').pipe(
      mergeMap((e) => {
        const rsKey =
          e.type === 'ReplicaSetCreated'
            ? objectKey(e.replicaSet.metadata.namespace, e.replicaSet.metadata.name ?? '')
            : e.key;
        const deployment = context.index.deploymentOfReplicaSet(rsKey);
        return deployment === undefined ? [] : [deployment];
      }),
    ),
    // ReplicaSet status changes: pods counted, ready or gone.
    context
      .on(
        'PodCreated',
        'PodReadinessChanged',
        'PodDeletionRequested',
        'PodDeleted',
        'PodCompleted',
        'PodContainersExited',
      )
      .pipe(
        mergeMap((e) => {
          const rsKey = ownerKeyOf(context, e, 'ReplicaSet');
          const deployment = rsKey === undefined ? undefined : context.index.deploymentOfReplicaSet(rsKey);
          return deployment === undefined ? [] : [deployment];
        }),
      ),
  );
  return keys.pipe(controllerQueue(context, 'deployment', 'deployment'), mergeMap(reconcile));
}

export function replicaSetController(context: ControllerContext): Observable<ClusterEvent> {
  const names = context.rng('names/replicaset-pods');
  const reconcile = (key: string): Observable<ClusterEvent> => {
    const state = context.state();
    const record = state.replicaSets.get(key);
    const pods = ownedPods(context, state, 'ReplicaSet', key);
    if (record === undefined) return from(collectOrphans(pods));
    const rs = record.replicaSet;
    const namespace = rs.metadata.namespace ?? 'default';
    const name = rs.metadata.name ?? '';
    // Pods of the sibling ReplicaSets of the same Deployment count for the node-spreading rank.
    const related: { nodeName?: string | undefined; phase?: PodRecord['phase']; terminating: boolean }[] = [];
    const siblings =
      record.deployment === undefined
        ? [key]
        : [...context.index.replicaSetsOfDeployment(objectKey(namespace, record.deployment))];
    for (const sibling of siblings) {
      for (const pod of ownedPods(context, state, 'ReplicaSet', sibling))
        related.push({
          nodeName: pod.nodeName,
          phase: pod.phase,
          terminating: pod.deletionRequestedAt !== undefined,
        });
    }
    const step = planReplicaSetStep(rs.spec.replicas ?? 1, pods.map(replicaSetPod), context.now, related);
    const events: ClusterEvent[] = [];
    for (let i = 0; i < step.create; i++) {
      let podName = controllerPodName(name, names);
      while (state.pods.has(objectKey(namespace, podName))) podName = controllerPodName(name, names);
      events.push(
        createPod(
          context,
          namespace,
          podName,
          rs.spec.template,
          { kind: 'ReplicaSet', name },
          record.templateHash === undefined ? {} : { revision: record.templateHash },
        ),
      );
    }
    for (const doomed of step.delete) {
      const pod = state.pods.get(doomed.key);
      if (pod !== undefined) events.push(deletePod(pod, 'ScaledDown'));
    }
    return from(events);
  };
  const keys = merge(
    context
      .on('ReplicaSetCreated')
      .pipe(map((e) => objectKey(e.replicaSet.metadata.namespace, e.replicaSet.metadata.name ?? ''))),
    context.on('ReplicaSetScaled', 'ReplicaSetDeleted').pipe(map((e) => e.key)),
    context.on('PodDeletionRequested', 'PodDeleted', 'PodCompleted').pipe(
      mergeMap((e) => {
        const owner = ownerKeyOf(context, e, 'ReplicaSet');
        return owner === undefined ? [] : [owner];
      }),
    ),
  );
  return keys.pipe(controllerQueue(context, 'replicaSet', 'replicaset'), mergeMap(reconcile));
}

export function statefulSetController(context: ControllerContext): Observable<ClusterEvent> {
  const reconcile = (key: string): Observable<ClusterEvent> => {
    const state = context.state();
    const record = state.statefulSets.get(key);
    const pods = ownedPods(context, state, 'StatefulSet', key);
    if (record === undefined) return from(collectOrphans(pods));
    const set = record.statefulSet;
    const namespace = set.metadata.namespace ?? 'default';
    const name = set.metadata.name ?? '';
    const byOrdinal = new Map<number, StatefulSetPod>();
    const recordByOrdinal = new Map<number, PodRecord>();
    for (const pod of pods) {
      if (pod.ordinal === undefined) continue;
      recordByOrdinal.set(pod.ordinal, pod);
      byOrdinal.set(pod.ordinal, {
        phase: pod.phase,
        ready: pod.ready,
        readySince: pod.readySince,
        terminating: pod.deletionRequestedAt !== undefined,
        revision: pod.revision,
      });
    }
    const currentRevision =
      pods.find((p) => p.revision !== record.revision && p.deletionRequestedAt === undefined)?.revision ??
      record.revision;
    const step = planStatefulSetStep(
      {
        replicas: set.spec.replicas ?? 1,
        startOrdinal: set.spec.ordinals?.start ?? 0,
        podManagementPolicy: set.spec.podManagementPolicy ?? 'OrderedReady',
        updateStrategy: set.spec.updateStrategy?.type ?? 'RollingUpdate',
        partition: set.spec.updateStrategy?.rollingUpdate?.partition ?? 0,
        minReadySeconds: set.spec.minReadySeconds ?? 0,
        currentRevision,
        updateRevision: record.revision,
      },
      byOrdinal,
      context.now,
    );
    const events: ClusterEvent[] = [];
    for (const action of step.actions) {
      if (action.kind === 'create') {
        const podName = statefulSetPodName(name, action.ordinal);
        if (state.pods.has(objectKey(namespace, podName))) continue;
        events.push(
          createPod(
            context,
            namespace,
            podName,
            set.spec.template,
            { kind: 'StatefulSet', name },
            {
              labels: {
                'statefulset.kubernetes.io/pod-name': podName,
                'apps.kubernetes.io/pod-index': String(action.ordinal),
                'controller-revision-hash': action.revision,
              },
              revision: action.revision,
              ordinal: action.ordinal,
              hostname: podName,
              ...(set.spec.serviceName === undefined ? {} : { subdomain: set.spec.serviceName }),
            },
          ),
        );
      } else {
        const pod = recordByOrdinal.get(action.ordinal);
        if (pod !== undefined && pod.deletionRequestedAt === undefined)
          events.push(deletePod(pod, action.reason === 'scale-down' ? 'ScaledDown' : 'Replaced'));
      }
    }
    return from(events);
  };
  const keys = merge(
    context
      .on('StatefulSetApplied')
      .pipe(map((e) => objectKey(e.statefulSet.metadata.namespace, e.statefulSet.metadata.name ?? ''))),
    context.on('StatefulSetDeleted').pipe(map((e) => e.key)),
    context.on(...POD_EVENTS).pipe(
      mergeMap((e) => {
        const owner = ownerKeyOf(context, e, 'StatefulSet');
        return owner === undefined ? [] : [owner];
      }),
    ),
  );
  return keys.pipe(controllerQueue(context, 'statefulSet', 'statefulset'), mergeMap(reconcile));
}

export function daemonSetController(context: ControllerContext): Observable<ClusterEvent> {
  const names = context.rng('names/daemonset-pods');
  const reconcile = (key: string): Observable<ClusterEvent> => {
    const state = context.state();
    const record = state.daemonSets.get(key);
    const pods = ownedPods(context, state, 'DaemonSet', key);
    if (record === undefined) return from(collectOrphans(pods));
    const ds = record.daemonSet;
    const namespace = ds.metadata.namespace ?? 'default';
    const name = ds.metadata.name ?? '';
    const tolerations = [...(ds.spec.template.spec.tolerations ?? []), ...DAEMON_SET_TOLERATIONS];
    const selector = compileLabelMap(ds.spec.template.spec.nodeSelector);
    const podsByNode = new Map<string, PodRecord[]>();
    for (const pod of pods) {
      if (pod.nodeName === undefined || pod.phase === 'Succeeded' || pod.phase === 'Failed') continue;
      const list = podsByNode.get(pod.nodeName) ?? [];
      list.push(pod);
      podsByNode.set(pod.nodeName, list);
    }
    const events: ClusterEvent[] = [];
    let unavailable = pods.filter((p) => !p.ready && p.deletionRequestedAt === undefined).length;
    for (const [nodeName, node] of state.nodes.sortedEntries()) {
      const here = (podsByNode.get(nodeName) ?? []).filter((p) => p.deletionRequestedAt === undefined);
      const fits =
        selector(node.labels) &&
        firstUntoleratedTaint(node.taints, tolerations, ['NoSchedule', 'NoExecute']) === undefined;
      const mayStay =
        selector(node.labels) && firstUntoleratedTaint(node.taints, tolerations, ['NoExecute']) === undefined;
      if (
        here.length === 0 &&
        fits &&
        !(podsByNode.get(nodeName) ?? []).some((p) => p.deletionRequestedAt !== undefined)
      ) {
        const podName = controllerPodName(name, names);
        events.push(
          createPod(
            context,
            namespace,
            podName,
            ds.spec.template,
            { kind: 'DaemonSet', name },
            {
              revision: record.revision,
              labels: { 'controller-revision-hash': record.revision },
              tolerations: DAEMON_SET_TOLERATIONS,
            },
          ),
        );
        events.push({ type: 'PodScheduled', pod: objectKey(namespace, podName), node: nodeName });
        continue;
      }
      if (!mayStay) {
        for (const pod of here) events.push(deletePod(pod, 'NodeNoLongerEligible'));
        continue;
      }
      for (const extra of here.slice(1)) events.push(deletePod(extra, 'Duplicate'));
      // Rolling update with maxUnavailable 1: replace one old pod at a time.
      const current = here[0];
      if (
        current !== undefined &&
        current.revision !== record.revision &&
        ds.spec.updateStrategy?.type !== 'OnDelete' &&
        unavailable === 0
      ) {
        events.push(deletePod(current, 'Replaced'));
        unavailable++;
      }
    }
    return from(events);
  };
  const allDaemonSets = (): string[] => [...context.state().daemonSets.keys()];
  const keys = merge(
    context
      .on('DaemonSetApplied')
      .pipe(map((e) => objectKey(e.daemonSet.metadata.namespace, e.daemonSet.metadata.name ?? ''))),
    context.on('DaemonSetDeleted').pipe(map((e) => e.key)),
    context
      .on(
        'NodeRegistered',
        'NodeDeleted',
        'NodeTainted',
        'NodeUntainted',
        'NodePodCIDRAssigned',
        'NodeLabelsChanged',
      )
      .pipe(mergeMap(allDaemonSets)),
    context.on(...POD_EVENTS).pipe(
      mergeMap((e) => {
        const owner = ownerKeyOf(context, e, 'DaemonSet');
        return owner === undefined ? [] : [owner];
      }),
    ),
  );
  return keys.pipe(controllerQueue(context, 'daemonSet', 'daemonset'), mergeMap(reconcile));
}

export function jobController(context: ControllerContext): Observable<ClusterEvent> {
  const names = context.rng('names/job-pods');
  const reconcile = (key: string): Observable<ClusterEvent> => {
    const state = context.state();
    const record = state.jobs.get(key);
    const pods = ownedPods(context, state, 'Job', key);
    if (record === undefined) return from(collectOrphans(pods));
    if (record.completedAt !== undefined) return EMPTY;
    const job = record.job;
    const namespace = job.metadata.namespace ?? 'default';
    const name = job.metadata.name ?? '';
    const completions = job.spec.completions;
    const parallelism = job.spec.parallelism ?? 1;
    const succeeded = pods.filter((p) => p.phase === 'Succeeded').length;
    const failed = pods.filter((p) => p.phase === 'Failed').length;
    const active = pods.filter(
      (p) => p.phase !== 'Succeeded' && p.phase !== 'Failed' && p.deletionRequestedAt === undefined,
    ).length;
    if (
      (completions === undefined && succeeded > 0 && active === 0) ||
      (completions !== undefined && succeeded >= completions)
    ) {
      return of<ClusterEvent>({ type: 'JobCompleted', key });
    }
    if (failed > (job.spec.backoffLimit ?? 6)) return EMPTY;
    const wanted =
      completions === undefined
        ? succeeded > 0
          ? 0
          : parallelism
        : Math.min(completions - succeeded, parallelism);
    const events: ClusterEvent[] = [];
    for (let i = active; i < wanted; i++) {
      const podName = jobPodName(name, undefined, names);
      events.push(
        createPod(
          context,
          namespace,
          podName,
          job.spec.template,
          { kind: 'Job', name },
          { labels: { 'batch.kubernetes.io/job-name': name, 'job-name': name } },
        ),
      );
    }
    return from(events);
  };
  const keys = merge(
    context.on('JobApplied').pipe(map((e) => objectKey(e.job.metadata.namespace, e.job.metadata.name ?? ''))),
    context.on('JobDeleted').pipe(map((e) => e.key)),
    context.on('PodCompleted', 'PodDeleted', 'PodDeletionRequested').pipe(
      mergeMap((e) => {
        const owner = ownerKeyOf(context, e, 'Job');
        return owner === undefined ? [] : [owner];
      }),
    ),
  );
  return keys.pipe(controllerQueue(context, 'job', 'job'), mergeMap(reconcile));
}
