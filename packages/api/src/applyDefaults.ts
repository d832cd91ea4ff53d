import { DEFAULT_NAMESPACE, SUPPORTED_KINDS, type KubeObject } from './KubeObject.js';
import { NAMESPACE_NAME_LABEL } from './Namespace.js';
import { DEFAULT_CLIENT_IP_TIMEOUT_SECONDS } from './Service.js';

/** A mutable view of the private copy being defaulted. */
type Draft = Record<string, unknown>;

function isDraft(value: unknown): value is Draft {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The map at `key`, created when absent. */
function child(parent: Draft, key: string): Draft {
  const value = parent[key];
  if (isDraft(value)) return value;
  const created: Draft = {};
  parent[key] = created;
  return created;
}

function drafts(value: unknown): Draft[] {
  return Array.isArray(value) ? value.filter(isDraft) : [];
}

function setDefault(target: Draft, key: string, value: unknown): void {
  if (target[key] === undefined) target[key] = value;
}

/** Like setDefault, but also replaces 0: the API server treats a zero probe setting as unset. */
function setDefaultUnlessPositive(target: Draft, key: string, value: number): void {
  const current = target[key];
  if (typeof current !== 'number' || current === 0) target[key] = value;
}

function defaultProbe(probe: Draft): void {
  setDefault(probe, 'initialDelaySeconds', 0);
  setDefaultUnlessPositive(probe, 'timeoutSeconds', 1);
  setDefaultUnlessPositive(probe, 'periodSeconds', 10);
  setDefaultUnlessPositive(probe, 'successThreshold', 1);
  setDefaultUnlessPositive(probe, 'failureThreshold', 3);
  if (isDraft(probe.httpGet)) {
    setDefault(probe.httpGet, 'path', '/');
    setDefault(probe.httpGet, 'scheme', 'HTTP');
  }
}

function defaultPodSpec(spec: Draft): void {
  setDefault(spec, 'restartPolicy', 'Always');
  setDefault(spec, 'dnsPolicy', 'ClusterFirst');
  setDefault(spec, 'terminationGracePeriodSeconds', 30);
  setDefault(spec, 'schedulerName', 'default-scheduler');
  const hostNetwork = spec.hostNetwork === true;
  for (const container of [...drafts(spec.containers), ...drafts(spec.initContainers)]) {
    for (const port of drafts(container.ports)) {
      setDefault(port, 'protocol', 'TCP');
      // On the host network the container listens on the node's port itself.
      if (hostNetwork && (port.hostPort === undefined || port.hostPort === 0))
        port.hostPort = port.containerPort;
    }
    for (const probe of ['readinessProbe', 'livenessProbe', 'startupProbe']) {
      const value = container[probe];
      if (isDraft(value)) defaultProbe(value);
    }
  }
}

function defaultTemplate(spec: Draft): void {
  const template = spec.template;
  if (isDraft(template)) defaultPodSpec(child(template, 'spec'));
}

function defaultJobSpec(spec: Draft): void {
  if (spec.completions === undefined && spec.parallelism === undefined) spec.completions = 1;
  setDefault(spec, 'parallelism', 1);
  setDefault(spec, 'backoffLimit', 6);
  setDefault(spec, 'completionMode', 'NonIndexed');
  setDefault(spec, 'suspend', false);
  defaultTemplate(spec);
}

function defaultService(spec: Draft): void {
  setDefault(spec, 'type', 'ClusterIP');
  const type = spec.type;
  for (const port of drafts(spec.ports)) {
    setDefault(port, 'protocol', 'TCP');
    if (port.targetPort === undefined || port.targetPort === 0 || port.targetPort === '')
      port.targetPort = port.port;
  }
  setDefault(spec, 'sessionAffinity', 'None');
  if (spec.sessionAffinity === 'ClientIP') {
    const clientIP = child(child(spec, 'sessionAffinityConfig'), 'clientIP');
    setDefault(clientIP, 'timeoutSeconds', DEFAULT_CLIENT_IP_TIMEOUT_SECONDS);
  }
  const hasExternalIPs = Array.isArray(spec.externalIPs) && spec.externalIPs.length > 0;
  if (type === 'NodePort' || type === 'LoadBalancer' || (type === 'ClusterIP' && hasExternalIPs)) {
    setDefault(spec, 'externalTrafficPolicy', 'Cluster');
  }
  if (type !== 'ExternalName') setDefault(spec, 'internalTrafficPolicy', 'Cluster');
  if (type === 'LoadBalancer') setDefault(spec, 'allocateLoadBalancerNodePorts', true);
}

function defaultNetworkPolicy(spec: Draft): void {
  setDefault(spec, 'podSelector', {});
  if (!Array.isArray(spec.policyTypes) || spec.policyTypes.length === 0) {
    const egress = Array.isArray(spec.egress) && spec.egress.length > 0;
    spec.policyTypes = egress ? ['Ingress', 'Egress'] : ['Ingress'];
  }
  for (const direction of ['ingress', 'egress']) {
    for (const rule of drafts(spec[direction])) {
      for (const port of drafts(rule.ports)) setDefault(port, 'protocol', 'TCP');
    }
  }
}

/**
 * Returns a copy of `object` with the defaults the API server fills in on create: namespace
 * `default` for namespaced kinds (and none for cluster-scoped ones), the Namespace name label,
 * pod spec and probe defaults (also inside workload templates), workload replicas and update
 * strategies, Service type/protocol/targetPort/affinity/traffic policies, EndpointSlice port
 * protocols, and NetworkPolicy policyTypes and port protocols. The input is never modified.
 *
 * NetworkPolicy policyTypes follows Kubernetes exactly: Ingress, plus Egress when `egress`
 * holds at least one rule (`egress: []` alone does not make a policy isolate egress).
 */
export function applyDefaults<T extends KubeObject>(object: T): T {
  const copy = structuredClone(object) as unknown as Draft;
  const kind = object.kind;
  const metadata = child(copy, 'metadata');
  if (SUPPORTED_KINDS[kind].namespaced) {
    if (typeof metadata.namespace !== 'string' || metadata.namespace === '')
      metadata.namespace = DEFAULT_NAMESPACE;
  } else {
    // Cluster-scoped objects have no namespace; the API server drops one given by mistake.
    delete metadata.namespace;
  }
  const spec = isDraft(copy.spec) ? copy.spec : undefined;
  switch (kind) {
    case 'Namespace':
      if (typeof metadata.name === 'string') child(metadata, 'labels')[NAMESPACE_NAME_LABEL] = metadata.name;
      break;
    case 'Pod':
      if (spec !== undefined) defaultPodSpec(spec);
      break;
    case 'Deployment':
      if (spec === undefined) break;
      setDefault(spec, 'replicas', 1);
      setDefault(spec, 'minReadySeconds', 0);
      setDefault(spec, 'revisionHistoryLimit', 10);
      setDefault(spec, 'progressDeadlineSeconds', 600);
      {
        const strategy = child(spec, 'strategy');
        setDefault(strategy, 'type', 'RollingUpdate');
        if (strategy.type === 'RollingUpdate') {
          const rolling = child(strategy, 'rollingUpdate');
          setDefault(rolling, 'maxSurge', '25%');
          setDefault(rolling, 'maxUnavailable', '25%');
        }
      }
      defaultTemplate(spec);
      break;
    case 'ReplicaSet':
      if (spec === undefined) break;
      setDefault(spec, 'replicas', 1);
      setDefault(spec, 'minReadySeconds', 0);
      defaultTemplate(spec);
      break;
    case 'StatefulSet':
      if (spec === undefined) break;
      setDefault(spec, 'replicas', 1);
      setDefault(spec, 'podManagementPolicy', 'OrderedReady');
      setDefault(spec, 'minReadySeconds', 0);
      setDefault(spec, 'revisionHistoryLimit', 10);
      {
        const strategy = child(spec, 'updateStrategy');
        setDefault(strategy, 'type', 'RollingUpdate');
        if (strategy.type === 'RollingUpdate') setDefault(child(strategy, 'rollingUpdate'), 'partition', 0);
      }
      defaultTemplate(spec);
      break;
    case 'DaemonSet':
      if (spec === undefined) break;
      setDefault(spec, 'minReadySeconds', 0);
      setDefault(spec, 'revisionHistoryLimit', 10);
      {
        const strategy = child(spec, 'updateStrategy');
        setDefault(strategy, 'type', 'RollingUpdate');
        if (strategy.type === 'RollingUpdate') {
          const rolling = child(strategy, 'rollingUpdate');
          setDefault(rolling, 'maxUnavailable', 1);
          setDefault(rolling, 'maxSurge', 0);
        }
      }
      defaultTemplate(spec);
      break;
    case 'Job':
      if (spec !== undefined) defaultJobSpec(spec);
      break;
    case 'CronJob':
      if (spec === undefined) break;
      setDefault(spec, 'concurrencyPolicy', 'Allow');
      setDefault(spec, 'suspend', false);
      setDefault(spec, 'successfulJobsHistoryLimit', 3);
      setDefault(spec, 'failedJobsHistoryLimit', 1);
      defaultJobSpec(child(child(spec, 'jobTemplate'), 'spec'));
      break;
    case 'Service':
      if (spec !== undefined) defaultService(spec);
      break;
    case 'EndpointSlice':
      for (const port of drafts(copy.ports)) {
        setDefault(port, 'name', '');
        setDefault(port, 'protocol', 'TCP');
      }
      break;
    case 'NetworkPolicy':
      if (spec !== undefined) defaultNetworkPolicy(spec);
      break;
    case 'Node':
    case 'Ingress':
    case 'IngressClass':
      // networking.k8s.io/v1 Ingress has no field defaults: pathType is required.
      break;
  }
  return copy as unknown as T;
}
