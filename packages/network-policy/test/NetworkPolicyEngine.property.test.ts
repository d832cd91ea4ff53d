import type {
  LabelSelector,
  NetworkPolicy,
  NetworkPolicyPeer,
  NetworkPolicyPort,
  PolicyType,
  Protocol,
  StringMap,
} from '@knsim/api';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  NetworkPolicyEngine,
  type PolicyConnection,
  type PolicyEndpoint,
  type PolicyNamespaceInfo,
  type PolicyPodInfo,
} from '../src/index.js';

// --- A reference written straight from the Kubernetes semantics, sharing no code with src/. ---

function selectorMatches(selector: LabelSelector, labels: StringMap): boolean {
  for (const [key, value] of Object.entries(selector.matchLabels ?? {}))
    if (labels[key] !== value) return false;
  for (const { key, operator, values = [] } of selector.matchExpressions ?? []) {
    const has = Object.hasOwn(labels, key);
    const value = labels[key];
    if (operator === 'In' && !(has && values.includes(value as string))) return false;
    if (operator === 'NotIn' && has && values.includes(value as string)) return false;
    if (operator === 'Exists' && !has) return false;
    if (operator === 'DoesNotExist' && has) return false;
  }
  return true;
}

function ipv4(text: string): number | undefined {
  const parts = text.split('.');
  if (parts.length !== 4) return undefined;
  return parts.reduce((value, part) => value * 256 + Number(part), 0);
}

function inCidr(address: string, cidr: string): boolean {
  const [base = '', bits = '32'] = cidr.split('/');
  const value = ipv4(address);
  const network = ipv4(base);
  if (value === undefined || network === undefined) return false;
  const size = 2 ** (32 - Number(bits));
  return Math.floor(value / size) === Math.floor(network / size);
}

function referenceAllows(
  policies: readonly NetworkPolicy[],
  namespaces: readonly PolicyNamespaceInfo[],
  connection: PolicyConnection,
): boolean {
  const nsLabels = (name: string): StringMap => ({
    ...(namespaces.find((namespace) => namespace.name === name)?.labels ?? {}),
    'kubernetes.io/metadata.name': name,
  });
  const types = (policy: NetworkPolicy): readonly PolicyType[] =>
    policy.spec.policyTypes !== undefined && policy.spec.policyTypes.length > 0
      ? policy.spec.policyTypes
      : (policy.spec.egress ?? []).length > 0
        ? ['Ingress', 'Egress']
        : ['Ingress'];
  const addresses = (endpoint: PolicyEndpoint): readonly string[] =>
    endpoint.kind === 'pod' ? (endpoint.ip === undefined ? endpoint.pod.ips : [endpoint.ip]) : [endpoint.ip];
  const peerMatches = (peer: NetworkPolicyPeer, policy: NetworkPolicy, endpoint: PolicyEndpoint): boolean => {
    if (peer.ipBlock !== undefined) {
      const block = peer.ipBlock;
      return addresses(endpoint).some(
        (address) =>
          inCidr(address, block.cidr) && !(block.except ?? []).some((hole) => inCidr(address, hole)),
      );
    }
    if (peer.podSelector === undefined && peer.namespaceSelector === undefined) return false;
    if (endpoint.kind !== 'pod') return false;
    const namespaceOk =
      peer.namespaceSelector === undefined
        ? endpoint.pod.namespace === policy.metadata.namespace
        : selectorMatches(peer.namespaceSelector, nsLabels(endpoint.pod.namespace));
    return (
      namespaceOk &&
      (peer.podSelector === undefined || selectorMatches(peer.podSelector, endpoint.pod.labels ?? {}))
    );
  };
  const portMatches = (port: NetworkPolicyPort): boolean => {
    if ((port.protocol ?? 'TCP') !== connection.protocol) return false;
    if (port.port === undefined) return true;
    if (typeof port.port === 'number')
      return connection.port >= port.port && connection.port <= (port.endPort ?? port.port);
    const destination = connection.destination;
    return (
      destination.kind === 'pod' &&
      destination.pod.containerPorts.some(
        (declared) =>
          declared.name === port.port &&
          declared.protocol === connection.protocol &&
          declared.containerPort === connection.port,
      )
    );
  };
  const directionAllows = (direction: 'Ingress' | 'Egress'): boolean => {
    const subject = direction === 'Egress' ? connection.source : connection.destination;
    const other = direction === 'Egress' ? connection.destination : connection.source;
    if (subject.kind !== 'pod') return true;
    if (direction === 'Ingress' && other.kind === 'node' && other.nodeName === subject.pod.nodeName)
      return true;
    const selecting = policies.filter(
      (policy) =>
        policy.metadata.namespace === subject.pod.namespace &&
        types(policy).includes(direction) &&
        selectorMatches(policy.spec.podSelector, subject.pod.labels ?? {}),
    );
    if (selecting.length === 0) return true;
    return selecting.some((policy) => {
      const rules = direction === 'Ingress' ? (policy.spec.ingress ?? []) : (policy.spec.egress ?? []);
      return rules.some((rule) => {
        const peers = 'from' in rule ? rule.from : 'to' in rule ? rule.to : undefined;
        const peersOk =
          peers === undefined || peers.length === 0 || peers.some((peer) => peerMatches(peer, policy, other));
        const portsOk = rule.ports === undefined || rule.ports.length === 0 || rule.ports.some(portMatches);
        return peersOk && portsOk;
      });
    });
  };
  return directionAllows('Egress') && directionAllows('Ingress');
}

// --- Random worlds: two namespaces, a few labels, ports and addresses that collide often. ---

const NAMESPACES = ['a', 'b'];
const labelValue = fc.constantFrom('1', '2');
const labels = fc.record({ x: labelValue, y: labelValue }, { requiredKeys: [] });
const selector: fc.Arbitrary<LabelSelector> = fc.record(
  {
    matchLabels: labels,
    matchExpressions: fc.array(
      fc.oneof(
        fc.record({
          key: fc.constantFrom('x', 'y', 'env'),
          operator: fc.constantFrom('In' as const, 'NotIn' as const),
          values: fc.array(fc.constantFrom('1', '2', 'p', 'q'), { minLength: 1, maxLength: 2 }),
        }),
        fc.record({
          key: fc.constantFrom('x', 'y', 'env'),
          operator: fc.constantFrom('Exists' as const, 'DoesNotExist' as const),
        }),
      ),
      { maxLength: 2 },
    ),
  },
  { requiredKeys: [] },
);
const cidr = fc.constantFrom(
  '10.0.0.0/24',
  '10.0.0.0/26',
  '10.0.0.64/26',
  '10.0.0.128/25',
  '192.168.0.0/16',
  '0.0.0.0/0',
);
const peer: fc.Arbitrary<NetworkPolicyPeer> = fc.oneof(
  fc.record({ podSelector: selector }),
  fc.record({ namespaceSelector: selector }),
  fc.record({ podSelector: selector, namespaceSelector: selector }),
  fc.record({
    ipBlock: fc.record(
      { cidr, except: fc.array(fc.constantFrom('10.0.0.0/28', '10.0.0.64/27'), { maxLength: 2 }) },
      { requiredKeys: ['cidr'] },
    ),
  }),
);
const protocol = fc.constantFrom<Protocol>('TCP', 'UDP', 'SCTP');
const port: fc.Arbitrary<NetworkPolicyPort> = fc.oneof(
  fc.record({ protocol }, { requiredKeys: [] }),
  fc.record({ protocol, port: fc.constantFrom(53, 80, 81) }, { requiredKeys: ['port'] }),
  fc
    .record(
      { protocol, port: fc.constantFrom(53, 80), endPort: fc.constantFrom(80, 81, 82) },
      { requiredKeys: ['port', 'endPort'] },
    )
    .filter((entry) => (entry.endPort ?? 0) >= (entry.port as number)),
  fc.record({ protocol, port: fc.constantFrom('http', 'dns', 'none') }, { requiredKeys: ['port'] }),
);
const rule = fc.record({
  peers: fc.option(fc.array(peer, { maxLength: 2 }), { nil: undefined }),
  ports: fc.option(fc.array(port, { maxLength: 2 }), { nil: undefined }),
});
const policyArb = fc
  .record({
    namespace: fc.constantFrom(...NAMESPACES),
    podSelector: selector,
    policyTypes: fc.option(fc.subarray<PolicyType>(['Ingress', 'Egress']), { nil: undefined }),
    ingress: fc.option(fc.array(rule, { maxLength: 2 }), { nil: undefined }),
    egress: fc.option(fc.array(rule, { maxLength: 2 }), { nil: undefined }),
  })
  .map(({ namespace, podSelector, policyTypes, ingress, egress }): NetworkPolicy => ({
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: { namespace, name: 'p' },
    spec: {
      podSelector,
      ...(policyTypes === undefined ? {} : { policyTypes }),
      ...(ingress === undefined
        ? {}
        : {
            ingress: ingress.map((entry) => ({
              ...(entry.peers === undefined ? {} : { from: entry.peers }),
              ...(entry.ports === undefined ? {} : { ports: entry.ports }),
            })),
          }),
      ...(egress === undefined
        ? {}
        : {
            egress: egress.map((entry) => ({
              ...(entry.peers === undefined ? {} : { to: entry.peers }),
              ...(entry.ports === undefined ? {} : { ports: entry.ports }),
            })),
          }),
    },
  }));
const address = fc.integer({ min: 0, max: 255 }).map((last) => `10.0.0.${last}`);
const podArb: fc.Arbitrary<PolicyPodInfo> = fc.record({
  namespace: fc.constantFrom(...NAMESPACES),
  name: fc.constantFrom('p1', 'p2'),
  labels,
  ips: fc.array(address, { maxLength: 1 }),
  nodeName: fc.constantFrom('n1', 'n2'),
  containerPorts: fc.subarray([
    { name: 'http', containerPort: 80, protocol: 'TCP' as const },
    { name: 'http', containerPort: 81, protocol: 'UDP' as const },
    { name: 'dns', containerPort: 53, protocol: 'UDP' as const },
  ]),
});
const endpoint: fc.Arbitrary<PolicyEndpoint> = fc.oneof(
  { weight: 4, arbitrary: podArb.map((info): PolicyEndpoint => ({ kind: 'pod', pod: info })) },
  {
    weight: 1,
    arbitrary: fc
      .record({ nodeName: fc.constantFrom('n1', 'n2'), ip: address })
      .map((node): PolicyEndpoint => ({ kind: 'node', ...node })),
  },
  {
    weight: 1,
    arbitrary: fc
      .oneof(address, fc.constant('192.168.3.4'))
      .map((ip): PolicyEndpoint => ({ kind: 'external', ip })),
  },
);
const world = fc.record({
  policies: fc
    .array(policyArb, { maxLength: 4 })
    .map((list) =>
      list.map((entry, index) => ({ ...entry, metadata: { ...entry.metadata, name: `p${index}` } })),
    ),
  namespaces: fc.tuple(fc.constantFrom('p', 'q'), fc.constantFrom('p', 'q')).map(([first, second]) => [
    { name: 'a', labels: { env: first } },
    { name: 'b', labels: { env: second } },
  ]),
  connections: fc.array(
    fc.record({ source: endpoint, destination: endpoint, port: fc.constantFrom(53, 80, 81, 82), protocol }),
    { minLength: 1, maxLength: 8 },
  ),
});

const SEED = 20240611;
const RUNS = process.env['KNSIM_DEEP'] === '1' ? 5000 : 300;

describe('NetworkPolicyEngine against a reference written from the semantics', () => {
  const outcomes = { allowed: 0, denied: 0 };
  it(`evaluate agrees with the reference on random policies, labels, namespaces and ports (seed ${SEED}, ${RUNS} runs)`, () => {
    fc.assert(
      fc.property(world, ({ policies, namespaces, connections }) => {
        const engine = NetworkPolicyEngine.compile(policies, namespaces);
        for (const connection of connections) {
          const expected = referenceAllows(policies, namespaces, connection);
          outcomes[expected ? 'allowed' : 'denied']++;
          expect(engine.evaluate(connection).allowed).toBe(expected);
        }
      }),
      { seed: SEED, numRuns: RUNS },
    );
    // Both outcomes must be common, or the comparison proves little.
    expect(outcomes.allowed).toBeGreaterThan(RUNS / 4);
    expect(outcomes.denied).toBeGreaterThan(RUNS / 4);
  });

  it(`connectionsBetween contains exactly the ports evaluate allows (seed ${SEED}, ${RUNS} runs)`, () => {
    fc.assert(
      fc.property(world, ({ policies, namespaces, connections }) => {
        const engine = NetworkPolicyEngine.compile(policies, namespaces);
        for (const { source, destination, port: number, protocol: proto } of connections) {
          const report = engine.connectionsBetween(source, destination);
          const verdict = engine.evaluate({ source, destination, port: number, protocol: proto });
          expect(report.allowed.contains(proto, number)).toBe(verdict.allowed);
        }
      }),
      { seed: SEED, numRuns: RUNS },
    );
  });
});
