import {
  applyDefaults,
  formatObjectRef,
  NAMESPACE_NAME_LABEL,
  parseIpv4Cidr,
  parseIpv4,
  type KubeObject,
  type Namespace,
  type Node,
  type Pod,
  type Service,
  type ServicePort,
} from '@knsim/api';
import { CommandRejected, canonicalJson } from '@knsim/core';
import { HOSTNAME_LABEL, ZONE_LABEL } from '../config/ClusterConfig.js';
import type { ControllerContext } from '../runtime/ControllerContext.js';
import type { ClusterEvent } from '../state/ClusterEvent.js';
import { passiveKey } from '../state/evolveCluster.js';
import { objectKey, type ClusterState, type PodOwner, type PodRecord } from '../state/ClusterState.js';
import { withDefaultTolerations } from '../scheduler/tolerations.js';
import {
  allocateClusterIp,
  allocateLoadBalancerIp,
  allocateNodePort,
  checkRequestedClusterIp,
  checkRequestedNodePort,
  firstServiceIp,
  nodePortRange,
  serviceIpRange,
} from '../services/allocators.js';
import { templateRevision } from './revisions.js';

const OWNER_KINDS = new Set(['ReplicaSet', 'StatefulSet', 'DaemonSet', 'Job']);

/**
 * Decides the events that storing `object` produces, as the API server (with its admission
 * plugins and allocators) would: defaults, ClusterIP/NodePort/LoadBalancer allocation,
 * immutability checks. Throws {@link CommandRejected} with the API server's reason when it would
 * refuse the object; nothing is emitted then.
 */
export function decideApply(context: ControllerContext, input: KubeObject): ClusterEvent[] {
  const object = applyDefaults(input);
  const state = context.state();
  const namespace = object.metadata.namespace ?? 'default';
  const name = object.metadata.name ?? '';
  const events: ClusterEvent[] = [];
  if (
    object.kind !== 'Namespace' &&
    object.kind !== 'Node' &&
    object.kind !== 'IngressClass' &&
    !state.namespaces.has(namespace)
  ) {
    // kubectl apply of a whole dump creates namespaces first; a missing one is created here
    // (and reported by the loader) instead of rejecting every object in it.
    events.push(namespaceApplied({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace } }));
  }
  const key = objectKey(namespace, name);
  switch (object.kind) {
    case 'Namespace':
      events.push(namespaceApplied(object));
      break;
    case 'Ingress':
    case 'IngressClass':
    case 'NetworkPolicy':
      events.push({ type: 'ResourceApplied', kind: object.kind, object });
      break;
    case 'Node':
      events.push(...decideNode(context, object));
      break;
    case 'Pod':
      events.push(...decidePod(context, object));
      break;
    case 'Service':
      events.push(decideService(context, object));
      break;
    case 'EndpointSlice':
      events.push({
        type: state.endpointSlices.has(key) ? 'EndpointSliceUpdated' : 'EndpointSliceCreated',
        slice: object,
      });
      break;
    case 'Deployment':
      events.push({
        type: 'DeploymentApplied',
        deployment: object,
        uid: state.deployments.get(key)?.uid ?? context.uid(),
      });
      break;
    case 'ReplicaSet':
      events.push({
        type: 'ReplicaSetCreated',
        replicaSet: object,
        uid: state.replicaSets.get(key)?.uid ?? context.uid(),
        deployment: object.metadata.ownerReferences?.find(
          (o) => o.kind === 'Deployment' && o.controller === true,
        )?.name,
        templateHash: object.metadata.labels?.['pod-template-hash'],
      });
      break;
    case 'StatefulSet':
      events.push({
        type: 'StatefulSetApplied',
        statefulSet: object,
        uid: state.statefulSets.get(key)?.uid ?? context.uid(),
        revision: templateRevision(object.metadata.name ?? '', object.spec.template),
      });
      break;
    case 'DaemonSet':
      events.push({
        type: 'DaemonSetApplied',
        daemonSet: object,
        uid: state.daemonSets.get(key)?.uid ?? context.uid(),
        revision: templateRevision(object.metadata.name ?? '', object.spec.template),
      });
      break;
    case 'Job':
      if (state.jobs.has(key))
        throw new CommandRejected(
          `apply ${formatObjectRef(object)}`,
          "a Job's pod template is immutable; delete and re-create it",
        );
      events.push({ type: 'JobApplied', job: object, uid: context.uid() });
      break;
    case 'CronJob':
      throw new CommandRejected(
        `apply ${formatObjectRef(object)}`,
        'CronJob schedules are not simulated (create the Job it would create instead)',
      );
  }
  return events;
}

function namespaceApplied(namespace: Namespace): ClusterEvent {
  const name = namespace.metadata.name ?? '';
  return {
    type: 'ResourceApplied',
    kind: 'Namespace',
    object: {
      ...namespace,
      metadata: {
        ...namespace.metadata,
        labels: { ...namespace.metadata.labels, [NAMESPACE_NAME_LABEL]: name },
      },
    },
  };
}

/** A Node manifest: registered with its labels, taints, address and (if consistent) podCIDR. */
function decideNode(context: ControllerContext, node: Node): ClusterEvent[] {
  const name = node.metadata.name ?? '';
  const command = `apply Node ${name}`;
  const state = context.state();
  const existing = state.nodes.get(name);
  if (existing !== undefined) {
    // Re-applying a node changes its labels, taints and schedulability only.
    const events: ClusterEvent[] = [];
    const labels = { [HOSTNAME_LABEL]: name, ...(node.metadata.labels ?? {}) };
    if (canonicalJson(labels) !== canonicalJson(existing.labels))
      events.push({ type: 'NodeLabelsChanged', node: name, labels });
    const taints = node.spec?.taints ?? [];
    for (const taint of taints) {
      if (!existing.taints.some((t) => t.key === taint.key && t.effect === taint.effect))
        events.push({ type: 'NodeTainted', node: name, taint });
    }
    for (const taint of existing.taints) {
      if (!taints.some((t) => t.key === taint.key && t.effect === taint.effect)) {
        events.push({ type: 'NodeUntainted', node: name, key: taint.key, effect: taint.effect });
      }
    }
    if ((node.spec?.unschedulable ?? false) !== existing.unschedulable) {
      events.push({
        type: node.spec?.unschedulable === true ? 'NodeCordoned' : 'NodeUncordoned',
        node: name,
      });
    }
    return events;
  }
  const address =
    node.status?.addresses?.find((a) => a.type === 'InternalIP')?.address ?? nextNodeAddress(context, state);
  if (parseIpv4(address) === undefined)
    throw new CommandRejected(command, `status.addresses: InternalIP ${address} is not an IPv4 address`);
  const events: ClusterEvent[] = [
    {
      type: 'NodeRegistered',
      node: {
        name,
        uid: node.metadata.uid ?? context.uid(),
        labels: { [HOSTNAME_LABEL]: name, ...(node.metadata.labels ?? {}) },
        zone: node.metadata.labels?.[ZONE_LABEL],
        address,
        podCIDR: undefined,
        podCIDRIndex: undefined,
        taints: node.spec?.taints ?? [],
        unschedulable: node.spec?.unschedulable ?? false,
        maxPods:
          Number(node.status?.allocatable?.['pods'] ?? context.config.maxPodsPerNode) ||
          context.config.maxPodsPerNode,
        ready: 'True',
        readySince: context.now,
        kubelet: 'running',
        kubeletStoppedAt: undefined,
        createdAt: context.now,
      },
      ...(node.spec?.podCIDR === undefined ? {} : { podCIDRRequest: node.spec.podCIDR }),
    },
  ];
  return events;
}

/** Node InternalIPs: .2, .3, ... of the node network, skipping addresses already used. */
export function nextNodeAddress(context: ControllerContext, state: ClusterState): string {
  const cidr = parseIpv4Cidr(context.config.nodeNetworkCIDR);
  const used = new Set([...state.nodes.values()].map((n) => n.address));
  for (let offset = 2; offset < cidr.size - 1; offset++) {
    const candidate = cidr.nth(offset);
    const text = `${candidate >>> 24}.${(candidate >>> 16) & 255}.${(candidate >>> 8) & 255}.${candidate & 255}`;
    if (!used.has(text)) return text;
  }
  throw new CommandRejected(
    'register node',
    `the node network ${context.config.nodeNetworkCIDR} has no free address`,
  );
}

/** A bare pod (or one a dump shows owned by a controller we also manage). */
function decidePod(context: ControllerContext, pod: Pod): ClusterEvent[] {
  const state = context.state();
  const namespace = pod.metadata.namespace ?? 'default';
  const name = pod.metadata.name ?? '';
  const key = objectKey(namespace, name);
  const command = `apply ${formatObjectRef(pod)}`;
  const existing = state.pods.get(key);
  if (existing !== undefined) {
    if (canonicalJson(stripNodeName(pod.spec)) !== canonicalJson(stripNodeName(existing.spec))) {
      throw new CommandRejected(
        command,
        'spec: Forbidden: pod updates may not change fields other than labels and annotations',
      );
    }
    return [
      {
        type: 'PodLabelsChanged',
        pod: key,
        labels: pod.metadata.labels ?? {},
        annotations: pod.metadata.annotations ?? {},
      },
    ];
  }
  const controller = pod.metadata.ownerReferences?.find(
    (o) => o.controller === true && OWNER_KINDS.has(o.kind ?? ''),
  );
  const owner: PodOwner | undefined =
    controller === undefined
      ? undefined
      : { kind: controller.kind as PodOwner['kind'], name: controller.name };
  const nodeName = pod.spec.nodeName;
  if (nodeName !== undefined && !state.nodes.has(nodeName)) {
    throw new CommandRejected(command, `spec.nodeName: node ${nodeName} does not exist in the cluster`);
  }
  const record = newPodRecord(context, {
    namespace,
    name,
    uid: pod.metadata.uid,
    labels: pod.metadata.labels ?? {},
    annotations: pod.metadata.annotations ?? {},
    owner,
    spec: pod.spec,
    revision: pod.metadata.labels?.['pod-template-hash'] ?? pod.metadata.labels?.['controller-revision-hash'],
    ordinal: undefined,
    requestedIP: pod.status?.podIP,
  });
  const events: ClusterEvent[] = [{ type: 'PodCreated', pod: record }];
  if (nodeName !== undefined) events.push({ type: 'PodScheduled', pod: key, node: nodeName });
  return events;
}

function stripNodeName(spec: Pod['spec']): Pod['spec'] {
  const { nodeName: _nodeName, tolerations: _tolerations, ...rest } = spec;
  return rest;
}

/** A pod record as the API server stores a new pod (admission defaults included). */
export function newPodRecord(
  context: ControllerContext,
  fields: {
    namespace: string;
    name: string;
    uid: string | undefined;
    labels: Readonly<Record<string, string>>;
    annotations: Readonly<Record<string, string>>;
    owner: PodOwner | undefined;
    spec: Pod['spec'];
    revision: string | undefined;
    ordinal: number | undefined;
    requestedIP?: string | undefined;
  },
): PodRecord {
  const { nodeName: _bound, ...spec } = fields.spec;
  return {
    key: objectKey(fields.namespace, fields.name),
    namespace: fields.namespace,
    name: fields.name,
    uid: fields.uid ?? context.uid(),
    labels: fields.labels,
    annotations: {
      ...fields.annotations,
      ...(fields.requestedIP === undefined ? {} : { [REQUESTED_IP_ANNOTATION]: fields.requestedIP }),
    },
    owner: fields.owner,
    spec: {
      ...spec,
      tolerations: withDefaultTolerations(spec.tolerations, context.config.timings.defaultTolerationSeconds),
    },
    createdAt: context.now,
    nodeName: undefined,
    phase: 'Pending',
    podIP: undefined,
    sandboxReady: false,
    containersRunning: false,
    ready: false,
    readySince: context.now,
    restarts: 0,
    deletionRequestedAt: undefined,
    deletionGracePeriodSeconds: undefined,
    waitingReason: undefined,
    revision: fields.revision,
    ordinal: fields.ordinal,
  };
}

/** Where a pod from a live cluster's dump keeps its observed IP until the sandbox is created. */
export const REQUESTED_IP_ANNOTATION = 'knsim.dev/observed-pod-ip';

/**
 * A Service with its allocations: ClusterIP (explicit honoured or rejected with the API server's
 * message, else random from the dynamic band), NodePorts (shared between protocols of one port
 * number), a health-check NodePort for `externalTrafficPolicy: Local`, and a LoadBalancer
 * address. Type changes release what the new type does not use; ClusterIPs are immutable.
 */
function decideService(context: ControllerContext, input: Service): ClusterEvent {
  const state = context.state();
  const config = context.config;
  const namespace = input.metadata.namespace ?? 'default';
  const name = input.metadata.name ?? '';
  const key = objectKey(namespace, name);
  const command = `apply ${formatObjectRef(input)}`;
  const previous = state.services.get(key)?.service;
  const spec = input.spec ?? {};
  const type = spec.type ?? 'ClusterIP';
  const rng = context.rng('allocators/service');

  if (key === 'default/kubernetes' && previous !== undefined) {
    const expected = firstServiceIp(config.serviceCIDR);
    const given = spec.clusterIP;
    if (given !== undefined && given !== '' && given !== expected) {
      throw new CommandRejected(
        command,
        `spec.clusterIP ${given} differs from this cluster's kubernetes Service address ${expected} (serviceCIDR ${config.serviceCIDR}); pass the real cluster's --service-cidr`,
      );
    }
    return { type: 'ServiceUpdated', service: previous };
  }

  let clusterIPs: string[];
  if (type === 'ExternalName') {
    clusterIPs = [];
  } else if (spec.clusterIP === 'None') {
    if (previous !== undefined && previous.spec?.clusterIP !== 'None') {
      throw new CommandRejected(
        command,
        'spec.clusterIPs[0]: Invalid value: ["None"]: may not change once set',
      );
    }
    clusterIPs = ['None'];
  } else {
    const range = serviceIpRange(config.serviceCIDR);
    const kept = previous?.spec?.clusterIP;
    const requested = spec.clusterIP !== undefined && spec.clusterIP !== '' ? spec.clusterIP : undefined;
    if (kept !== undefined && kept !== '' && kept !== 'None') {
      if (requested !== undefined && requested !== kept) {
        throw new CommandRejected(
          command,
          `spec.clusterIPs[0]: Invalid value: ["${requested}"]: may not change once set`,
        );
      }
      clusterIPs = [kept];
    } else if (requested !== undefined) {
      const result = checkRequestedClusterIp(range, state.clusterIPs, requested, key);
      if (!result.ok)
        throw new CommandRejected(
          command,
          `spec.clusterIPs: Invalid value: ["${requested}"]: ${result.reason}`,
        );
      clusterIPs = [result.value];
    } else {
      const result = allocateClusterIp(range, state.clusterIPs, rng);
      if (!result.ok) throw new CommandRejected(command, `Internal error: ${result.reason}`);
      clusterIPs = [result.value];
    }
  }

  const wantsNodePorts =
    type === 'NodePort' || (type === 'LoadBalancer' && spec.allocateLoadBalancerNodePorts !== false);
  const portRange = nodePortRange(config.serviceNodePortRange);
  const takenHere = new Set<number>();
  const byNumber = new Map<number, number>();
  const ports: ServicePort[] = [];
  for (const [i, port] of (spec.ports ?? []).entries()) {
    if (!wantsNodePorts) {
      const { nodePort: _dropped, ...rest } = port;
      ports.push(rest);
      continue;
    }
    let nodePort = port.nodePort;
    if (nodePort !== undefined) {
      const result = checkRequestedNodePort(portRange, state.nodePorts, nodePort, key);
      if (!result.ok)
        throw new CommandRejected(
          command,
          `spec.ports[${i}].nodePort: Invalid value: ${nodePort}: ${result.reason}`,
        );
      if (takenHere.has(nodePort) && byNumber.get(port.port) !== nodePort) {
        throw new CommandRejected(command, `spec.ports[${i}].nodePort: Duplicate value: ${nodePort}`);
      }
    } else {
      const kept = previous?.spec?.ports?.find(
        (p) => p.port === port.port && (p.name ?? '') === (port.name ?? ''),
      )?.nodePort;
      nodePort = byNumber.get(port.port) ?? kept;
      if (nodePort === undefined) {
        const result = allocateNodePort(portRange, state.nodePorts, rng, takenHere);
        if (!result.ok) throw new CommandRejected(command, `Internal error: ${result.reason}`);
        nodePort = Number(result.value);
      }
    }
    takenHere.add(nodePort);
    byNumber.set(port.port, nodePort);
    ports.push({ ...port, nodePort });
  }

  let healthCheckNodePort: number | undefined;
  if (type === 'LoadBalancer' && spec.externalTrafficPolicy === 'Local') {
    healthCheckNodePort = spec.healthCheckNodePort ?? previous?.spec?.healthCheckNodePort;
    if (healthCheckNodePort !== undefined) {
      const result = checkRequestedNodePort(portRange, state.nodePorts, healthCheckNodePort, key);
      if (!result.ok) {
        throw new CommandRejected(
          command,
          `spec.healthCheckNodePort: failed to allocate requested HealthCheck NodePort ${healthCheckNodePort}: ${result.reason}`,
        );
      }
    } else {
      const result = allocateNodePort(portRange, state.nodePorts, rng, takenHere);
      if (!result.ok) throw new CommandRejected(command, `Internal error: ${result.reason}`);
      healthCheckNodePort = Number(result.value);
    }
  }

  let ingress = input.status?.loadBalancer?.ingress;
  if (type === 'LoadBalancer') {
    if (ingress === undefined || ingress.length === 0) ingress = previous?.status?.loadBalancer?.ingress;
    if (ingress === undefined || ingress.length === 0) {
      const result = allocateLoadBalancerIp(config.loadBalancerIPPool, state.loadBalancerIPs);
      // A cloud without capacity leaves the Service pending, as real clouds do.
      ingress = result.ok ? [{ ip: result.value }] : [];
    }
  } else {
    ingress = undefined;
  }

  const { healthCheckNodePort: _hc, ...specRest } = spec;
  const service: Service = {
    ...input,
    metadata: { ...input.metadata, namespace },
    spec: {
      ...specRest,
      type,
      ...(type === 'ExternalName' ? { clusterIP: '' } : { clusterIP: clusterIPs[0] as string }),
      clusterIPs,
      ports,
      ...(healthCheckNodePort === undefined ? {} : { healthCheckNodePort }),
    },
    status: { loadBalancer: ingress === undefined ? {} : { ingress } },
  };
  if (previous === undefined)
    return { type: 'ServiceCreated', service, uid: input.metadata.uid ?? context.uid() };
  return { type: 'ServiceUpdated', service };
}

/** The events that deleting an object produces (workload deletion cascades through controllers). */
export function decideDelete(
  context: ControllerContext,
  kind: string,
  namespace: string | undefined,
  name: string,
): ClusterEvent[] {
  const state = context.state();
  const key = objectKey(namespace, name);
  const command = `delete ${kind} ${kind === 'Node' || kind === 'Namespace' ? name : key}`;
  const missing = () => new CommandRejected(command, `${kind.toLowerCase()}s "${name}" not found`);
  switch (kind) {
    case 'Pod': {
      const pod = state.pods.get(key);
      if (pod === undefined) throw missing();
      return [
        {
          type: 'PodDeletionRequested',
          pod: key,
          gracePeriodSeconds: pod.spec.terminationGracePeriodSeconds ?? 30,
          reason: 'Deleted',
        },
      ];
    }
    case 'Service':
      if (!state.services.has(key)) throw missing();
      return [{ type: 'ServiceDeleted', key }];
    case 'EndpointSlice':
      if (!state.endpointSlices.has(key)) throw missing();
      return [{ type: 'EndpointSliceDeleted', key }];
    case 'Deployment':
      if (!state.deployments.has(key)) throw missing();
      return [{ type: 'DeploymentDeleted', key }];
    case 'ReplicaSet':
      if (!state.replicaSets.has(key)) throw missing();
      return [{ type: 'ReplicaSetDeleted', key }];
    case 'StatefulSet':
      if (!state.statefulSets.has(key)) throw missing();
      return [{ type: 'StatefulSetDeleted', key }];
    case 'DaemonSet':
      if (!state.daemonSets.has(key)) throw missing();
      return [{ type: 'DaemonSetDeleted', key }];
    case 'Job':
      if (!state.jobs.has(key)) throw missing();
      return [{ type: 'JobDeleted', key }];
    case 'Node':
      if (!state.nodes.has(name)) throw missing();
      return [{ type: 'NodeDeleted', node: name }];
    case 'Namespace':
    case 'Ingress':
    case 'IngressClass':
    case 'NetworkPolicy': {
      const passiveKind = kind;
      const storeKey = passiveKey(passiveKind, namespace, name);
      const collection = {
        Namespace: state.namespaces,
        Ingress: state.ingresses,
        IngressClass: state.ingressClasses,
        NetworkPolicy: state.networkPolicies,
      }[passiveKind];
      if (!collection.has(storeKey)) throw missing();
      return [{ type: 'ResourceDeleted', kind: passiveKind, key: storeKey }];
    }
    default:
      throw new CommandRejected(command, `deleting ${kind} objects is not supported`);
  }
}
