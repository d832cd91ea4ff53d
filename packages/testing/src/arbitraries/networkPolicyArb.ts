import fc from 'fast-check';
import type {
  IpBlock,
  LabelSelector,
  NetworkPolicy,
  NetworkPolicyEgressRule,
  NetworkPolicyIngressRule,
  NetworkPolicyPeer,
  NetworkPolicyPort,
  PolicyType,
  Protocol,
} from '@knsim/api';
import { APP_NAMES } from './appNames.js';
import { PORT_VOCABULARY, type PortSpec } from './containerPortsArb.js';
import { CROSS_SHRINK, pick, pickDistinct, record } from './internal.js';
import { labelSelectorArb } from './labelSelectorArb.js';
import { NAMESPACE_LABEL_VOCABULARY, POD_LABEL_VOCABULARY, type LabelVocabulary } from './labelsArb.js';
import { NAMESPACE_NAMES } from './namespaceNameArb.js';

/** An ipBlock candidate: a CIDR and the sub-blocks `except` may carve out of it. */
export interface IpBlockCandidate {
  readonly cidr: string;
  /** Strict sub-blocks of `cidr`. */
  readonly except: readonly string[];
}

/**
 * The default ipBlocks: the default pod network and one node's podCIDR (so blocks hit pods),
 * everything minus the private ranges, a documentation range, one outside address.
 */
export const IP_BLOCK_CANDIDATES: readonly IpBlockCandidate[] = [
  { cidr: '10.244.0.0/16', except: ['10.244.1.0/24', '10.244.2.0/24'] },
  { cidr: '0.0.0.0/0', except: ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16'] },
  { cidr: '10.244.1.0/24', except: ['10.244.1.0/28', '10.244.1.128/25'] },
  { cidr: '192.0.2.0/24', except: ['192.0.2.128/25'] },
  { cidr: '203.0.113.7/32', except: [] },
];

/** What generated policies may refer to. Every field has a default. */
export interface NetworkPolicyContext {
  /** Namespaces the policies are created in. Default `NAMESPACE_NAMES`. */
  readonly namespaces?: readonly string[];
  /** Pod label vocabulary of target and peer pod selectors. Default `app` (`APP_NAMES`) + `POD_LABEL_VOCABULARY`. */
  readonly podVocabulary?: LabelVocabulary;
  /**
   * Namespace label vocabulary of namespace selectors. Default `NAMESPACE_LABEL_VOCABULARY` +
   * `kubernetes.io/metadata.name` over the namespaces.
   */
  readonly namespaceVocabulary?: LabelVocabulary;
  /** Ports rules name (by number, by name, or as the start of a range). Default `PORT_VOCABULARY`. */
  readonly ports?: readonly PortSpec[];
  /** Policy names. Default `['policy-a', 'policy-b', 'policy-c']`. */
  readonly names?: readonly string[];
  /** ipBlock candidates. Default {@link IP_BLOCK_CANDIDATES}. */
  readonly ipBlocks?: readonly IpBlockCandidate[];
}

/**
 * The categories {@link networkPolicyCategories} reports, after Cyclonus' generator tags: the
 * target, the effective direction, explicit policyTypes, per direction deny-all / allow-all /
 * the literal `[]`, rules open to any peer or port or with several, every kind of peer, port
 * and protocol.
 */
export const NETWORK_POLICY_CATEGORIES = [
  'target:all-pods',
  'target:pod-selector',
  'direction:ingress',
  'direction:egress',
  'direction:both',
  'policy-types:absent',
  'policy-types:explicit',
  'ingress:deny-all',
  'ingress:empty-list',
  'ingress:allow-all',
  'egress:deny-all',
  'egress:empty-list',
  'egress:allow-all',
  'rule:any-peer',
  'rule:any-port',
  'rule:multi-peer',
  'rule:multi-port',
  'peer:pods',
  'peer:all-pods',
  'peer:namespaces',
  'peer:all-namespaces',
  'peer:pods-in-namespaces',
  'peer:ip-block',
  'peer:ip-block-except',
  'port:all-of-protocol',
  'port:number',
  'port:named',
  'port:range',
  'protocol:default',
  'protocol:TCP',
  'protocol:UDP',
  'protocol:SCTP',
] as const;

/** One of {@link NETWORK_POLICY_CATEGORIES}. */
export type NetworkPolicyCategory = (typeof NETWORK_POLICY_CATEGORIES)[number];

const isEmpty = (selector: LabelSelector): boolean =>
  Object.keys(selector.matchLabels ?? {}).length === 0 && (selector.matchExpressions ?? []).length === 0;

/**
 * The categories of a NetworkPolicy (see {@link NETWORK_POLICY_CATEGORIES}), sorted: for
 * `fc.statistics`, coverage checks, or to pick policies of one kind.
 *
 * @example
 * ```ts
 * fc.statistics(networkPolicyArb(), (p) => networkPolicyCategories(p).join(' '));
 * networkPolicyCategories(denyAll); // ['direction:ingress', 'ingress:deny-all', 'policy-types:absent', 'target:all-pods']
 * ```
 */
export function networkPolicyCategories(policy: NetworkPolicy): NetworkPolicyCategory[] {
  const out = new Set<NetworkPolicyCategory>();
  const { spec } = policy;
  out.add(isEmpty(spec.podSelector) ? 'target:all-pods' : 'target:pod-selector');
  const explicit = spec.policyTypes !== undefined && spec.policyTypes.length > 0;
  out.add(explicit ? 'policy-types:explicit' : 'policy-types:absent');
  const types: readonly PolicyType[] = explicit
    ? (spec.policyTypes ?? [])
    : (spec.egress ?? []).length > 0
      ? ['Ingress', 'Egress']
      : ['Ingress'];
  const ingress = types.includes('Ingress');
  const egress = types.includes('Egress');
  out.add(ingress && egress ? 'direction:both' : ingress ? 'direction:ingress' : 'direction:egress');
  const directions = [
    {
      on: ingress,
      name: 'ingress' as const,
      rules: spec.ingress,
      peersOf: (r: NetworkPolicyIngressRule) => r.from,
    },
    {
      on: egress,
      name: 'egress' as const,
      rules: spec.egress,
      peersOf: (r: NetworkPolicyEgressRule) => r.to,
    },
  ];
  for (const { on, name, rules, peersOf } of directions) {
    if (!on) continue;
    if (rules !== undefined && rules.length === 0) out.add(`${name}:empty-list`);
    if (rules === undefined || rules.length === 0) out.add(`${name}:deny-all`);
    for (const rule of (rules ?? []) as readonly (NetworkPolicyIngressRule & NetworkPolicyEgressRule)[]) {
      const peers = peersOf(rule) ?? [];
      const ports = rule.ports ?? [];
      if (peers.length === 0 && ports.length === 0) out.add(`${name}:allow-all`);
      if (peers.length === 0) out.add('rule:any-peer');
      if (ports.length === 0) out.add('rule:any-port');
      if (peers.length > 1) out.add('rule:multi-peer');
      if (ports.length > 1) out.add('rule:multi-port');
      for (const peer of peers) for (const category of peerCategories(peer)) out.add(category);
      for (const port of ports) for (const category of portCategories(port)) out.add(category);
    }
  }
  return [...out].sort();
}

function peerCategories(peer: NetworkPolicyPeer): NetworkPolicyCategory[] {
  if (peer.ipBlock !== undefined)
    return (peer.ipBlock.except ?? []).length > 0
      ? ['peer:ip-block', 'peer:ip-block-except']
      : ['peer:ip-block'];
  const out: NetworkPolicyCategory[] = [];
  if (peer.podSelector !== undefined && peer.namespaceSelector !== undefined)
    out.push('peer:pods-in-namespaces');
  if (peer.podSelector !== undefined) out.push(isEmpty(peer.podSelector) ? 'peer:all-pods' : 'peer:pods');
  if (peer.namespaceSelector !== undefined)
    out.push(isEmpty(peer.namespaceSelector) ? 'peer:all-namespaces' : 'peer:namespaces');
  return out;
}

function portCategories(port: NetworkPolicyPort): NetworkPolicyCategory[] {
  const out: NetworkPolicyCategory[] = [
    port.protocol === undefined ? 'protocol:default' : `protocol:${port.protocol}`,
  ];
  if (port.port === undefined) out.push('port:all-of-protocol');
  else if (typeof port.port === 'string') out.push('port:named');
  else out.push(port.endPort === undefined ? 'port:number' : 'port:range');
  return out;
}

/** The default pod vocabulary of policies: `app` over the app names, plus the pod labels. */
export const POLICY_POD_VOCABULARY: LabelVocabulary = { app: APP_NAMES, ...POD_LABEL_VOCABULARY };

type Form = 'number' | 'named' | 'range' | 'all';
type ProtocolChoice = 'own' | 'omit' | Protocol;

function portArb(ports: readonly PortSpec[]): fc.Arbitrary<NetworkPolicyPort> {
  return record({
    form: fc.constantFrom<Form>('number', 'named', 'range', 'all'),
    protocol: fc.constantFrom<ProtocolChoice>('own', 'omit', 'TCP', 'UDP', 'SCTP'),
    port: fc.nat({ max: 7 }),
    span: fc.integer({ min: 0, max: 1000 }),
  }).map(({ form, protocol: choice, port: index, span }): NetworkPolicyPort => {
    const port = pick(ports, index);
    const protocol = choice === 'own' ? port.protocol : choice === 'omit' ? undefined : choice;
    const withProtocol = protocol === undefined ? {} : { protocol };
    switch (form) {
      case 'number':
        return { ...withProtocol, port: port.containerPort };
      case 'named':
        return { ...withProtocol, port: port.name };
      case 'range':
        return {
          ...withProtocol,
          port: port.containerPort,
          endPort: Math.min(65535, port.containerPort + span),
        };
      case 'all':
        return withProtocol;
    }
  });
}

function ipBlockArb(candidates: readonly IpBlockCandidate[]): fc.Arbitrary<IpBlock> {
  return record({
    block: fc.nat({ max: candidates.length - 1 }),
    except: fc.uniqueArray(fc.nat({ max: 3 }), { maxLength: 2 }),
  }).map(({ block, except }) => {
    const candidate = pick(candidates, block);
    const excepts = candidate.except.length === 0 ? [] : pickDistinct(candidate.except, except);
    return { cidr: candidate.cidr, ...(excepts.length === 0 ? {} : { except: excepts }) };
  });
}

/** Absent, `[]`, or one or two items; absent and empty both mean "all" for peers and ports. */
function optionalList<T>(item: fc.Arbitrary<T>): fc.Arbitrary<readonly T[] | undefined> {
  return fc.oneof(
    CROSS_SHRINK,
    { arbitrary: fc.constant(undefined), weight: 2 },
    { arbitrary: fc.constant([] as readonly T[]), weight: 1 },
    { arbitrary: fc.array(item, { minLength: 1, maxLength: 2 }), weight: 4 },
  );
}

/** Absent, `[]` (deny all when in effect), `[{}]` (allow all), or one or two rules. */
function ruleList<T>(rule: fc.Arbitrary<T>): fc.Arbitrary<readonly T[] | undefined> {
  return fc.oneof(
    CROSS_SHRINK,
    { arbitrary: fc.constant(undefined), weight: 2 },
    { arbitrary: fc.constant([] as readonly T[]), weight: 1 },
    { arbitrary: fc.constant([{} as T] as readonly T[]), weight: 1 },
    { arbitrary: fc.array(rule, { minLength: 1, maxLength: 2 }), weight: 5 },
  );
}

/**
 * Valid NetworkPolicies covering what Cyclonus' generator covers: targets (every pod or a pod
 * selector with matchLabels / matchExpressions), ingress, egress or both, policyTypes present
 * or absent, `ingress: []` (deny all) vs `[{}]` (allow all) and no rules, rules open to any peer
 * or port; peers by podSelector, namespaceSelector (including `kubernetes.io/metadata.name`),
 * both, or ipBlock with or without `except`; ports by number, by name, as `endPort` ranges, or
 * a whole protocol, over TCP, UDP, SCTP or the default. Shrinks toward fewer rules, peers and
 * ports and simpler selectors. Use {@link networkPolicyCategories} to see what a sample covers.
 *
 * @example
 * ```ts
 * const policies = networkPolicyArb({ namespaces: ['shop'], podVocabulary: { app: ['web', 'db'] } });
 * fc.assert(fc.property(policies, (policy) => engineAgreesWithReference(policy)));
 * ```
 */
export function networkPolicyArb(context: NetworkPolicyContext = {}): fc.Arbitrary<NetworkPolicy> {
  const namespaces = context.namespaces ?? NAMESPACE_NAMES;
  if (namespaces.length === 0) throw new Error('networkPolicyArb: namespaces may not be empty');
  const podVocabulary = context.podVocabulary ?? POLICY_POD_VOCABULARY;
  const namespaceVocabulary = context.namespaceVocabulary ?? {
    ...NAMESPACE_LABEL_VOCABULARY,
    'kubernetes.io/metadata.name': namespaces,
  };
  const ports = context.ports ?? PORT_VOCABULARY;
  const ipBlocks = context.ipBlocks ?? IP_BLOCK_CANDIDATES;
  const podSelector = labelSelectorArb(podVocabulary, { maxExpressions: 1 });
  const namespaceSelector = labelSelectorArb(namespaceVocabulary, { maxExpressions: 1 });
  const peer: fc.Arbitrary<NetworkPolicyPeer> = fc.oneof(
    record({ podSelector }),
    record({ namespaceSelector }),
    record({ podSelector, namespaceSelector }),
    ...(ipBlocks.length === 0 ? [] : [ipBlockArb(ipBlocks).map((ipBlock) => ({ ipBlock }))]),
  );
  const policyPorts = ports.length === 0 ? fc.constant(undefined) : optionalList(portArb(ports));
  const rule = record({ peers: optionalList(peer), ports: policyPorts });
  const ingressRule = rule.map(({ peers, ports: p }): NetworkPolicyIngressRule => ({
    ...(peers === undefined ? {} : { from: peers }),
    ...(p === undefined ? {} : { ports: p }),
  }));
  const egressRule = rule.map(({ peers, ports: p }): NetworkPolicyEgressRule => ({
    ...(peers === undefined ? {} : { to: peers }),
    ...(p === undefined ? {} : { ports: p }),
  }));
  return record({
    namespace: fc.constantFrom(...namespaces),
    name: fc.constantFrom(...(context.names ?? ['policy-a', 'policy-b', 'policy-c'])),
    target: fc.oneof(
      CROSS_SHRINK,
      { arbitrary: fc.constant({}), weight: 1 },
      { arbitrary: podSelector, weight: 2 },
    ),
    policyTypes: fc.constantFrom<readonly PolicyType[] | undefined>(
      undefined,
      ['Ingress'],
      ['Egress'],
      ['Ingress', 'Egress'],
    ),
    ingress: ruleList(ingressRule),
    egress: ruleList(egressRule),
  }).map(({ namespace, name, target, policyTypes, ingress, egress }): NetworkPolicy => ({
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: { name, namespace },
    spec: {
      podSelector: target,
      ...(policyTypes === undefined ? {} : { policyTypes }),
      ...(ingress === undefined ? {} : { ingress }),
      ...(egress === undefined ? {} : { egress }),
    },
  }));
}
