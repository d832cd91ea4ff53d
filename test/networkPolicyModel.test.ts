import { randomInt } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  validateObject,
  type IpBlock,
  type LabelSelector,
  type LabelSelectorRequirement,
  type Namespace,
  type NetworkPolicy,
  type NetworkPolicyEgressRule,
  type NetworkPolicyIngressRule,
  type NetworkPolicyPeer,
  type NetworkPolicyPort,
  type Pod,
  type Protocol,
  type Service,
} from '../packages/api/src/index.js';
import { SECOND } from '../packages/core/src/index.js';
import { Cluster } from '../packages/control-plane/src/index.js';
import { DataPlane, type ConnectResult } from '../packages/kube-proxy/src/index.js';

// Model-based test of NetworkPolicy in the running simulation: random sequences of policy,
// pod-label and namespace-label changes against a live Cluster + DataPlane, and after each
// change (once every node's agent has caught up) every pod pair's verdict compared with a
// reference written straight from the NetworkPolicy semantics (docs/network-policy.md), not
// with @knsim/network-policy, so a shared misreading cannot hide.

// ---------------------------------------------------------------------------------------------
// The world: 3 nodes, 3 labelled namespaces, 6 bare pods pinned across the nodes.

type Labels = Readonly<Record<string, string>>;

interface DeclaredPort {
  readonly name?: string;
  readonly containerPort: number;
  readonly protocol: Protocol;
}

interface PodSpecInput {
  readonly namespace: string;
  readonly name: string;
  readonly node: string;
  readonly labels: Labels;
  readonly ports: readonly DeclaredPort[];
}

const NAMESPACES: Readonly<Record<string, Labels>> = {
  alpha: { team: 'a', env: 'prod' },
  beta: { team: 'b', env: 'dev' },
  gamma: { team: 'a', env: 'dev' },
};

// Named ports collide on purpose (`http` is 8080 on web and job but 9000 on api; `dns` is UDP on
// dns and job): a named port must resolve on the destination pod, with the rule's protocol.
// client declares no ports, so it listens on every port (and a refused probe proves little).
const PODS: readonly PodSpecInput[] = [
  {
    namespace: 'alpha',
    name: 'web',
    node: 'node-1',
    labels: { app: 'web', tier: 'front', svc: 'backend' },
    ports: [{ name: 'http', containerPort: 8080, protocol: 'TCP' }],
  },
  {
    namespace: 'alpha',
    name: 'db',
    node: 'node-2',
    labels: { app: 'db', tier: 'back', svc: 'backend' },
    ports: [{ name: 'metrics', containerPort: 9000, protocol: 'TCP' }],
  },
  { namespace: 'alpha', name: 'client', node: 'node-3', labels: { app: 'client' }, ports: [] },
  {
    namespace: 'beta',
    name: 'dns',
    node: 'node-3',
    labels: { app: 'dns', tier: 'back' },
    ports: [
      { name: 'dns', containerPort: 53, protocol: 'UDP' },
      { name: 'dns-tcp', containerPort: 53, protocol: 'TCP' },
    ],
  },
  {
    namespace: 'beta',
    name: 'api',
    node: 'node-2',
    labels: { app: 'api', tier: 'front' },
    ports: [
      { name: 'http', containerPort: 9000, protocol: 'TCP' },
      { name: 'sig', containerPort: 443, protocol: 'SCTP' },
    ],
  },
  {
    namespace: 'gamma',
    name: 'job',
    node: 'node-1',
    labels: { app: 'job', role: 'x' },
    ports: [
      { name: 'http', containerPort: 8080, protocol: 'TCP' },
      { name: 'dns', containerPort: 53, protocol: 'UDP' },
    ],
  },
];

const podKey = (pod: PodSpecInput): string => `${pod.namespace}/${pod.name}`;

function podManifest(pod: PodSpecInput, labels: Labels): Pod {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: pod.name, namespace: pod.namespace, labels },
    spec: {
      nodeName: pod.node,
      containers: [
        {
          name: 'c',
          image: 'img',
          ...(pod.ports.length === 0
            ? {}
            : {
                ports: pod.ports.map((p) => ({
                  ...(p.name === undefined ? {} : { name: p.name }),
                  containerPort: p.containerPort,
                  protocol: p.protocol,
                })),
              }),
        },
      ],
    },
  };
}

function namespaceManifest(name: string, labels: Labels): Namespace {
  return { apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels } };
}

// A ClusterIP Service in front of web (listens on 8080) and db (does not: allowed = refused).
const SERVICE: Service = {
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name: 'backend', namespace: 'alpha' },
  spec: { selector: { svc: 'backend' }, ports: [{ port: 80, targetPort: 8080, protocol: 'TCP' }] },
};

const CLUSTER_SEED = 11;

interface Real {
  readonly cluster: Cluster;
  readonly dataPlane: DataPlane;
  readonly ips: ReadonlyMap<string, string>;
  readonly clusterIP: string;
}

function buildCluster(): Real {
  const cluster = new Cluster({
    seed: CLUSTER_SEED,
    config: { nodes: 3 },
    manifests: [
      ...Object.entries(NAMESPACES).map(([name, labels]) => namespaceManifest(name, labels)),
      ...PODS.map((pod) => podManifest(pod, pod.labels)),
      SERVICE,
    ],
  });
  const dataPlane = new DataPlane(cluster); // attached before convergence: it follows the log
  cluster.converge();
  cluster.runFor(10 * SECOND); // every kube-proxy has programmed the Service
  const ips = new Map<string, string>();
  for (const pod of PODS) {
    const record = cluster.state.pods.get(podKey(pod));
    if (record?.podIP === undefined || !record.containersRunning)
      throw new Error(`${podKey(pod)} did not start`);
    ips.set(podKey(pod), record.podIP);
  }
  const clusterIP = cluster.state.services.get('alpha/backend')?.service.spec.clusterIP;
  if (clusterIP === undefined) throw new Error('alpha/backend has no ClusterIP');
  return { cluster, dataPlane, ips, clusterIP };
}

// One cluster built up front: the same seed gives the same pod IPs and node podCIDRs in every
// run, so the ipBlock generator can aim at real pod addresses.
const template = buildCluster();
const CLUSTER_CIDR = template.cluster.config.clusterCIDR;
const NODE_CIDRS = [...template.cluster.state.nodes.values()]
  .map((node) => node.podCIDR)
  .filter((cidr): cidr is string => cidr !== undefined);
const POD_IPS = [...template.ips.values()];
const webIP = template.ips.get('alpha/web') ?? '';

// ---------------------------------------------------------------------------------------------
// IPv4 math for the reference (its own, not @knsim/api's).

function ipv4(text: string): number {
  const parts = text.split('.').map(Number);
  return (((parts[0] ?? 0) << 24) | ((parts[1] ?? 0) << 16) | ((parts[2] ?? 0) << 8) | (parts[3] ?? 0)) >>> 0;
}

/** Base and mask of a CIDR; host bits are masked away, as Go's ParseCIDR does. */
function cidrOf(text: string): { base: number; mask: number; prefix: number } {
  const [address = '', length = '32'] = text.split('/');
  const prefix = Number(length);
  const mask = prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
  return { base: (ipv4(address) & mask) >>> 0, mask, prefix };
}

function inCidr(ip: string, cidr: string): boolean {
  const { base, mask } = cidrOf(cidr);
  return (ipv4(ip) & mask) >>> 0 === base;
}

function strictlyInside(inner: string, outer: string): boolean {
  const a = cidrOf(inner);
  const b = cidrOf(outer);
  return a.prefix > b.prefix && (a.base & b.mask) >>> 0 === b.base;
}

// ---------------------------------------------------------------------------------------------
// The reference: straight from the semantics (k8s.io/api networking/v1 types.go and the docs).

interface World {
  readonly policies: ReadonlyMap<string, NetworkPolicy>;
  readonly podLabels: ReadonlyMap<string, Labels>;
  readonly namespaceLabels: ReadonlyMap<string, Labels>;
}

interface Expected {
  readonly allowed: boolean;
  /** Denied: the policies isolating the denying end; allowed: those admitting (both ends). */
  readonly policies: readonly string[];
}

function selects(selector: LabelSelector, labels: Labels): boolean {
  const has = (key: string) => Object.hasOwn(labels, key);
  return (
    Object.entries(selector.matchLabels ?? {}).every(([key, value]) => labels[key] === value) &&
    (selector.matchExpressions ?? []).every((r) => {
      const values = r.values ?? [];
      if (r.operator === 'In') return has(r.key) && values.includes(labels[r.key] ?? '');
      if (r.operator === 'NotIn') return !has(r.key) || !values.includes(labels[r.key] ?? '');
      return r.operator === 'Exists' ? has(r.key) : !has(r.key);
    })
  );
}

function reference(
  world: World,
  src: PodSpecInput,
  dst: PodSpecInput,
  port: number,
  protocol: Protocol,
  ips: ReadonlyMap<string, string>,
): Expected {
  const labelsOf = (pod: PodSpecInput) => world.podLabels.get(podKey(pod)) ?? {};
  const namespaceLabels = (ns: string) => ({
    ...world.namespaceLabels.get(ns),
    'kubernetes.io/metadata.name': ns,
  });
  // policyTypes: an explicit non-empty list wins; else Ingress, plus Egress with an egress rule.
  const types = (p: NetworkPolicy) =>
    p.spec.policyTypes !== undefined && p.spec.policyTypes.length > 0
      ? p.spec.policyTypes
      : (p.spec.egress ?? []).length > 0
        ? ['Ingress', 'Egress']
        : ['Ingress'];
  const isolating = (pod: PodSpecInput, type: 'Ingress' | 'Egress') =>
    [...world.policies]
      .filter(([, p]) => p.metadata.namespace === pod.namespace && selects(p.spec.podSelector, labelsOf(pod)))
      .filter(([, p]) => types(p).includes(type))
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const peerMatches = (peer: NetworkPolicyPeer, policyNamespace: string, other: PodSpecInput): boolean => {
    if (peer.ipBlock !== undefined) {
      const ip = ips.get(podKey(other)) ?? '';
      return inCidr(ip, peer.ipBlock.cidr) && !(peer.ipBlock.except ?? []).some((e) => inCidr(ip, e));
    }
    if (peer.namespaceSelector === undefined)
      return (
        peer.podSelector !== undefined &&
        other.namespace === policyNamespace &&
        selects(peer.podSelector, labelsOf(other))
      );
    return (
      selects(peer.namespaceSelector, namespaceLabels(other.namespace)) &&
      (peer.podSelector === undefined || selects(peer.podSelector, labelsOf(other)))
    );
  };
  // Ports: absent or empty = all; protocol defaults to TCP; named ports resolve on the destination.
  const portMatches = (ports: readonly NetworkPolicyPort[] | undefined): boolean =>
    ports === undefined ||
    ports.length === 0 ||
    ports.some((p) => {
      const proto = p.protocol ?? 'TCP';
      if (proto !== protocol) return false;
      if (p.port === undefined) return true;
      if (typeof p.port === 'string')
        return dst.ports.some((c) => c.name === p.port && c.protocol === proto && c.containerPort === port);
      return p.endPort === undefined ? p.port === port : p.port <= port && port <= p.endPort;
    });
  // Of the policies isolating `subject` for `type`, those with a rule admitting `peer` (union).
  const admitting = (subject: PodSpecInput, type: 'Ingress' | 'Egress', peer: PodSpecInput) =>
    isolating(subject, type)
      .filter(([, p]) => {
        const ns = p.metadata.namespace ?? 'default';
        const rules =
          type === 'Ingress'
            ? (p.spec.ingress ?? []).map((rule) => ({ peers: rule.from ?? [], ports: rule.ports }))
            : (p.spec.egress ?? []).map((rule) => ({ peers: rule.to ?? [], ports: rule.ports }));
        // Peers absent or empty = every peer; otherwise any of them (OR across list items).
        return rules.some(
          (rule) =>
            (rule.peers.length === 0 || rule.peers.some((x) => peerMatches(x, ns, peer))) &&
            portMatches(rule.ports),
        );
      })
      .map(([key]) => key);
  // Both ends must allow; egress is judged (and reported) first.
  const egressIsolating = isolating(src, 'Egress').map(([key]) => key);
  const egress = admitting(src, 'Egress', dst);
  if (egressIsolating.length > 0 && egress.length === 0) return { allowed: false, policies: egressIsolating };
  const ingressIsolating = isolating(dst, 'Ingress').map(([key]) => key);
  const ingress = admitting(dst, 'Ingress', src);
  if (ingressIsolating.length > 0 && ingress.length === 0)
    return { allowed: false, policies: ingressIsolating };
  return { allowed: true, policies: [...new Set([...egress, ...ingress])].sort() };
}

// ---------------------------------------------------------------------------------------------
// Generators.

const POD_VOCABULARY: Readonly<Record<string, readonly string[]>> = {
  app: ['web', 'db', 'client', 'dns', 'api', 'job'],
  tier: ['front', 'back'],
  role: ['x', 'y'],
  svc: ['backend'],
};
const NAMESPACE_VOCABULARY: Readonly<Record<string, readonly string[]>> = {
  team: ['a', 'b'],
  env: ['prod', 'dev'],
  'kubernetes.io/metadata.name': Object.keys(NAMESPACES),
};

function selectorArb(vocabulary: Readonly<Record<string, readonly string[]>>): fc.Arbitrary<LabelSelector> {
  const keys = Object.keys(vocabulary);
  const valuesOf = (key: string) => vocabulary[key] ?? [];
  const pair = fc
    .constantFrom(...keys)
    .chain((key) => fc.constantFrom(...valuesOf(key)).map((value) => [key, value] as const));
  const requirement: fc.Arbitrary<LabelSelectorRequirement> = fc.constantFrom(...keys).chain((key) =>
    fc.oneof(
      fc.record({
        key: fc.constant(key),
        operator: fc.constantFrom('In' as const, 'NotIn' as const),
        values: fc.subarray([...valuesOf(key)], { minLength: 1 }),
      }),
      fc.record({
        key: fc.constant(key),
        operator: fc.constantFrom('Exists' as const, 'DoesNotExist' as const),
      }),
    ),
  );
  return fc.record(
    {
      matchLabels: fc.array(pair, { maxLength: 2 }).map((pairs) => Object.fromEntries(pairs)),
      matchExpressions: fc.array(requirement, { minLength: 1, maxLength: 1 }),
    },
    { requiredKeys: [] },
  );
}

const podSelector = selectorArb(POD_VOCABULARY);
const namespaceSelector = selectorArb(NAMESPACE_VOCABULARY);

// Blocks aimed at the pods: the cluster CIDR, node podCIDRs, single pods, everything, nothing,
// and one with host bits set (masked); excepts are strict sub-blocks among the same candidates.
const CIDRS = [
  CLUSTER_CIDR,
  ...NODE_CIDRS,
  ...POD_IPS.map((ip) => `${ip}/32`),
  '0.0.0.0/0',
  '192.168.0.0/16',
  `${webIP}/24`,
];
const ipBlock: fc.Arbitrary<IpBlock> = fc.constantFrom(...CIDRS).chain((cidr) => {
  const inside = CIDRS.filter((e) => e !== `${webIP}/24` && strictlyInside(e, cidr));
  if (inside.length === 0) return fc.constant({ cidr });
  // Mostly with an except: the case where a pod inside the block is carved out again.
  return fc.oneof(
    fc.constant({ cidr }),
    fc
      .subarray(inside, { minLength: 1, maxLength: Math.min(2, inside.length) })
      .map((except) => ({ cidr, except })),
    fc
      .subarray(inside, { minLength: 1, maxLength: Math.min(2, inside.length) })
      .map((except) => ({ cidr, except })),
  );
});

const peer: fc.Arbitrary<NetworkPolicyPeer> = fc.oneof(
  fc.record({ podSelector }),
  fc.record({ namespaceSelector }),
  fc.record({ podSelector, namespaceSelector }),
  ipBlock.map((block) => ({ ipBlock: block })),
);

const protocol = fc.option(fc.constantFrom<Protocol>('TCP', 'UDP', 'SCTP'), { nil: undefined });
const withProtocol = (p: Protocol | undefined, rest: NetworkPolicyPort): NetworkPolicyPort =>
  p === undefined ? rest : { protocol: p, ...rest };
const policyPort: fc.Arbitrary<NetworkPolicyPort> = fc.oneof(
  protocol.map((p) => withProtocol(p, {})), // every port of one protocol
  fc
    .tuple(protocol, fc.constantFrom(53, 443, 8080, 9000, 9001))
    .map(([p, port]) => withProtocol(p, { port })),
  fc
    .tuple(protocol, fc.constantFrom('http', 'dns', 'dns-tcp', 'sig', 'metrics', 'nope'))
    .map(([p, port]) => withProtocol(p, { port })),
  fc
    .tuple(
      protocol,
      fc.constantFrom([50, 60], [400, 9000], [8080, 8080], [9000, 9100], [1, 65535], [444, 8079]),
    )
    .map(([p, [port = 1, endPort = 1]]) => withProtocol(p, { port, endPort })),
);

// undefined, [] or a few: absent and empty peer/port lists both mean "all".
// Mostly non-empty: a rule open to every peer or port masks the others in the union.
const optionalList = <T>(item: fc.Arbitrary<T>): fc.Arbitrary<readonly T[] | undefined> =>
  fc.oneof(
    { arbitrary: fc.constant(undefined), weight: 1 },
    { arbitrary: fc.constant([]), weight: 1 },
    { arbitrary: fc.array(item, { minLength: 1, maxLength: 2 }), weight: 4 },
  );

const ingressRule: fc.Arbitrary<NetworkPolicyIngressRule> = fc
  .tuple(optionalList(peer), optionalList(policyPort))
  .map(([from, ports]) => ({
    ...(from === undefined ? {} : { from }),
    ...(ports === undefined ? {} : { ports }),
  }));
const egressRule: fc.Arbitrary<NetworkPolicyEgressRule> = fc
  .tuple(optionalList(peer), optionalList(policyPort))
  .map(([to, ports]) => ({ ...(to === undefined ? {} : { to }), ...(ports === undefined ? {} : { ports }) }));

// Rule lists: absent, `[]` (deny all when the direction is in effect), `[{}]` (allow all), or 1-2.
const rules = <T>(rule: fc.Arbitrary<T>): fc.Arbitrary<readonly T[] | undefined> =>
  fc.oneof(
    { arbitrary: fc.constant(undefined), weight: 1 },
    { arbitrary: fc.constant([]), weight: 1 },
    { arbitrary: fc.constant([{} as T]), weight: 1 },
    { arbitrary: fc.array(rule, { minLength: 1, maxLength: 2 }), weight: 4 },
  );

const policyTypes = fc.constantFrom(
  undefined,
  ['Ingress'] as const,
  ['Egress'] as const,
  ['Ingress', 'Egress'] as const,
);

const networkPolicy: fc.Arbitrary<NetworkPolicy> = fc
  .record({
    namespace: fc.constantFrom(...Object.keys(NAMESPACES)),
    name: fc.constantFrom('p0', 'p1', 'p2'),
    // `{}` (the whole namespace) often, or isolation stays too rare to exercise much.
    podSelector: fc.oneof(fc.constant({}), podSelector),
    policyTypes,
    ingress: rules(ingressRule),
    egress: rules(egressRule),
  })
  .map(({ namespace, name, podSelector: selector, policyTypes: types, ingress, egress }) => ({
    apiVersion: 'networking.k8s.io/v1' as const,
    kind: 'NetworkPolicy' as const,
    metadata: { name, namespace },
    spec: {
      podSelector: selector,
      ...(types === undefined ? {} : { policyTypes: types }),
      ...(ingress === undefined ? {} : { ingress }),
      ...(egress === undefined ? {} : { egress }),
    },
  }));

const optionalLabel = (values: readonly string[]) =>
  fc.option(fc.constantFrom(...values), { nil: undefined });
const compact = (labels: Record<string, string | undefined>): Labels =>
  Object.fromEntries(
    Object.entries(labels).filter((entry): entry is [string, string] => entry[1] !== undefined),
  );

// ---------------------------------------------------------------------------------------------
// Commands.

interface Model {
  readonly policies: Map<string, NetworkPolicy>;
  readonly podLabels: Map<string, Labels>;
  readonly namespaceLabels: Map<string, Labels>;
}

type Checker = (model: Model, real: Real) => void;
type Command = fc.Command<Model, Real>;

/** Beyond the 5 s cap of the default enforcement delay: every node's agent has caught up. */
const SETTLE = 6 * SECOND;

class ApplyPolicy implements Command {
  constructor(
    readonly policy: NetworkPolicy,
    readonly verify: Checker,
  ) {}
  check = () => true;
  run(model: Model, real: Real): void {
    // The generator only builds what the API server admits (warnings, e.g. host bits, are fine).
    expect(validateObject(this.policy).filter((issue) => issue.severity === 'error')).toEqual([]);
    model.policies.set(`${this.policy.metadata.namespace}/${this.policy.metadata.name}`, this.policy);
    real.cluster.apply(this.policy);
    real.cluster.runFor(SETTLE);
    this.verify(model, real);
  }
  toString = () =>
    `ApplyPolicy(${this.policy.metadata.namespace}/${this.policy.metadata.name} ${JSON.stringify(this.policy.spec)})`;
}

class DeletePolicy implements Command {
  constructor(
    readonly pick: number,
    readonly verify: Checker,
  ) {}
  check = (model: Readonly<Model>) => model.policies.size > 0;
  run(model: Model, real: Real): void {
    const keys = [...model.policies.keys()].sort();
    const key = keys[this.pick % keys.length] as string;
    const [namespace = '', name = ''] = key.split('/');
    model.policies.delete(key);
    real.cluster.delete('NetworkPolicy', namespace, name);
    real.cluster.runFor(SETTLE);
    this.verify(model, real);
  }
  toString = () => `DeletePolicy(#${this.pick})`;
}

class RelabelPod implements Command {
  constructor(
    readonly pod: PodSpecInput,
    readonly labels: Labels,
    readonly verify: Checker,
  ) {}
  check = () => true;
  run(model: Model, real: Real): void {
    // Re-applying a bare pod with only new labels is a label update (PodLabelsChanged).
    model.podLabels.set(podKey(this.pod), this.labels);
    real.cluster.apply(podManifest(this.pod, this.labels));
    real.cluster.runFor(SETTLE);
    this.verify(model, real);
  }
  toString = () => `RelabelPod(${podKey(this.pod)} ${JSON.stringify(this.labels)})`;
}

class RelabelNamespace implements Command {
  constructor(
    readonly namespace: string,
    readonly labels: Labels,
    readonly verify: Checker,
  ) {}
  check = () => true;
  run(model: Model, real: Real): void {
    model.namespaceLabels.set(this.namespace, this.labels);
    real.cluster.apply(namespaceManifest(this.namespace, this.labels));
    real.cluster.runFor(SETTLE);
    this.verify(model, real);
  }
  toString = () => `RelabelNamespace(${this.namespace} ${JSON.stringify(this.labels)})`;
}

function commands(verify: Checker, maxCommands: number) {
  return fc.commands(
    [
      // Policies weigh most: they are where the semantics live.
      networkPolicy.map((policy) => new ApplyPolicy(policy, verify)),
      networkPolicy.map((policy) => new ApplyPolicy(policy, verify)),
      fc.nat().map((pick) => new DeletePolicy(pick, verify)),
      fc
        .record({
          pod: fc.constantFrom(...PODS),
          app: optionalLabel(POD_VOCABULARY['app'] ?? []),
          tier: optionalLabel(POD_VOCABULARY['tier'] ?? []),
          role: optionalLabel(POD_VOCABULARY['role'] ?? []),
        })
        // `svc` stays: it keeps the Service's endpoints (and kube-proxy's rules) fixed.
        .map(
          ({ pod, app, tier, role }) =>
            new RelabelPod(pod, compact({ app, tier, role, svc: pod.labels['svc'] }), verify),
        ),
      fc
        .record({
          namespace: fc.constantFrom(...Object.keys(NAMESPACES)),
          team: optionalLabel(NAMESPACE_VOCABULARY['team'] ?? []),
          env: optionalLabel(NAMESPACE_VOCABULARY['env'] ?? []),
        })
        .map(({ namespace, team, env }) => new RelabelNamespace(namespace, compact({ team, env }), verify)),
    ],
    { maxCommands },
  );
}

function initialModel(): Model {
  return {
    policies: new Map(),
    podLabels: new Map(PODS.map((pod) => [podKey(pod), pod.labels])),
    namespaceLabels: new Map(Object.entries(NAMESPACES)),
  };
}

// ---------------------------------------------------------------------------------------------
// Checks.

const PROBES: readonly { port: number; protocol: Protocol }[] = [
  { port: 8080, protocol: 'TCP' },
  { port: 53, protocol: 'UDP' },
  { port: 53, protocol: 'TCP' },
  { port: 9000, protocol: 'TCP' },
  { port: 443, protocol: 'SCTP' },
];

interface Tally {
  allowed: number;
  denied: number;
  refused: number;
  /** Allowed by the rules of a policy isolating one end (not merely unisolated). */
  admitted: number;
}

function compare(actual: ConnectResult, expected: Expected, what: string, tally: Tally): void {
  if (expected.allowed) {
    // Refused = nothing listens there: still allowed by policy.
    expect(['connected', 'refused'], `${what}: ${actual.reason}`).toContain(actual.result);
    tally.allowed++;
    if (actual.result === 'refused') tally.refused++;
    if (expected.policies.length > 0) tally.admitted++;
  } else {
    expect(actual.result, `${what}: ${actual.reason}`).toBe('denied');
    tally.denied++;
  }
  expect(actual.policies, `${what}: policies`).toEqual(expected.policies);
}

function podToPod(tally: Tally): Checker {
  return (model, real) => {
    for (const src of PODS) {
      for (const dst of PODS) {
        if (src === dst) continue; // a pod to itself is implementation-defined
        const ip = real.ips.get(podKey(dst)) ?? '';
        for (const { port, protocol: proto } of PROBES) {
          const actual = real.dataPlane.connect(
            { kind: 'pod', pod: podKey(src) },
            { ip, port, protocol: proto },
            { trace: false },
          );
          const expected = reference(model, src, dst, port, proto, real.ips);
          compare(actual, expected, `${podKey(src)} -> ${podKey(dst)} ${proto}/${port}`, tally);
        }
      }
    }
  };
}

const BACKENDS = PODS.filter((pod) => pod.labels['svc'] === 'backend');

function throughService(tally: Tally): Checker {
  return (model, real) => {
    for (const src of PODS) {
      for (const backend of BACKENDS) {
        if (src === backend) continue; // hairpin to itself: implementation-defined
        const endpoint = real.ips.get(podKey(backend)) ?? '';
        const actual = real.dataPlane.connect(
          { kind: 'pod', pod: podKey(src) },
          { ip: real.clusterIP, port: 80, protocol: 'TCP' },
          { trace: false, endpoint },
        );
        // Judged after DNAT: the backend pod's policies, at the target port.
        const expected = reference(model, src, backend, 8080, 'TCP', real.ips);
        const what = `${podKey(src)} -> alpha/backend (${podKey(backend)}) TCP/80`;
        expect(actual.backend?.pod, `${what}: ${actual.reason}`).toBe(podKey(backend));
        compare(actual, expected, what, tally);
      }
    }
  };
}

// ---------------------------------------------------------------------------------------------

// CI: a fixed seed. Deep mode (KNSIM_DEEP=1, nightly): many more and longer runs from a random
// seed, printed in the test name; KNSIM_SEED=<n> replays one.
const DEEP = process.env['KNSIM_DEEP'] === '1';
const SEED =
  process.env['KNSIM_SEED'] !== undefined
    ? Number(process.env['KNSIM_SEED'])
    : DEEP
      ? randomInt(2 ** 31)
      : 4242;
const RUNS = DEEP ? 500 : 50;
const MAX_COMMANDS = DEEP ? 20 : 10;
const TIMEOUT = DEEP ? 10 * 60_000 : undefined; // 500 runs take 15 s here; leave room on slower machines

function runModel(verify: Checker): void {
  fc.assert(
    fc.property(commands(verify, MAX_COMMANDS), (cmds) => {
      fc.modelRun(() => ({ model: initialModel(), real: buildCluster() }), cmds);
    }),
    { seed: SEED, numRuns: RUNS },
  );
}

// Every verdict kind must be common, or agreement proves little (measured at seed 4242: about
// 18% denied, 12% allowed by an isolating policy's rule, the rest unisolated; half of the
// allowed ones refused because nothing listens there).
function expectVariety(tally: Tally): void {
  const total = tally.allowed + tally.denied;
  expect(tally.denied, 'denied verdicts').toBeGreaterThan(total / 10);
  expect(tally.allowed, 'allowed verdicts').toBeGreaterThan(total / 2);
  expect(tally.admitted, 'allowed by an isolating policy').toBeGreaterThan(total / 20);
  expect(tally.refused, 'allowed but refused').toBeGreaterThan(0);
}

describe('NetworkPolicy in the running simulation against a reference model', () => {
  it(
    `given random policy, pod-label and namespace-label changes, when every node's agent has caught up, then each pod pair's verdict and deciding policies match the reference (seed ${SEED}, ${RUNS} runs, up to ${MAX_COMMANDS} commands)`,
    () => {
      const tally: Tally = { allowed: 0, denied: 0, refused: 0, admitted: 0 };
      runModel(podToPod(tally));
      expectVariety(tally);
    },
    TIMEOUT,
  );

  it(
    `given a ClusterIP Service over two pods and the same random changes, when a pod connects through it to a chosen backend, then the verdict is the backend pod's (seed ${SEED}, ${RUNS} runs, up to ${MAX_COMMANDS} commands)`,
    () => {
      const tally: Tally = { allowed: 0, denied: 0, refused: 0, admitted: 0 };
      runModel(throughService(tally));
      expectVariety(tally); // refused: db does not listen on 8080, yet policy allows it
    },
    TIMEOUT,
  );
});
