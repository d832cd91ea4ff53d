import { EMPTY, from, merge, mergeMap, type Observable } from 'rxjs';
import { serviceSelectorMatcher, type EndpointSlice, type LabelMatcher, type Service } from '@knsim/api';
import type { ControllerContext } from '../runtime/ControllerContext.js';
import { controllerQueue } from './workers.js';
import type { ClusterEvent } from '../state/ClusterEvent.js';
import { objectKey, type ClusterState, type PodRecord } from '../state/ClusterState.js';
import {
  ENDPOINTSLICE_CONTROLLER_NAME,
  generateSliceName,
  MANAGED_BY_LABEL,
  reconcileEndpointSlices,
} from '../endpoints/reconcileEndpointSlices.js';
import type { PodEndpointFacts } from '../endpoints/podToEndpoint.js';
import { podObject } from './podView.js';

/**
 * The EndpointSlice controller. It keeps, per Service, the set of pods its selector matches
 * (updated when pods are created or relabelled and when Services change), and on every change
 * that can move an endpoint (IP assigned, readiness, deletion) re-runs the reconciler for the
 * Services concerned, logging only real slice changes.
 */
export function endpointSliceController(context: ControllerContext): Observable<ClusterEvent> {
  const members = new Map<string, Set<string>>(); // service -> matching pod keys
  const matchers = new Map<string, { service: Service; matcher: LabelMatcher | undefined }>();
  const podServices = new Map<string, Set<string>>(); // pod -> services whose selector matches it
  const nameStream = context.rng('endpointslice-names');

  const matcherOf = (key: string, service: Service): LabelMatcher | undefined => {
    const cached = matchers.get(key);
    if (cached?.service === service) return cached.matcher;
    const matcher = serviceSelectorMatcher(service);
    matchers.set(key, { service, matcher });
    return matcher;
  };

  const link = (service: string, pod: string): void => {
    let pods = members.get(service);
    if (pods === undefined) members.set(service, (pods = new Set()));
    pods.add(pod);
    let services = podServices.get(pod);
    if (services === undefined) podServices.set(pod, (services = new Set()));
    services.add(service);
  };
  const unlink = (service: string, pod: string): void => {
    members.get(service)?.delete(pod);
    podServices.get(pod)?.delete(service);
  };

  /** Re-matches one pod against the Services of its namespace; returns every Service concerned. */
  const rematchPod = (podKey: string): string[] => {
    const state = context.state();
    const pod = state.pods.get(podKey);
    const before = [...(podServices.get(podKey) ?? [])];
    if (pod === undefined) {
      for (const service of before) unlink(service, podKey);
      podServices.delete(podKey);
      return before;
    }
    const after: string[] = [];
    for (const serviceKey of context.index.servicesInNamespace(pod.namespace)) {
      const record = state.services.get(serviceKey);
      if (record === undefined) continue;
      if (matcherOf(serviceKey, record.service)?.(pod.labels) === true) after.push(serviceKey);
    }
    for (const service of before) if (!after.includes(service)) unlink(service, podKey);
    for (const service of after) link(service, podKey);
    return [...new Set([...before, ...after])];
  };

  /** Re-matches every pod of a Service's namespace against it. */
  const rematchService = (serviceKey: string): void => {
    const state = context.state();
    for (const pod of members.get(serviceKey) ?? []) podServices.get(pod)?.delete(serviceKey);
    members.delete(serviceKey);
    const record = state.services.get(serviceKey);
    if (record === undefined) return;
    const matcher = matcherOf(serviceKey, record.service);
    if (matcher === undefined) return;
    for (const podKey of context.index.podsInNamespace(record.service.metadata.namespace ?? 'default')) {
      const pod = state.pods.get(podKey);
      if (pod !== undefined && matcher(pod.labels)) link(serviceKey, podKey);
    }
  };

  // Pod records are immutable: the facts built for one stay valid until the pod changes, unless
  // its node comes or goes (then the cache is dropped).
  let facts = new WeakMap<PodRecord, PodEndpointFacts>();
  const factsOf = (pod: PodRecord, state: ClusterState): PodEndpointFacts => {
    let cached = facts.get(pod);
    if (cached === undefined) {
      const node = pod.nodeName === undefined ? undefined : state.nodes.get(pod.nodeName);
      const built: { -readonly [K in keyof PodEndpointFacts]: PodEndpointFacts[K] } = {
        pod: podObject(pod),
        ready: pod.ready,
        terminating: pod.deletionRequestedAt !== undefined,
        ips: pod.podIP === undefined ? [] : [pod.podIP],
        nodeExists: pod.nodeName === undefined || node !== undefined,
      };
      if (pod.nodeName !== undefined) built.nodeName = pod.nodeName;
      if (node?.zone !== undefined) built.zone = node.zone;
      cached = built;
      facts.set(pod, cached);
    }
    return cached;
  };

  const reconcile = (serviceKey: string): Observable<ClusterEvent> => {
    const state = context.state();
    const record = state.services.get(serviceKey);
    const existing: EndpointSlice[] = [];
    for (const sliceKey of context.index.slicesOfService(serviceKey)) {
      const slice = state.endpointSlices.get(sliceKey);
      if (slice?.metadata.labels?.[MANAGED_BY_LABEL] === ENDPOINTSLICE_CONTROLLER_NAME) existing.push(slice);
    }
    const namespace = serviceKey.slice(0, serviceKey.indexOf('/'));
    if (record === undefined) {
      return from(
        existing.map((slice): ClusterEvent => ({
          type: 'EndpointSliceDeleted',
          key: objectKey(namespace, slice.metadata.name ?? ''),
        })),
      );
    }
    const pods: PodEndpointFacts[] = [];
    for (const podKey of members.get(serviceKey) ?? []) {
      const pod = state.pods.get(podKey);
      if (pod !== undefined) pods.push(factsOf(pod, state));
    }
    const changes = reconcileEndpointSlices({
      service: record.service,
      pods,
      existingSlices: existing,
      newSliceName: (prefix) => {
        let name = generateSliceName(prefix, nameStream);
        while (state.endpointSlices.has(objectKey(namespace, name)))
          name = generateSliceName(prefix, nameStream);
        return name;
      },
    });
    const events: ClusterEvent[] = [
      ...changes.delete.map((name): ClusterEvent => ({
        type: 'EndpointSliceDeleted',
        key: objectKey(namespace, name),
      })),
      ...changes.update.map((slice): ClusterEvent => ({ type: 'EndpointSliceUpdated', slice })),
      ...changes.create.map((slice): ClusterEvent => ({ type: 'EndpointSliceCreated', slice })),
    ];
    return from(events);
  };

  const servicesToSync = merge(
    context
      .on('NodeRegistered', 'NodeDeleted')
      .pipe(mergeMap(() => ((facts = new WeakMap()), [] as string[]))),
    context.on('ServiceCreated', 'ServiceUpdated').pipe(
      mergeMap((event) => {
        const key = objectKey(event.service.metadata.namespace, event.service.metadata.name ?? '');
        rematchService(key);
        return [key];
      }),
    ),
    context.on('ServiceDeleted').pipe(
      mergeMap((event) => {
        rematchService(event.key);
        matchers.delete(event.key);
        return [event.key];
      }),
    ),
    // A new pod has no IP yet, so it is no endpoint: only its Service membership is updated.
    context.on('PodCreated').pipe(mergeMap((event) => (rematchPod(event.pod.key), []))),
    context.on('PodLabelsChanged', 'PodDeleted').pipe(mergeMap((event) => rematchPod(event.pod))),
    // Changes that move an endpoint of the pod's Services.
    context
      .on(
        'PodSandboxReady',
        'PodReadinessChanged',
        'PodDeletionRequested',
        'PodCompleted',
        'PodContainersExited',
      )
      .pipe(mergeMap((event) => [...(podServices.get(event.pod) ?? [])])),
  );
  return servicesToSync.pipe(
    controllerQueue(context, 'endpointSlice', 'endpointslice'),
    mergeMap((key) => (key === '' ? EMPTY : reconcile(key))),
  );
}
