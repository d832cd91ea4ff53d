import type { Service } from '@knsim/api';
import { PersistentMap, type Draft, type LoggedEvent } from '@knsim/core';
import type { ClusterEvent, PassiveKind } from './ClusterEvent.js';
import { objectKey, type ClusterState, type NodeRecord, type PodRecord } from './ClusterState.js';

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/**
 * Folds one event into the cluster state. Pure: every decided value travels in the event.
 * Events about objects that no longer exist are ignored (a controller may act on a stale view).
 */
export function evolveCluster(draft: Draft<ClusterState>, event: LoggedEvent<ClusterEvent>): void {
  const state = draft as unknown as Mutable<ClusterState>;
  const at = event.at;
  switch (event.type) {
    case 'ClusterCreated':
      state.config = event.config;
      state.nodeCidrs = {
        clusterCidr: event.config.clusterCIDR,
        nodeMaskSize: event.config.nodeCIDRMaskSize,
        nextCandidate: 0,
        used: PersistentMap.empty(),
      };
      return;
    case 'ResourceApplied': {
      const key = passiveKey(event.kind, event.object.metadata.namespace, event.object.metadata.name ?? '');
      const collection = passiveCollection(event.kind);
      state[collection] = (state[collection] as PersistentMap<unknown>).set(key, event.object) as never;
      return;
    }
    case 'ResourceDeleted': {
      const collection = passiveCollection(event.kind);
      state[collection] = (state[collection] as PersistentMap<unknown>).delete(event.key) as never;
      return;
    }

    case 'NodeRegistered':
      state.nodes = state.nodes.set(event.node.name, { ...event.node, ipam: undefined });
      return;
    case 'NodePodCIDRAssigned':
      updateNode(state, event.node, (node) => ({
        ...node,
        podCIDR: event.podCIDR,
        podCIDRIndex: event.index,
        ipam: {
          subnet: event.podCIDR,
          lastReserved: null,
          ownerByIp: PersistentMap.empty(),
          ipByOwner: PersistentMap.empty(),
        },
      }));
      if (state.nodeCidrs !== undefined) {
        state.nodeCidrs = {
          ...state.nodeCidrs,
          nextCandidate: event.nextCandidate,
          used: state.nodeCidrs.used.set(String(event.index), true),
        };
      }
      return;
    case 'NodeCIDRNotAvailable':
      return;
    case 'NodeKubeletStopped':
      updateNode(state, event.node, (node) => ({ ...node, kubelet: event.state, kubeletStoppedAt: at }));
      return;
    case 'NodeKubeletResumed':
      updateNode(state, event.node, (node) => ({ ...node, kubelet: 'running', kubeletStoppedAt: undefined }));
      return;
    case 'NodeReadinessChanged':
      updateNode(state, event.node, (node) => ({ ...node, ready: event.status, readySince: at }));
      return;
    case 'NodeTainted':
      updateNode(state, event.node, (node) => ({
        ...node,
        taints: [
          ...node.taints.filter((t) => !(t.key === event.taint.key && t.effect === event.taint.effect)),
          event.taint,
        ],
      }));
      return;
    case 'NodeUntainted':
      updateNode(state, event.node, (node) => ({
        ...node,
        taints: node.taints.filter((t) => !(t.key === event.key && t.effect === event.effect)),
      }));
      return;
    case 'NodeLabelsChanged':
      updateNode(state, event.node, (node) => ({
        ...node,
        labels: event.labels,
        zone: event.labels['topology.kubernetes.io/zone'],
      }));
      return;
    case 'NodeCordoned':
      updateNode(state, event.node, (node) => ({ ...node, unschedulable: true }));
      return;
    case 'NodeUncordoned':
      updateNode(state, event.node, (node) => ({ ...node, unschedulable: false }));
      return;
    case 'NodeDeleted': {
      const node = state.nodes.get(event.node);
      if (node === undefined) return;
      state.nodes = state.nodes.delete(event.node);
      if (node.podCIDRIndex !== undefined && state.nodeCidrs !== undefined) {
        state.nodeCidrs = {
          ...state.nodeCidrs,
          used: state.nodeCidrs.used.delete(String(node.podCIDRIndex)),
        };
      }
      return;
    }

    case 'PodCreated':
      state.pods = state.pods.set(event.pod.key, event.pod);
      return;
    case 'PodLabelsChanged':
      updatePod(state, event.pod, (pod) => ({
        ...pod,
        labels: event.labels,
        annotations: event.annotations,
      }));
      return;
    case 'PodScheduled':
      updatePod(state, event.pod, (pod) => ({ ...pod, nodeName: event.node, waitingReason: undefined }));
      return;
    case 'PodUnschedulable':
      updatePod(state, event.pod, (pod) => ({ ...pod, waitingReason: `Unschedulable: ${event.message}` }));
      return;
    case 'PodSandboxReady': {
      updatePod(state, event.pod, (pod) => ({
        ...pod,
        podIP: event.ip,
        sandboxReady: true,
        waitingReason: undefined,
      }));
      // Mirrors host-local's reservation: the address file and last_reserved_ip.
      updateNode(state, event.node, (node) =>
        node.ipam === undefined
          ? node
          : {
              ...node,
              ipam: {
                ...node.ipam,
                lastReserved: event.ip,
                ownerByIp: node.ipam.ownerByIp.set(event.ip, event.pod),
                ipByOwner: node.ipam.ipByOwner.set(event.pod, event.ip),
              },
            },
      );
      return;
    }
    case 'PodSandboxFailed':
      updatePod(state, event.pod, (pod) => ({
        ...pod,
        waitingReason: `FailedCreatePodSandBox: ${event.message}`,
      }));
      return;
    case 'PodContainersStarted':
      updatePod(state, event.pod, (pod) => ({
        ...pod,
        phase: 'Running',
        containersRunning: true,
        waitingReason: undefined,
      }));
      return;
    case 'PodReadinessChanged':
      updatePod(state, event.pod, (pod) => ({ ...pod, ready: event.ready, readySince: at }));
      return;
    case 'PodContainersExited':
      updatePod(state, event.pod, (pod) => ({
        ...pod,
        containersRunning: false,
        ready: false,
        readySince: pod.ready ? at : pod.readySince,
        restarts: event.restartAfterSeconds === undefined ? pod.restarts : pod.restarts + 1,
        waitingReason:
          event.restartAfterSeconds === undefined || event.restartAfterSeconds === 0
            ? undefined
            : 'CrashLoopBackOff',
      }));
      return;
    case 'PodDeletionRequested':
      updatePod(state, event.pod, (pod) =>
        pod.deletionRequestedAt !== undefined
          ? pod
          : { ...pod, deletionRequestedAt: at, deletionGracePeriodSeconds: event.gracePeriodSeconds },
      );
      return;
    case 'PodCompleted':
      updatePod(state, event.pod, (pod) => ({
        ...pod,
        phase: event.phase,
        containersRunning: false,
        ready: false,
        readySince: at,
      }));
      return;
    case 'PodDeleted': {
      const pod = state.pods.get(event.pod);
      if (pod === undefined) return;
      state.pods = state.pods.delete(event.pod);
      if (pod.nodeName !== undefined && pod.podIP !== undefined) {
        const ip = pod.podIP;
        // host-local release: the address file goes, last_reserved_ip stays.
        updateNode(state, pod.nodeName, (node) =>
          node.ipam === undefined || node.ipam.ownerByIp.get(ip) !== pod.key
            ? node
            : {
                ...node,
                ipam: {
                  ...node.ipam,
                  ownerByIp: node.ipam.ownerByIp.delete(ip),
                  ipByOwner: node.ipam.ipByOwner.delete(pod.key),
                },
              },
        );
      }
      return;
    }
    case 'ReadinessFaultStarted':
      state.readinessFaults = [...state.readinessFaults, event.fault];
      return;
    case 'ReadinessFaultEnded':
      state.readinessFaults = state.readinessFaults.filter((f) => f.id !== event.id);
      return;

    case 'ServiceCreated':
    case 'ServiceUpdated': {
      const service = event.service;
      const key = objectKey(service.metadata.namespace, service.metadata.name ?? '');
      const previous = state.services.get(key);
      if (previous !== undefined) releaseServiceAllocations(state, key, previous.service);
      state.services = state.services.set(key, {
        key,
        uid: event.type === 'ServiceCreated' ? event.uid : (previous?.uid ?? ''),
        service,
        createdAt: previous?.createdAt ?? at,
      });
      for (const ip of service.spec?.clusterIPs ?? [])
        if (ip !== 'None' && ip !== '') state.clusterIPs = state.clusterIPs.set(ip, key);
      for (const port of service.spec?.ports ?? []) {
        if (port.nodePort !== undefined) state.nodePorts = state.nodePorts.set(String(port.nodePort), key);
      }
      if (service.spec?.healthCheckNodePort !== undefined)
        state.nodePorts = state.nodePorts.set(String(service.spec.healthCheckNodePort), key);
      for (const ingress of service.status?.loadBalancer?.ingress ?? []) {
        if (ingress.ip !== undefined) state.loadBalancerIPs = state.loadBalancerIPs.set(ingress.ip, key);
      }
      return;
    }
    case 'ServiceDeleted': {
      const previous = state.services.get(event.key);
      if (previous === undefined) return;
      releaseServiceAllocations(state, event.key, previous.service);
      state.services = state.services.delete(event.key);
      return;
    }
    case 'EndpointSliceCreated':
    case 'EndpointSliceUpdated':
      state.endpointSlices = state.endpointSlices.set(
        objectKey(event.slice.metadata.namespace, event.slice.metadata.name ?? ''),
        event.slice,
      );
      return;
    case 'EndpointSliceDeleted':
      state.endpointSlices = state.endpointSlices.delete(event.key);
      return;

    case 'DeploymentApplied': {
      const key = objectKey(event.deployment.metadata.namespace, event.deployment.metadata.name ?? '');
      const previous = state.deployments.get(key);
      state.deployments = state.deployments.set(key, {
        key,
        uid: previous?.uid ?? event.uid,
        deployment: event.deployment,
        createdAt: previous?.createdAt ?? at,
      });
      return;
    }
    case 'DeploymentDeleted':
      state.deployments = state.deployments.delete(event.key);
      return;
    case 'ReplicaSetCreated': {
      const key = objectKey(event.replicaSet.metadata.namespace, event.replicaSet.metadata.name ?? '');
      const previous = state.replicaSets.get(key);
      state.replicaSets = state.replicaSets.set(key, {
        key,
        uid: previous?.uid ?? event.uid,
        replicaSet: event.replicaSet,
        deployment: event.deployment,
        templateHash: event.templateHash,
        createdAt: previous?.createdAt ?? at,
      });
      return;
    }
    case 'ReplicaSetScaled': {
      const record = state.replicaSets.get(event.key);
      if (record === undefined) return;
      state.replicaSets = state.replicaSets.set(event.key, {
        ...record,
        replicaSet: { ...record.replicaSet, spec: { ...record.replicaSet.spec, replicas: event.replicas } },
      });
      return;
    }
    case 'ReplicaSetDeleted':
      state.replicaSets = state.replicaSets.delete(event.key);
      return;
    case 'StatefulSetApplied': {
      const key = objectKey(event.statefulSet.metadata.namespace, event.statefulSet.metadata.name ?? '');
      const previous = state.statefulSets.get(key);
      state.statefulSets = state.statefulSets.set(key, {
        key,
        uid: previous?.uid ?? event.uid,
        statefulSet: event.statefulSet,
        revision: event.revision,
        createdAt: previous?.createdAt ?? at,
      });
      return;
    }
    case 'StatefulSetDeleted':
      state.statefulSets = state.statefulSets.delete(event.key);
      return;
    case 'DaemonSetApplied': {
      const key = objectKey(event.daemonSet.metadata.namespace, event.daemonSet.metadata.name ?? '');
      const previous = state.daemonSets.get(key);
      state.daemonSets = state.daemonSets.set(key, {
        key,
        uid: previous?.uid ?? event.uid,
        daemonSet: event.daemonSet,
        revision: event.revision,
        createdAt: previous?.createdAt ?? at,
      });
      return;
    }
    case 'DaemonSetDeleted':
      state.daemonSets = state.daemonSets.delete(event.key);
      return;
    case 'JobApplied': {
      const key = objectKey(event.job.metadata.namespace, event.job.metadata.name ?? '');
      const previous = state.jobs.get(key);
      state.jobs = state.jobs.set(key, {
        key,
        uid: previous?.uid ?? event.uid,
        job: event.job,
        succeeded: previous?.succeeded ?? 0,
        failed: previous?.failed ?? 0,
        completedAt: previous?.completedAt,
        createdAt: previous?.createdAt ?? at,
      });
      return;
    }
    case 'JobCompleted': {
      const record = state.jobs.get(event.key);
      if (record !== undefined) state.jobs = state.jobs.set(event.key, { ...record, completedAt: at });
      return;
    }
    case 'JobDeleted':
      state.jobs = state.jobs.delete(event.key);
      return;
    case 'CommandRejected':
      return;
  }
}

function passiveCollection(
  kind: PassiveKind,
): 'namespaces' | 'ingresses' | 'ingressClasses' | 'networkPolicies' {
  switch (kind) {
    case 'Namespace':
      return 'namespaces';
    case 'Ingress':
      return 'ingresses';
    case 'IngressClass':
      return 'ingressClasses';
    case 'NetworkPolicy':
      return 'networkPolicies';
  }
}

/** Cluster-scoped kinds are keyed by name, namespaced ones by `namespace/name`. */
export function passiveKey(kind: PassiveKind, namespace: string | undefined, name: string): string {
  return kind === 'Namespace' || kind === 'IngressClass' ? name : objectKey(namespace, name);
}

function updateNode(
  state: Mutable<ClusterState>,
  name: string,
  change: (node: NodeRecord) => NodeRecord,
): void {
  const node = state.nodes.get(name);
  if (node !== undefined) state.nodes = state.nodes.set(name, change(node));
}

function updatePod(state: Mutable<ClusterState>, key: string, change: (pod: PodRecord) => PodRecord): void {
  const pod = state.pods.get(key);
  if (pod !== undefined) state.pods = state.pods.set(key, change(pod));
}

function releaseServiceAllocations(state: Mutable<ClusterState>, key: string, service: Service): void {
  for (const ip of service.spec?.clusterIPs ?? [])
    if (state.clusterIPs.get(ip) === key) state.clusterIPs = state.clusterIPs.delete(ip);
  const ports = [...(service.spec?.ports ?? []).map((p) => p.nodePort), service.spec?.healthCheckNodePort];
  for (const port of ports) {
    if (port !== undefined && state.nodePorts.get(String(port)) === key)
      state.nodePorts = state.nodePorts.delete(String(port));
  }
  for (const ingress of service.status?.loadBalancer?.ingress ?? []) {
    if (ingress.ip !== undefined && state.loadBalancerIPs.get(ingress.ip) === key)
      state.loadBalancerIPs = state.loadBalancerIPs.delete(ingress.ip);
  }
}
