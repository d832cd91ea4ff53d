import type { FieldPath, FieldReporter, RawMap } from './FieldReporter.js';
import {
  dns1123LabelProblems,
  dns1123SubdomainProblems,
  portNameProblems,
  portNumberProblems,
} from './nameChecks.js';
import { PROTOCOLS } from './ObjectMeta.js';
import { MAX_CLIENT_IP_TIMEOUT_SECONDS, type PortRange, type ServiceType } from './Service.js';
import { validateLabels } from './validateLabelSelector.js';

const SERVICE_TYPES: readonly ServiceType[] = ['ClusterIP', 'ExternalName', 'LoadBalancer', 'NodePort'];
const TRAFFIC_POLICIES = ['Cluster', 'Local'] as const;
const TRAFFIC_DISTRIBUTIONS = ['PreferClose', 'PreferSameNode', 'PreferSameZone'] as const;

/** Checks that would need cluster configuration; the loader runs them only when told the values. */
export interface ServiceValidationOptions {
  /** When given, explicit nodePorts and healthCheckNodePorts must fall in this range. */
  readonly nodePortRange?: PortRange;
}

function checkNodePort(
  report: FieldReporter,
  value: number,
  path: FieldPath,
  options: ServiceValidationOptions,
): void {
  if (portNumberProblems(value).length > 0) {
    report.problems(path, value, portNumberProblems(value));
    return;
  }
  const range = options.nodePortRange;
  if (range !== undefined && (value < range.first || value > range.last)) {
    report.invalid(
      path,
      value,
      `provided port is not in the valid range. The range of valid ports is ${range.first}-${range.last}`,
    );
  }
}

function validatePorts(
  report: FieldReporter,
  spec: RawMap,
  type: ServiceType,
  headless: boolean,
  options: ServiceValidationOptions,
): void {
  const ports = report.list(spec.ports, ['spec', 'ports']);
  if ((ports === undefined || ports.length === 0) && !headless && type !== 'ExternalName') {
    if (spec.ports === undefined || ports !== undefined) report.required(['spec', 'ports']);
    return;
  }
  const multiPort = (ports?.length ?? 0) > 1;
  const names = new Set<string>();
  const portKeys = new Set<string>();
  const nodePortKeys = new Set<string>();
  ports?.forEach((raw, index) => {
    const at = ['spec', 'ports', index];
    const port = report.map(raw, at);
    if (port === undefined) return;
    const name = report.string(port.name, [...at, 'name']) ?? '';
    if (name === '') {
      if (multiPort) {
        report.relaxed(() =>
          report.required([...at, 'name'], 'every port of a multi-port Service must be named'),
        );
      }
    } else {
      report.problems([...at, 'name'], name, dns1123LabelProblems(name));
      if (names.has(name)) report.duplicate([...at, 'name'], name);
      names.add(name);
    }
    if (port.port === undefined) report.required([...at, 'port']);
    const number = report.portNumber(port.port, [...at, 'port']);
    const protocol = report.oneOf(port.protocol, [...at, 'protocol'], PROTOCOLS) ?? 'TCP';
    if (number !== undefined) {
      const key = `${number}/${protocol}`;
      if (portKeys.has(key)) {
        report.duplicate(at, key, 'two ports of a Service may not share a port number and protocol');
      }
      portKeys.add(key);
    }
    const targetPort = report.intOrString(port.targetPort, [...at, 'targetPort']);
    // 0 and "" mean "same as port", as the API server's defaulting has it.
    if (typeof targetPort === 'number' && targetPort !== 0) {
      report.problems([...at, 'targetPort'], targetPort, portNumberProblems(targetPort));
    } else if (typeof targetPort === 'string' && targetPort !== '') {
      report.problems([...at, 'targetPort'], targetPort, portNameProblems(targetPort));
    }
    const nodePort = report.integer(port.nodePort, [...at, 'nodePort']);
    if (nodePort !== undefined && nodePort !== 0) {
      if (type === 'ClusterIP' || type === 'ExternalName') {
        report.forbidden([...at, 'nodePort'], `may not be used when \`type\` is '${type}'`);
      } else {
        checkNodePort(report, nodePort, [...at, 'nodePort'], options);
        const key = `${nodePort}/${protocol}`;
        if (nodePortKeys.has(key)) report.duplicate([...at, 'nodePort'], key);
        nodePortKeys.add(key);
      }
    }
    report.string(port.appProtocol, [...at, 'appProtocol']);
  });
}

function validateClusterIps(report: FieldReporter, spec: RawMap, type: ServiceType): void {
  const clusterIP = report.string(spec.clusterIP, ['spec', 'clusterIP']);
  const clusterIPs = report.strings(spec.clusterIPs, ['spec', 'clusterIPs']) ?? [];
  const check = (value: string, path: FieldPath): void => {
    if (value === '') return;
    if (value === 'None') {
      if (type === 'NodePort' || type === 'LoadBalancer') {
        report.invalid(path, value, `may not be set to 'None' for ${type} services`);
      }
      return;
    }
    report.legacyIp(value, path);
  };
  if (type === 'ExternalName') {
    if ((clusterIP !== undefined && clusterIP !== '') || clusterIPs.length > 0) {
      report.forbidden(['spec', 'clusterIP'], 'may not be set for ExternalName services');
    }
    return;
  }
  if (clusterIP !== undefined) check(clusterIP, ['spec', 'clusterIP']);
  clusterIPs.forEach((ip, index) => check(ip, ['spec', 'clusterIPs', index]));
  if (clusterIP !== undefined && clusterIP !== '' && clusterIPs.length > 0 && clusterIPs[0] !== clusterIP) {
    report.invalid(['spec', 'clusterIPs', 0], clusterIPs[0], 'must match `clusterIP`');
  }
  if (clusterIPs.length > 2)
    report.invalid(['spec', 'clusterIPs'], clusterIPs, 'may hold at most two IPs, one per family');
}

/**
 * Checks a Service: type, ports (names, numbers, protocols, targetPorts, nodePorts, duplicates),
 * cluster IPs, ExternalName, session affinity, traffic policies and LoadBalancer-only fields.
 */
export function validateService(
  report: FieldReporter,
  object: RawMap,
  options: ServiceValidationOptions,
): void {
  if (object.spec === undefined) {
    report.required(['spec']);
    return;
  }
  const spec = report.map(object.spec, ['spec']);
  if (spec === undefined) return;
  const type = report.oneOf(spec.type, ['spec', 'type'], SERVICE_TYPES) ?? 'ClusterIP';
  const headless = spec.clusterIP === 'None';
  const externallyAccessible =
    type === 'NodePort' ||
    type === 'LoadBalancer' ||
    (type === 'ClusterIP' && Array.isArray(spec.externalIPs) && spec.externalIPs.length > 0);

  validateLabels(report, spec.selector, ['spec', 'selector']);
  validatePorts(report, spec, type, headless, options);
  validateClusterIps(report, spec, type);

  const externalName = report.string(spec.externalName, ['spec', 'externalName']);
  if (type === 'ExternalName') {
    if (externalName === undefined || externalName === '') {
      report.required(['spec', 'externalName'], 'an ExternalName Service needs the DNS name it aliases');
    } else {
      // A fully qualified name may end with a dot.
      const name = externalName.endsWith('.') ? externalName.slice(0, -1) : externalName;
      report.problems(['spec', 'externalName'], externalName, dns1123SubdomainProblems(name));
    }
  }
  (report.strings(spec.externalIPs, ['spec', 'externalIPs']) ?? []).forEach((ip, index) =>
    report.legacyIp(ip, ['spec', 'externalIPs', index]),
  );

  const affinity =
    report.oneOf(spec.sessionAffinity, ['spec', 'sessionAffinity'], ['ClientIP', 'None']) ?? 'None';
  const affinityConfig = report.map(spec.sessionAffinityConfig, ['spec', 'sessionAffinityConfig']);
  if (affinityConfig !== undefined && affinity === 'None' && Object.keys(affinityConfig).length > 0) {
    report.forbidden(['spec', 'sessionAffinityConfig'], "must not be set when `sessionAffinity` is 'None'");
  }
  const clientIP = report.map(affinityConfig?.clientIP, ['spec', 'sessionAffinityConfig', 'clientIP']);
  const timeoutPath = ['spec', 'sessionAffinityConfig', 'clientIP', 'timeoutSeconds'];
  const timeout = report.integer(clientIP?.timeoutSeconds, timeoutPath);
  if (timeout !== undefined && (timeout <= 0 || timeout > MAX_CLIENT_IP_TIMEOUT_SECONDS)) {
    report.invalid(
      timeoutPath,
      timeout,
      `must be greater than 0 and at most ${MAX_CLIENT_IP_TIMEOUT_SECONDS}`,
    );
  }

  const externalPolicy = report.oneOf(
    spec.externalTrafficPolicy,
    ['spec', 'externalTrafficPolicy'],
    TRAFFIC_POLICIES,
  );
  if (externalPolicy !== undefined && !externallyAccessible) {
    report.invalid(
      ['spec', 'externalTrafficPolicy'],
      externalPolicy,
      'may only be set for externally-accessible services (NodePort, LoadBalancer or with externalIPs)',
    );
  }
  report.oneOf(spec.internalTrafficPolicy, ['spec', 'internalTrafficPolicy'], TRAFFIC_POLICIES);
  const healthCheckNodePort = report.integer(spec.healthCheckNodePort, ['spec', 'healthCheckNodePort']);
  if (healthCheckNodePort !== undefined && healthCheckNodePort !== 0) {
    if (type !== 'LoadBalancer' || externalPolicy !== 'Local') {
      report.invalid(
        ['spec', 'healthCheckNodePort'],
        healthCheckNodePort,
        "may only be set when `type` is 'LoadBalancer' and `externalTrafficPolicy` is 'Local'",
      );
    } else {
      checkNodePort(report, healthCheckNodePort, ['spec', 'healthCheckNodePort'], options);
    }
  }

  const sourceRanges =
    report.strings(spec.loadBalancerSourceRanges, ['spec', 'loadBalancerSourceRanges']) ?? [];
  if (sourceRanges.length > 0 && type !== 'LoadBalancer') {
    report.forbidden(['spec', 'loadBalancerSourceRanges'], "may only be used when `type` is 'LoadBalancer'");
  }
  // The API server trims spaces around each range before parsing it.
  sourceRanges.forEach((range, index) =>
    report.legacyCidr(range.trim(), ['spec', 'loadBalancerSourceRanges', index]),
  );
  const allocate = report.boolean(spec.allocateLoadBalancerNodePorts, [
    'spec',
    'allocateLoadBalancerNodePorts',
  ]);
  if (allocate !== undefined && type !== 'LoadBalancer') {
    report.forbidden(
      ['spec', 'allocateLoadBalancerNodePorts'],
      "may only be used when `type` is 'LoadBalancer'",
    );
  }
  if (spec.loadBalancerIP !== undefined && spec.loadBalancerIP !== '') {
    report.legacyIp(spec.loadBalancerIP, ['spec', 'loadBalancerIP']);
  }
  report.boolean(spec.publishNotReadyAddresses, ['spec', 'publishNotReadyAddresses']);
  const families = report.list(spec.ipFamilies, ['spec', 'ipFamilies']) ?? [];
  const seenFamilies = new Set<string>();
  families.forEach((family, index) => {
    const read = report.oneOf(family, ['spec', 'ipFamilies', index], ['IPv4', 'IPv6']);
    if (read === undefined) return;
    if (seenFamilies.has(read)) report.duplicate(['spec', 'ipFamilies', index], read);
    seenFamilies.add(read);
  });
  if (families.length > 2) report.invalid(['spec', 'ipFamilies'], families, 'may hold at most two families');
  report.oneOf(
    spec.ipFamilyPolicy,
    ['spec', 'ipFamilyPolicy'],
    ['PreferDualStack', 'RequireDualStack', 'SingleStack'],
  );
  report.oneOf(spec.trafficDistribution, ['spec', 'trafficDistribution'], TRAFFIC_DISTRIBUTIONS);

  const status = report.map(object.status, ['status']);
  const balancer = report.map(status?.loadBalancer, ['status', 'loadBalancer']);
  (report.list(balancer?.ingress, ['status', 'loadBalancer', 'ingress']) ?? []).forEach((raw, index) => {
    const at = ['status', 'loadBalancer', 'ingress', index];
    const entry = report.map(raw, at);
    if (entry?.ip !== undefined && entry.ip !== '') report.legacyIp(entry.ip, [...at, 'ip']);
    const hostname = report.string(entry?.hostname, [...at, 'hostname']);
    if (hostname !== undefined && hostname !== '')
      report.problems([...at, 'hostname'], hostname, dns1123SubdomainProblems(hostname));
  });
}
