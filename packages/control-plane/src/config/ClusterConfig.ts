import { readFileSync } from 'node:fs';
import { resolveProxyConfig, type ProxyConfig, type ProxyConfigSpec } from './ProxyConfig.js';
import { parseDocument } from 'yaml';
import {
  describeBadCidr,
  parseIpv4,
  parseIpv4Cidr,
  tryParseCidr,
  qualifiedNameProblems,
  labelValueProblems,
  dns1123SubdomainProblems,
  type Ipv4Cidr,
  type Taint,
} from '@knsim/api';
import {
  DistributionError,
  parseDuration,
  parseDurationDistribution,
  UserError,
  type Duration,
  type DurationDistribution,
} from '@knsim/core';

/** One node as the user describes it in the cluster configuration. */
export interface NodeConfigSpec {
  readonly name: string;
  readonly zone?: string;
  readonly labels?: Readonly<Record<string, string>>;
  readonly taints?: readonly Taint[];
  readonly maxPods?: number;
  /** The node's InternalIP; by default the next address of `nodeNetworkCIDR`. */
  readonly address?: string;
}

/**
 * The cluster configuration as written by users (YAML/JSON file given with `--config`, or the
 * `cluster` section of a scenario). Every field is optional; {@link resolveClusterConfig} fills in
 * Kubernetes' defaults.
 */
export interface ClusterConfigSpec {
  readonly apiVersion?: string;
  readonly kind?: string;
  /** A node count, or explicit nodes. Default 3. */
  readonly nodes?: number | readonly NodeConfigSpec[];
  /** Zones that counted nodes are spread over (round robin). Default `["zone-a"]`. */
  readonly zones?: readonly string[];
  readonly clusterCIDR?: string;
  readonly nodeCIDRMaskSize?: number;
  readonly serviceCIDR?: string;
  readonly serviceNodePortRange?: string;
  readonly clusterDomain?: string;
  /** Where node InternalIPs come from. Default `172.18.0.0/16` (as kind's docker network). */
  readonly nodeNetworkCIDR?: string;
  /** Addresses a cloud/MetalLB-like controller hands to LoadBalancer Services. */
  readonly loadBalancerIPPool?: string;
  readonly maxPodsPerNode?: number;
  readonly timings?: TimingsSpec;
  /** kube-proxy, with KubeProxyConfiguration's field names. */
  readonly proxy?: ProxyConfigSpec;
  /** Cluster DNS (CoreDNS behind the kube-dns Service). */
  readonly dns?: DnsConfigSpec;
  /** The Ingress controller knsim provides when the manifests bring none. */
  readonly ingress?: IngressConfigSpec;
  /** Hosts outside the cluster that traffic can reach (ExternalName targets, APIs...). */
  readonly external?: ExternalConfigSpec;
}

/** The default Ingress controller (ingress-nginx-like). */
export interface IngressConfigSpec {
  /**
   * `auto` (default): provided when the initial manifests hold an Ingress and no ingress-nginx
   * controller workload; `true`: always; `false`: never.
   */
  readonly controller?: 'auto' | boolean;
  /** Controller replicas. Default 1. */
  readonly replicas?: number;
}

export interface IngressConfig {
  readonly controller: 'auto' | boolean;
  readonly replicas: number;
}

/** One address (or range) outside the cluster that answers connections. */
export interface ExternalEndpointSpec {
  /** A name for reports. Default: the address. */
  readonly name?: string;
  /** An IPv4 address or CIDR. */
  readonly address: string;
  /** Ports that accept connections. Default: every port. */
  readonly ports?: readonly number[];
  /** One-way latency to it from the cluster's edge. Default: the network's external latency. */
  readonly latency?: unknown;
  /** `accept` (default), `refuse` (RST) or `timeout` (no answer). */
  readonly behaviour?: 'accept' | 'refuse' | 'timeout';
}

export interface ExternalEndpoint {
  readonly name: string;
  readonly address: string;
  readonly ports: readonly number[] | undefined;
  readonly latency: DurationDistribution | undefined;
  readonly behaviour: 'accept' | 'refuse' | 'timeout';
}

export interface ExternalConfigSpec {
  readonly endpoints?: readonly ExternalEndpointSpec[];
}

export interface ExternalConfig {
  readonly endpoints: readonly ExternalEndpoint[];
}

/** Cluster DNS settings: CoreDNS's kubernetes plugin and the upstream it forwards to. */
export interface DnsConfigSpec {
  /** Run CoreDNS and the kube-dns Service (as kubeadm does). Default true. */
  readonly enabled?: boolean;
  /** CoreDNS replicas. Default 2. */
  readonly replicas?: number;
  /** TTL of cluster records, seconds. Default 30 (kubeadm's Corefile; CoreDNS's own default is 5). */
  readonly ttl?: number;
  /** `pods insecure|verified|disabled`. Default insecure (kubeadm's Corefile). */
  readonly pods?: 'insecure' | 'verified' | 'disabled';
  /** Names outside the cluster: what the upstream resolver answers. */
  readonly upstream?: {
    readonly records?: readonly {
      readonly name: string;
      readonly type: string;
      readonly data: string;
      readonly ttl?: number;
    }[];
    /** Names the upstream answers SERVFAIL for. */
    readonly servfail?: readonly string[];
  };
}

export interface DnsConfig {
  readonly enabled: boolean;
  readonly replicas: number;
  readonly ttl: number;
  readonly pods: 'insecure' | 'verified' | 'disabled';
  readonly upstream: {
    readonly records: readonly {
      readonly name: string;
      readonly type: string;
      readonly data: string;
      readonly ttl?: number;
    }[];
    readonly servfail: readonly string[];
  };
}

/** Delays of the control plane and kubelets, each a duration or a distribution. */
export interface TimingsSpec {
  /** One sync of a controller (informer latency, the sync, its API calls); each controller runs a few in parallel. */
  readonly controllerSync?: unknown;
  /** One scheduling cycle (the scheduler binds one pod at a time). */
  readonly scheduling?: unknown;
  /** Sandbox creation and CNI ADD (the pod gets its IP at the end). */
  readonly sandboxCreation?: unknown;
  /** From sandbox ready to containers running. */
  readonly containerStart?: unknown;
  /** From SIGTERM to the containers exiting (capped by the grace period). */
  readonly containerStop?: unknown;
  /** How long a Job's pod runs before it succeeds. */
  readonly jobPodRuntime?: unknown;
  /** kube-proxy: from an EndpointSlice/Service change to a node's watch seeing it. */
  readonly proxyPropagation?: unknown;
  /**
   * The CNI's NetworkPolicy agent: from a policy, pod-label or namespace-label change (or a new
   * pod) to a node enforcing it.
   */
  readonly policyEnforcement?: unknown;
  readonly nodeMonitorPeriod?: string;
  readonly nodeMonitorGracePeriod?: string;
  readonly nodeLeaseRenewInterval?: string;
  /** Seconds pods tolerate `not-ready`/`unreachable` before eviction (admission default 300). */
  readonly defaultTolerationSeconds?: number;
  /** Nodes tainted per second per zone after they fail (`--node-eviction-rate`, 0.1). */
  readonly nodeEvictionRate?: number;
}

/** A node after defaults. */
export interface NodeConfig {
  readonly name: string;
  readonly zone: string | undefined;
  readonly labels: Readonly<Record<string, string>>;
  readonly taints: readonly Taint[];
  readonly maxPods: number;
  readonly address: string | undefined;
}

export interface Timings {
  readonly controllerSync: DurationDistribution;
  readonly scheduling: DurationDistribution;
  readonly sandboxCreation: DurationDistribution;
  readonly containerStart: DurationDistribution;
  readonly containerStop: DurationDistribution;
  readonly jobPodRuntime: DurationDistribution;
  readonly proxyPropagation: DurationDistribution;
  readonly policyEnforcement: DurationDistribution;
  readonly nodeMonitorPeriod: Duration;
  readonly nodeMonitorGracePeriod: Duration;
  readonly nodeLeaseRenewInterval: Duration;
  readonly defaultTolerationSeconds: number;
  readonly nodeEvictionRate: number;
}

/** The cluster configuration with every default applied; plain data, recorded in the log. */
export interface ClusterConfig {
  readonly nodes: readonly NodeConfig[];
  /** True when the user listed nodes or a count (so Node manifests add to them). */
  readonly nodesGiven: boolean;
  readonly clusterCIDR: string;
  readonly nodeCIDRMaskSize: number;
  readonly serviceCIDR: string;
  readonly serviceNodePortRange: { readonly base: number; readonly size: number };
  readonly clusterDomain: string;
  readonly nodeNetworkCIDR: string;
  readonly loadBalancerIPPool: string;
  readonly maxPodsPerNode: number;
  readonly timings: Timings;
  readonly proxy: ProxyConfig;
  readonly dns: DnsConfig;
  readonly ingress: IngressConfig;
  readonly external: ExternalConfig;
}

export const CLUSTER_CONFIG_API_VERSION = 'knsim.dev/v1alpha1';
export const ZONE_LABEL = 'topology.kubernetes.io/zone';
export const HOSTNAME_LABEL = 'kubernetes.io/hostname';

/** Kubernetes' defaults, and realistic delays where Kubernetes has no single number. */
export const DEFAULT_CLUSTER_CONFIG = {
  nodes: 3,
  zones: ['zone-a'],
  clusterCIDR: '10.244.0.0/16',
  nodeCIDRMaskSize: 24,
  serviceCIDR: '10.96.0.0/12',
  serviceNodePortRange: '30000-32767',
  clusterDomain: 'cluster.local',
  nodeNetworkCIDR: '172.18.0.0/16',
  loadBalancerIPPool: '198.51.100.0/24',
  maxPodsPerNode: 110,
  timings: {
    controllerSync: { uniform: { min: '1ms', max: '20ms' } },
    // kube-scheduler binds about 100 pods/s (its API client's QPS limit): one pod at a time.
    scheduling: { uniform: { min: '5ms', max: '15ms' } },
    sandboxCreation: { lognormal: { median: '600ms', sigma: 0.4, max: '10s' } },
    containerStart: { lognormal: { median: '800ms', sigma: 0.5, max: '30s' } },
    containerStop: { lognormal: { median: '1s', sigma: 0.5 } },
    jobPodRuntime: '30s',
    proxyPropagation: { lognormal: { median: '150ms', sigma: 0.6, max: '5s' } },
    // Calico/Cilium agents program a policy change in well under a second on a healthy node.
    policyEnforcement: { lognormal: { median: '200ms', sigma: 0.6, max: '5s' } },
    nodeMonitorPeriod: '5s',
    nodeMonitorGracePeriod: '50s',
    nodeLeaseRenewInterval: '10s',
    defaultTolerationSeconds: 300,
    nodeEvictionRate: 0.1,
  },
} as const;

/** One problem with a cluster configuration: the field path and why. */
export interface ConfigIssue {
  readonly path: string;
  readonly reason: string;
}

/** A cluster configuration that cannot be used; lists every problem found. */
export class ClusterConfigError extends UserError {
  override readonly name = 'ClusterConfigError';
  constructor(
    readonly issues: readonly ConfigIssue[],
    readonly source = 'cluster configuration',
  ) {
    super(
      `invalid ${source} (${issues.length === 1 ? '1 error' : `${issues.length} errors`}):\n` +
        issues.map((issue) => `  ${issue.path}: ${issue.reason}`).join('\n'),
    );
  }
}

const TOP_LEVEL_FIELDS = new Set([
  'apiVersion',
  'kind',
  'nodes',
  'zones',
  'clusterCIDR',
  'nodeCIDRMaskSize',
  'serviceCIDR',
  'serviceNodePortRange',
  'clusterDomain',
  'nodeNetworkCIDR',
  'loadBalancerIPPool',
  'maxPodsPerNode',
  'timings',
  'proxy',
  'dns',
  'ingress',
  'external',
]);
const NODE_FIELDS = new Set(['name', 'zone', 'labels', 'taints', 'maxPods', 'address']);
const DISTRIBUTION_TIMINGS = [
  'controllerSync',
  'scheduling',
  'sandboxCreation',
  'containerStart',
  'containerStop',
  'jobPodRuntime',
  'proxyPropagation',
  'policyEnforcement',
] as const;
const FIXED_TIMINGS = ['nodeMonitorPeriod', 'nodeMonitorGracePeriod', 'nodeLeaseRenewInterval'] as const;

/**
 * Validates a configuration and applies defaults. All problems are collected and thrown together
 * as a {@link ClusterConfigError} naming each field path.
 *
 * @example
 * ```ts
 * const config = resolveClusterConfig({ nodes: 5, zones: ['a', 'b'] });
 * config.nodes[1]; // { name: 'node-2', zone: 'b', ... }
 * config.serviceCIDR; // '10.96.0.0/12'
 * ```
 */
export function resolveClusterConfig(spec: ClusterConfigSpec = {}, source?: string): ClusterConfig {
  const issues: ConfigIssue[] = [];
  const problem = (path: string, reason: string): void => void issues.push({ path, reason });
  if (typeof spec !== 'object' || spec === null || Array.isArray(spec)) {
    throw new ClusterConfigError([{ path: '(root)', reason: 'expected a mapping' }], source);
  }
  for (const key of Object.keys(spec))
    if (!TOP_LEVEL_FIELDS.has(key))
      problem(key, `unknown field (known: ${[...TOP_LEVEL_FIELDS].join(', ')})`);
  if (spec.apiVersion !== undefined && spec.apiVersion !== CLUSTER_CONFIG_API_VERSION) {
    problem('apiVersion', `expected ${CLUSTER_CONFIG_API_VERSION}`);
  }
  if (spec.kind !== undefined && spec.kind !== 'ClusterConfig') problem('kind', 'expected ClusterConfig');

  const d = DEFAULT_CLUSTER_CONFIG;
  const clusterCIDR = cidrField(spec.clusterCIDR ?? d.clusterCIDR, 'clusterCIDR', problem);
  const serviceCIDR = cidrField(spec.serviceCIDR ?? d.serviceCIDR, 'serviceCIDR', problem);
  const nodeNetworkCIDR = cidrField(spec.nodeNetworkCIDR ?? d.nodeNetworkCIDR, 'nodeNetworkCIDR', problem);
  const loadBalancerIPPool = cidrField(
    spec.loadBalancerIPPool ?? d.loadBalancerIPPool,
    'loadBalancerIPPool',
    problem,
  );
  const nodeCIDRMaskSize = spec.nodeCIDRMaskSize ?? d.nodeCIDRMaskSize;
  if (!Number.isInteger(nodeCIDRMaskSize) || nodeCIDRMaskSize < 1 || nodeCIDRMaskSize > 30) {
    problem(
      'nodeCIDRMaskSize',
      `expected an integer between 1 and 30, got ${JSON.stringify(nodeCIDRMaskSize)}`,
    );
  } else if (clusterCIDR !== undefined && nodeCIDRMaskSize <= clusterCIDR.prefixLength) {
    problem(
      'nodeCIDRMaskSize',
      `/${nodeCIDRMaskSize} must be longer than the cluster CIDR's /${clusterCIDR.prefixLength}`,
    );
  }
  if (serviceCIDR !== undefined && serviceCIDR.prefixLength > 30)
    problem('serviceCIDR', 'must hold at least 4 addresses (/30 or larger)');
  for (const [nameA, a, nameB, b] of [
    ['clusterCIDR', clusterCIDR, 'serviceCIDR', serviceCIDR],
    ['clusterCIDR', clusterCIDR, 'nodeNetworkCIDR', nodeNetworkCIDR],
    ['serviceCIDR', serviceCIDR, 'nodeNetworkCIDR', nodeNetworkCIDR],
  ] as const) {
    if (a !== undefined && b !== undefined && a.overlaps(b))
      problem(nameB, `${b.toString()} overlaps ${nameA} ${a.toString()}`);
  }
  const serviceNodePortRange = portRangeField(spec.serviceNodePortRange ?? d.serviceNodePortRange, problem);
  const clusterDomain = spec.clusterDomain ?? d.clusterDomain;
  const domainProblems =
    typeof clusterDomain === 'string' ? dns1123SubdomainProblems(clusterDomain) : ['expected a string'];
  for (const reason of domainProblems) problem('clusterDomain', reason);
  const maxPodsPerNode = spec.maxPodsPerNode ?? d.maxPodsPerNode;
  if (!Number.isInteger(maxPodsPerNode) || maxPodsPerNode < 1)
    problem('maxPodsPerNode', 'expected a positive integer');

  const zones = spec.zones ?? d.zones;
  if (!Array.isArray(zones) || zones.length === 0)
    problem('zones', 'expected a non-empty list of zone names');
  else zones.forEach((zone, i) => labelValueProblems(String(zone)).forEach((r) => problem(`zones[${i}]`, r)));

  const nodes = resolveNodes(
    spec.nodes ?? d.nodes,
    Array.isArray(zones) && zones.length > 0 ? zones : ['zone-a'],
    maxPodsPerNode,
    problem,
  );
  const timings = resolveTimings(spec.timings, problem);
  const proxy = resolveProxyConfig(spec.proxy, problem);
  const dns = resolveDnsConfig(spec.dns, problem);
  const ingress = resolveIngressConfig(spec.ingress, problem);
  const external = resolveExternalConfig(spec.external, problem);

  if (issues.length > 0) throw new ClusterConfigError(issues, source);
  return {
    nodes,
    nodesGiven: spec.nodes !== undefined,
    clusterCIDR: (clusterCIDR as Ipv4Cidr).toString(),
    nodeCIDRMaskSize,
    serviceCIDR: (serviceCIDR as Ipv4Cidr).toString(),
    serviceNodePortRange: serviceNodePortRange as { base: number; size: number },
    clusterDomain,
    nodeNetworkCIDR: (nodeNetworkCIDR as Ipv4Cidr).toString(),
    loadBalancerIPPool: (loadBalancerIPPool as Ipv4Cidr).toString(),
    maxPodsPerNode,
    timings: timings as Timings,
    proxy,
    dns,
    ingress,
    external,
  };
}

/** Reads a cluster configuration file (YAML or JSON) and resolves it. */
export function loadClusterConfig(path: string): { spec: ClusterConfigSpec; config: ClusterConfig } {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new UserError(`cannot read cluster configuration ${path}: ${(error as Error).message}`);
  }
  const document = parseDocument(text, { prettyErrors: false });
  if (document.errors.length > 0) {
    const first = document.errors[0];
    const where =
      first?.linePos?.[0] === undefined ? '' : `:${first.linePos[0].line}:${first.linePos[0].col}`;
    throw new UserError(`${path}${where}: invalid YAML: ${first?.message.split('\n')[0] ?? 'parse error'}`);
  }
  const spec = (document.toJS({ maxAliasCount: 100 }) ?? {}) as ClusterConfigSpec;
  return { spec, config: resolveClusterConfig(spec, path) };
}

function cidrField(
  value: unknown,
  path: string,
  problem: (path: string, reason: string) => void,
): Ipv4Cidr | undefined {
  if (typeof value !== 'string') {
    problem(path, 'expected a CIDR string such as 10.96.0.0/12');
    return undefined;
  }
  const bad = describeBadCidr(value);
  if (bad !== undefined) {
    problem(path, bad);
    return undefined;
  }
  try {
    return parseIpv4Cidr(value);
  } catch {
    problem(path, `${value}: only IPv4 clusters are supported so far`);
    return undefined;
  }
}

function portRangeField(
  value: unknown,
  problem: (path: string, reason: string) => void,
): { base: number; size: number } | undefined {
  const match = typeof value === 'string' ? /^(\d+)-(\d+)$/.exec(value.trim()) : null;
  if (match === null) {
    problem('serviceNodePortRange', `expected "low-high" such as 30000-32767, got ${JSON.stringify(value)}`);
    return undefined;
  }
  const low = Number(match[1]);
  const high = Number(match[2]);
  if (low < 1 || high > 65535 || high < low) {
    problem('serviceNodePortRange', `${String(value)}: ports must satisfy 1 <= low <= high <= 65535`);
    return undefined;
  }
  return { base: low, size: high - low + 1 };
}

function resolveNodes(
  nodes: unknown,
  zones: readonly string[],
  maxPodsPerNode: number,
  problem: (path: string, reason: string) => void,
): NodeConfig[] {
  if (typeof nodes === 'number') {
    if (!Number.isInteger(nodes) || nodes < 0 || nodes > 5000) {
      problem('nodes', `expected a node count from 0 to 5000 (the Kubernetes scale envelope), got ${nodes}`);
      return [];
    }
    return Array.from({ length: nodes }, (_, i) => ({
      name: `node-${i + 1}`,
      zone: zones[i % zones.length],
      labels: {},
      taints: [],
      maxPods: maxPodsPerNode,
      address: undefined,
    }));
  }
  if (!Array.isArray(nodes)) {
    problem('nodes', 'expected a node count or a list of nodes');
    return [];
  }
  const seen = new Set<string>();
  return nodes.map((raw: unknown, i): NodeConfig => {
    const at = `nodes[${i}]`;
    const node = (typeof raw === 'object' && raw !== null ? raw : {}) as Partial<NodeConfigSpec>;
    if (typeof raw !== 'object' || raw === null) problem(at, 'expected a mapping with at least a name');
    for (const key of Object.keys(node))
      if (!NODE_FIELDS.has(key))
        problem(`${at}.${key}`, `unknown field (known: ${[...NODE_FIELDS].join(', ')})`);
    const name = typeof node.name === 'string' ? node.name : '';
    if (name === '') problem(`${at}.name`, 'required');
    else for (const reason of dns1123SubdomainProblems(name)) problem(`${at}.name`, reason);
    if (seen.has(name)) problem(`${at}.name`, `duplicate node name ${name}`);
    seen.add(name);
    for (const [key, value] of Object.entries(node.labels ?? {})) {
      qualifiedNameProblems(key).forEach((r) => problem(`${at}.labels[${key}]`, r));
      labelValueProblems(String(value)).forEach((r) => problem(`${at}.labels[${key}]`, r));
    }
    (node.taints ?? []).forEach((taint, t) => {
      if (!['NoSchedule', 'PreferNoSchedule', 'NoExecute'].includes(taint.effect)) {
        problem(`${at}.taints[${t}].effect`, 'expected NoSchedule, PreferNoSchedule or NoExecute');
      }
      if (typeof taint.key !== 'string' || taint.key === '') problem(`${at}.taints[${t}].key`, 'required');
    });
    const maxPods = node.maxPods ?? maxPodsPerNode;
    if (!Number.isInteger(maxPods) || maxPods < 1) problem(`${at}.maxPods`, 'expected a positive integer');
    return {
      name,
      zone: node.zone ?? node.labels?.[ZONE_LABEL] ?? zones[i % zones.length],
      labels: { ...(node.labels ?? {}) },
      taints: [...(node.taints ?? [])],
      maxPods,
      address: node.address,
    };
  });
}

function resolveTimings(
  spec: TimingsSpec | undefined,
  problem: (path: string, reason: string) => void,
): Timings | undefined {
  const given = (spec ?? {}) as Record<string, unknown>;
  const d = DEFAULT_CLUSTER_CONFIG.timings as Record<string, unknown>;
  const known = new Set<string>([
    ...DISTRIBUTION_TIMINGS,
    ...FIXED_TIMINGS,
    'defaultTolerationSeconds',
    'nodeEvictionRate',
  ]);
  for (const key of Object.keys(given))
    if (!known.has(key)) problem(`timings.${key}`, `unknown field (known: ${[...known].join(', ')})`);
  const out: Record<string, unknown> = {};
  for (const key of DISTRIBUTION_TIMINGS) {
    try {
      out[key] = parseDurationDistribution(given[key] ?? d[key], `timings.${key}`);
    } catch (error) {
      if (!(error instanceof DistributionError)) throw error;
      problem(error.path, error.reason);
    }
  }
  for (const key of FIXED_TIMINGS) {
    const value = given[key] ?? d[key];
    try {
      out[key] = parseDuration(String(value));
    } catch (error) {
      problem(`timings.${key}`, (error as Error).message);
    }
  }
  const toleration = given['defaultTolerationSeconds'] ?? d['defaultTolerationSeconds'];
  if (typeof toleration !== 'number' || !Number.isInteger(toleration) || toleration < 0) {
    problem('timings.defaultTolerationSeconds', 'expected a non-negative integer number of seconds');
  }
  out['defaultTolerationSeconds'] = toleration;
  const rate = given['nodeEvictionRate'] ?? d['nodeEvictionRate'];
  if (typeof rate !== 'number' || !(rate > 0))
    problem('timings.nodeEvictionRate', 'expected a positive number of nodes per second');
  out['nodeEvictionRate'] = rate;
  return out as unknown as Timings;
}

const INGRESS_FIELDS = new Set(['controller', 'replicas']);

function resolveIngressConfig(
  spec: IngressConfigSpec | undefined,
  problem: (path: string, reason: string) => void,
): IngressConfig {
  const given = (spec ?? {}) as IngressConfigSpec & Record<string, unknown>;
  for (const key of Object.keys(given))
    if (!INGRESS_FIELDS.has(key))
      problem(`ingress.${key}`, `unknown field (known: ${[...INGRESS_FIELDS].join(', ')})`);
  const controller = given.controller ?? 'auto';
  if (controller !== 'auto' && typeof controller !== 'boolean')
    problem('ingress.controller', 'expected auto, true or false');
  const replicas = given.replicas ?? 1;
  if (!Number.isInteger(replicas) || replicas < 0)
    problem('ingress.replicas', 'expected a non-negative integer');
  return { controller, replicas };
}

const EXTERNAL_FIELDS = new Set(['endpoints']);
const EXTERNAL_ENDPOINT_FIELDS = new Set(['name', 'address', 'ports', 'latency', 'behaviour']);

function resolveExternalConfig(
  spec: ExternalConfigSpec | undefined,
  problem: (path: string, reason: string) => void,
): ExternalConfig {
  const given = (spec ?? {}) as ExternalConfigSpec & Record<string, unknown>;
  for (const key of Object.keys(given))
    if (!EXTERNAL_FIELDS.has(key))
      problem(`external.${key}`, `unknown field (known: ${[...EXTERNAL_FIELDS].join(', ')})`);
  const endpoints: ExternalEndpoint[] = [];
  const list: unknown = given.endpoints ?? [];
  if (!Array.isArray(list)) {
    problem('external.endpoints', 'expected a list');
    return { endpoints };
  }
  list.forEach((raw: unknown, i) => {
    const path = `external.endpoints[${i}]`;
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
      problem(path, 'expected an object with address');
      return;
    }
    const entry = raw as ExternalEndpointSpec & Record<string, unknown>;
    for (const key of Object.keys(entry))
      if (!EXTERNAL_ENDPOINT_FIELDS.has(key))
        problem(`${path}.${key}`, `unknown field (known: ${[...EXTERNAL_ENDPOINT_FIELDS].join(', ')})`);
    const address = entry.address;
    if (
      typeof address !== 'string' ||
      (parseIpv4(address) === undefined && tryParseCidr(address)?.family !== 'IPv4')
    ) {
      problem(`${path}.address`, 'expected an IPv4 address or CIDR');
      return;
    }
    const ports = entry.ports;
    if (
      ports !== undefined &&
      (!Array.isArray(ports) || ports.some((port) => !Number.isInteger(port) || port < 1 || port > 65535))
    )
      problem(`${path}.ports`, 'expected a list of port numbers from 1 to 65535');
    const behaviour = entry.behaviour ?? 'accept';
    if (!['accept', 'refuse', 'timeout'].includes(behaviour))
      problem(`${path}.behaviour`, 'expected accept, refuse or timeout');
    let latency: DurationDistribution | undefined;
    if (entry.latency !== undefined) {
      try {
        latency = parseDurationDistribution(entry.latency, `${path}.latency`);
      } catch (error) {
        if (!(error instanceof DistributionError)) throw error;
        problem(error.path, error.reason);
      }
    }
    endpoints.push({
      name: typeof entry.name === 'string' && entry.name !== '' ? entry.name : address,
      address,
      ports: ports === undefined ? undefined : [...ports],
      latency,
      behaviour,
    });
  });
  return { endpoints };
}

const DNS_FIELDS = new Set(['enabled', 'replicas', 'ttl', 'pods', 'upstream']);

function resolveDnsConfig(
  spec: DnsConfigSpec | undefined,
  problem: (path: string, reason: string) => void,
): DnsConfig {
  const given = (spec ?? {}) as DnsConfigSpec & Record<string, unknown>;
  for (const key of Object.keys(given))
    if (!DNS_FIELDS.has(key)) problem(`dns.${key}`, `unknown field (known: ${[...DNS_FIELDS].join(', ')})`);
  const replicas = given.replicas ?? 2;
  if (!Number.isInteger(replicas) || replicas < 0) problem('dns.replicas', 'expected a non-negative integer');
  const ttl = given.ttl ?? 30;
  if (!Number.isInteger(ttl) || ttl < 0 || ttl > 3600)
    problem('dns.ttl', 'expected whole seconds from 0 to 3600');
  const pods = given.pods ?? 'insecure';
  if (!['insecure', 'verified', 'disabled'].includes(pods))
    problem('dns.pods', 'expected insecure, verified or disabled');
  const records = given.upstream?.records ?? [];
  records.forEach((record, i) => {
    if (typeof record.name !== 'string' || record.name === '')
      problem(`dns.upstream.records[${i}].name`, 'required');
    if (!['A', 'AAAA', 'CNAME', 'TXT', 'SRV', 'PTR', 'MX', 'NS'].includes(record.type))
      problem(`dns.upstream.records[${i}].type`, `unsupported record type ${JSON.stringify(record.type)}`);
    if (typeof record.data !== 'string' || record.data === '')
      problem(`dns.upstream.records[${i}].data`, 'required');
  });
  return {
    enabled: given.enabled ?? true,
    replicas,
    ttl,
    pods,
    upstream: { records: [...records], servfail: [...(given.upstream?.servfail ?? [])] },
  };
}
