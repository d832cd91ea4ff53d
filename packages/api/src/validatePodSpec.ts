import type { FieldPath, FieldReporter, RawMap } from './FieldReporter.js';
import { compileLabelSelector } from './labelSelector.js';
import {
  dns1123LabelProblems,
  dns1123SubdomainProblems,
  labelValueProblems,
  portNameProblems,
  qualifiedNameProblems,
} from './nameChecks.js';
import { PROTOCOLS, type LabelSelector } from './ObjectMeta.js';
import type { RestartPolicy } from './Pod.js';
import { validateLabels } from './validateLabelSelector.js';

const RESTART_POLICIES: readonly RestartPolicy[] = ['Always', 'OnFailure', 'Never'];
const DNS_POLICIES = ['ClusterFirst', 'ClusterFirstWithHostNet', 'Default', 'None'] as const;
const TOLERATION_OPERATORS = ['Equal', 'Exists'] as const;
const TAINT_EFFECTS = ['NoExecute', 'NoSchedule', 'PreferNoSchedule'] as const;
const PROBE_HANDLERS = ['exec', 'httpGet', 'tcpSocket', 'grpc'] as const;
const MAX_DNS_NAMESERVERS = 3;

/** How the owner of a pod spec constrains it. */
export interface PodSpecRules {
  /** The restart policies the owner accepts (workloads: Always; Jobs: OnFailure, Never). */
  readonly restartPolicies?: readonly RestartPolicy[];
}

function validateProbe(
  report: FieldReporter,
  value: unknown,
  path: FieldPath,
  kind: 'readinessProbe' | 'livenessProbe' | 'startupProbe',
): void {
  const probe = report.map(value, path);
  if (probe === undefined) return;
  for (const field of [
    'initialDelaySeconds',
    'timeoutSeconds',
    'periodSeconds',
    'successThreshold',
    'failureThreshold',
  ]) {
    report.nonNegative(probe[field], [...path, field]);
  }
  report.nonNegative(probe.terminationGracePeriodSeconds, [...path, 'terminationGracePeriodSeconds']);
  const successThreshold = probe.successThreshold;
  if (kind !== 'readinessProbe' && typeof successThreshold === 'number' && successThreshold > 1) {
    report.invalid([...path, 'successThreshold'], successThreshold, `must be 1 for a ${kind}`);
  }
  const handlers = PROBE_HANDLERS.filter((handler) => probe[handler] !== undefined);
  if (handlers.length === 0) {
    report.required(path, `must specify a handler: one of ${PROBE_HANDLERS.join(', ')}`);
  } else if (handlers.length > 1) {
    report.forbidden(
      [...path, handlers[1] as string],
      `may not specify more than one handler (also has ${handlers[0]})`,
    );
  }
  const httpGet = report.map(probe.httpGet, [...path, 'httpGet']);
  if (httpGet !== undefined) {
    if (httpGet.port === undefined) report.required([...path, 'httpGet', 'port']);
    report.portNumberOrName(httpGet.port, [...path, 'httpGet', 'port']);
    report.oneOf(httpGet.scheme, [...path, 'httpGet', 'scheme'], ['HTTP', 'HTTPS']);
    const httpPath = report.string(httpGet.path, [...path, 'httpGet', 'path']);
    if (httpPath !== undefined && httpPath !== '' && !httpPath.startsWith('/')) {
      report.invalid([...path, 'httpGet', 'path'], httpPath, 'must be an absolute path');
    }
  }
  const tcpSocket = report.map(probe.tcpSocket, [...path, 'tcpSocket']);
  if (tcpSocket !== undefined) {
    if (tcpSocket.port === undefined) report.required([...path, 'tcpSocket', 'port']);
    report.portNumberOrName(tcpSocket.port, [...path, 'tcpSocket', 'port']);
  }
  const grpc = report.map(probe.grpc, [...path, 'grpc']);
  if (grpc !== undefined) {
    if (grpc.port === undefined) report.required([...path, 'grpc', 'port']);
    report.portNumber(grpc.port, [...path, 'grpc', 'port']);
  }
  const exec = report.map(probe.exec, [...path, 'exec']);
  if (exec !== undefined) report.strings(exec.command, [...path, 'exec', 'command']);
}

interface PortSeen {
  readonly path: FieldPath;
  readonly container: number;
}

function validateContainers(
  report: FieldReporter,
  spec: RawMap,
  field: 'containers' | 'initContainers',
  path: FieldPath,
  names: Map<string, FieldPath>,
  portNames: Map<string, PortSeen>,
  hostPorts: Map<string, FieldPath>,
  hostNetwork: boolean,
): number {
  const containers = report.list(spec[field], [...path, field]) ?? [];
  containers.forEach((raw, containerIndex) => {
    const at = [...path, field, containerIndex];
    const container = report.map(raw, at);
    if (container === undefined) return;
    const name = report.string(container.name, [...at, 'name']);
    if (name === undefined || name === '') {
      report.relaxed(() => report.required([...at, 'name']));
    } else {
      report.problems([...at, 'name'], name, dns1123LabelProblems(name));
      if (names.has(name))
        report.duplicate([...at, 'name'], name, 'container names must be unique within a pod');
      else names.set(name, [...at, 'name']);
    }
    report.string(container.image, [...at, 'image']);
    const ports = report.list(container.ports, [...at, 'ports']) ?? [];
    const namesInContainer = new Set<string>();
    ports.forEach((rawPort, portIndex) => {
      const portPath = [...at, 'ports', portIndex];
      const port = report.map(rawPort, portPath);
      if (port === undefined) return;
      if (port.containerPort === undefined) {
        report.relaxed(() => report.required([...portPath, 'containerPort']));
      }
      const containerPort = report.portNumber(port.containerPort, [...portPath, 'containerPort']);
      const protocol = report.oneOf(port.protocol, [...portPath, 'protocol'], PROTOCOLS) ?? 'TCP';
      const hostPort = report.integer(port.hostPort, [...portPath, 'hostPort']);
      if (hostPort !== undefined && hostPort !== 0) {
        report.portNumber(hostPort, [...portPath, 'hostPort']);
        if (hostNetwork && containerPort !== undefined && hostPort !== containerPort) {
          report.invalid(
            [...portPath, 'hostPort'],
            hostPort,
            'must match `containerPort` when `hostNetwork` is true',
          );
        }
        const key = `${hostPort}/${protocol}`;
        const first = hostPorts.get(key);
        if (first === undefined) hostPorts.set(key, [...portPath, 'hostPort']);
        else report.duplicate([...portPath, 'hostPort'], key, 'host ports must be unique within a pod');
      }
      if (port.hostIP !== undefined) report.legacyIp(port.hostIP, [...portPath, 'hostIP']);
      const portName = report.string(port.name, [...portPath, 'name']);
      if (portName !== undefined && portName !== '') {
        report.problems([...portPath, 'name'], portName, portNameProblems(portName));
        if (namesInContainer.has(portName)) {
          report.duplicate([...portPath, 'name'], portName, 'port names must be unique within a container');
        } else {
          namesInContainer.add(portName);
          const seen = portNames.get(portName);
          if (seen === undefined) {
            portNames.set(portName, { path: [...portPath, 'name'], container: containerIndex });
          } else if (field === 'containers') {
            // Kubernetes accepts this, but a named targetPort then resolves to the first container's port.
            report.warn(
              [...portPath, 'name'],
              `port name ${JSON.stringify(portName)} is also used by another container of the pod; named ports resolve to the first`,
            );
          }
        }
      }
    });
    if (field === 'containers') {
      for (const probe of ['readinessProbe', 'livenessProbe', 'startupProbe'] as const) {
        if (container[probe] !== undefined) validateProbe(report, container[probe], [...at, probe], probe);
      }
    }
  });
  return containers.length;
}

/**
 * Checks a pod spec: containers (names, ports, probes), restart and DNS policies, hostname and
 * subdomain, node selection and tolerations.
 */
export function validatePodSpec(
  report: FieldReporter,
  value: unknown,
  path: FieldPath,
  rules: PodSpecRules = {},
): void {
  if (value === undefined) {
    report.required(path);
    return;
  }
  const spec = report.map(value, path);
  if (spec === undefined) return;
  const hostNetwork = report.boolean(spec.hostNetwork, [...path, 'hostNetwork']) ?? false;
  const names = new Map<string, FieldPath>();
  const portNames = new Map<string, PortSeen>();
  const hostPorts = new Map<string, FieldPath>();
  const count = validateContainers(
    report,
    spec,
    'containers',
    path,
    names,
    portNames,
    hostPorts,
    hostNetwork,
  );
  if (count === 0 && (spec.containers === undefined || Array.isArray(spec.containers))) {
    report.required([...path, 'containers'], 'a pod needs at least one container');
  }
  validateContainers(report, spec, 'initContainers', path, names, portNames, hostPorts, hostNetwork);

  const restartPolicies = rules.restartPolicies ?? RESTART_POLICIES;
  const restartPolicy = report.string(spec.restartPolicy, [...path, 'restartPolicy']);
  if (restartPolicy !== undefined && !restartPolicies.includes(restartPolicy as RestartPolicy)) {
    report.unsupported([...path, 'restartPolicy'], restartPolicy, restartPolicies);
  } else if (restartPolicy === undefined && !restartPolicies.includes('Always')) {
    // The default (Always) is not allowed here, so the field must be given.
    report.required(
      [...path, 'restartPolicy'],
      `valid values: ${restartPolicies.map((p) => JSON.stringify(p)).join(', ')}`,
    );
  }

  const dnsPolicy = report.oneOf(spec.dnsPolicy, [...path, 'dnsPolicy'], DNS_POLICIES);
  const dnsConfig = report.map(spec.dnsConfig, [...path, 'dnsConfig']);
  const nameservers = report.strings(dnsConfig?.nameservers, [...path, 'dnsConfig', 'nameservers']) ?? [];
  nameservers.forEach((server, index) =>
    report.legacyIp(server, [...path, 'dnsConfig', 'nameservers', index]),
  );
  if (nameservers.length > MAX_DNS_NAMESERVERS) {
    report.invalid(
      [...path, 'dnsConfig', 'nameservers'],
      nameservers,
      `must not have more than ${MAX_DNS_NAMESERVERS} nameservers`,
    );
  }
  const searches = report.strings(dnsConfig?.searches, [...path, 'dnsConfig', 'searches']) ?? [];
  searches.forEach((search, index) => {
    const name = search.endsWith('.') ? search.slice(0, -1) : search;
    report.problems([...path, 'dnsConfig', 'searches', index], search, dns1123SubdomainProblems(name));
  });
  if (dnsPolicy === 'None' && nameservers.length === 0) {
    report.required(
      [...path, 'dnsConfig', 'nameservers'],
      'must provide at least one DNS nameserver when `dnsPolicy` is None',
    );
  }

  for (const field of ['hostname', 'subdomain'] as const) {
    const text = report.string(spec[field], [...path, field]);
    if (text !== undefined && text !== '')
      report.problems([...path, field], text, dns1123LabelProblems(text));
  }
  const nodeName = report.string(spec.nodeName, [...path, 'nodeName']);
  if (nodeName !== undefined && nodeName !== '') {
    report.problems([...path, 'nodeName'], nodeName, dns1123SubdomainProblems(nodeName));
  }
  validateLabels(report, spec.nodeSelector, [...path, 'nodeSelector']);
  report.nonNegative(spec.terminationGracePeriodSeconds, [...path, 'terminationGracePeriodSeconds']);
  report.string(spec.serviceAccountName, [...path, 'serviceAccountName']);

  const tolerations = report.list(spec.tolerations, [...path, 'tolerations']) ?? [];
  tolerations.forEach((raw, index) => {
    const at = [...path, 'tolerations', index];
    const toleration = report.map(raw, at);
    if (toleration === undefined) return;
    const key = report.string(toleration.key, [...at, 'key']);
    if (key !== undefined && key !== '') report.problems([...at, 'key'], key, qualifiedNameProblems(key));
    const operator = report.oneOf(toleration.operator, [...at, 'operator'], TOLERATION_OPERATORS) ?? 'Equal';
    const tolerationValue = report.string(toleration.value, [...at, 'value']);
    if ((key === undefined || key === '') && operator !== 'Exists') {
      report.invalid(
        [...at, 'operator'],
        operator,
        'must be Exists when `key` is empty (to tolerate every taint)',
      );
    }
    if (operator === 'Exists' && tolerationValue !== undefined && tolerationValue !== '') {
      report.invalid([...at, 'value'], tolerationValue, 'must be empty when `operator` is Exists');
    }
    if (operator === 'Equal' && tolerationValue !== undefined) {
      report.problems([...at, 'value'], tolerationValue, labelValueProblems(tolerationValue));
    }
    const effect = report.oneOf(toleration.effect, [...at, 'effect'], TAINT_EFFECTS);
    const seconds = report.integer(toleration.tolerationSeconds, [...at, 'tolerationSeconds']);
    if (seconds !== undefined && effect !== 'NoExecute') {
      report.invalid([...at, 'effect'], effect ?? '', 'must be NoExecute when `tolerationSeconds` is set');
    }
  });
}

/**
 * Checks a workload's pod template: its labels, its spec, and that the workload's selector (if
 * given) selects the template's labels, or the workload would never see its own pods.
 */
export function validatePodTemplate(
  report: FieldReporter,
  value: unknown,
  path: FieldPath,
  selector: LabelSelector | undefined,
  rules: PodSpecRules,
): void {
  if (value === undefined) {
    report.required(path);
    return;
  }
  const template = report.map(value, path);
  if (template === undefined) return;
  const metadata = report.map(template.metadata, [...path, 'metadata']);
  const labels = validateLabels(report, metadata?.labels, [...path, 'metadata', 'labels']) ?? {};
  if (selector !== undefined && !compileLabelSelector(selector)(labels)) {
    report.invalid([...path, 'metadata', 'labels'], labels, '`selector` does not match template `labels`');
  }
  validatePodSpec(report, template.spec, [...path, 'spec'], rules);
}

/** The pod statuses' address fields: podIP, podIPs, hostIP, hostIPs; and the phase. */
export function validatePodStatus(report: FieldReporter, value: unknown): void {
  const status = report.map(value, ['status']);
  if (status === undefined) return;
  report.oneOf(status.phase, ['status', 'phase'], ['Pending', 'Running', 'Succeeded', 'Failed', 'Unknown']);
  if (status.podIP !== undefined && status.podIP !== '') report.legacyIp(status.podIP, ['status', 'podIP']);
  if (status.hostIP !== undefined && status.hostIP !== '')
    report.legacyIp(status.hostIP, ['status', 'hostIP']);
  for (const field of ['podIPs', 'hostIPs'] as const) {
    (report.list(status[field], ['status', field]) ?? []).forEach((raw, index) => {
      const entry = report.map(raw, ['status', field, index]);
      if (entry !== undefined) report.legacyIp(entry.ip, ['status', field, index, 'ip']);
    });
  }
  (report.list(status.conditions, ['status', 'conditions']) ?? []).forEach((raw, index) => {
    const condition = report.map(raw, ['status', 'conditions', index]);
    if (condition === undefined) return;
    report.string(condition.type, ['status', 'conditions', index, 'type']);
    report.oneOf(condition.status, ['status', 'conditions', index, 'status'], ['True', 'False', 'Unknown']);
  });
}
