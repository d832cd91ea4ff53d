import {
  compileLabelSelector,
  DEFAULT_NAMESPACE,
  formatLabelSelector,
  type LabelMatcher,
  type NetworkPolicy,
  type NetworkPolicyPeer,
  type NetworkPolicyPort,
  type Protocol,
} from '@knsim/api';
import { compileIpBlock, type CompiledIpBlock } from './compileIpBlock.js';
import { MAX_PORT, MIN_PORT } from './ConnectionSet.js';
import { effectivePolicyTypes } from './effectivePolicyTypes.js';

/** One compiled entry of a rule's `from`/`to`. */
export type CompiledPeer =
  | {
      readonly kind: 'pods';
      /** Position in the rule's peer list. */
      readonly index: number;
      /** Undefined: only the policy's own namespace (no `namespaceSelector`). */
      readonly namespaces: LabelMatcher | undefined;
      /** Every pod when the peer has no `podSelector`. */
      readonly pods: LabelMatcher;
      readonly text: string;
    }
  | {
      readonly kind: 'ipBlock';
      readonly index: number;
      readonly block: CompiledIpBlock;
      readonly text: string;
    }
  | { readonly kind: 'none'; readonly index: number; readonly text: string };

/** One compiled entry of a rule's `ports`. */
export type CompiledPort =
  | { readonly kind: 'range'; readonly protocol: Protocol; readonly from: number; readonly to: number }
  | { readonly kind: 'named'; readonly protocol: Protocol; readonly name: string };

/** One ingress or egress rule. */
export interface CompiledRule {
  /** Position in the policy's `ingress` or `egress` list. */
  readonly index: number;
  /** Undefined: `from`/`to` absent or empty, every peer matches. */
  readonly peers: readonly CompiledPeer[] | undefined;
  /** Undefined: `ports` absent or empty, every port of every protocol matches. */
  readonly ports: readonly CompiledPort[] | undefined;
}

/** A NetworkPolicy compiled for evaluation. */
export interface CompiledPolicy {
  /** `namespace/name`. */
  readonly key: string;
  readonly namespace: string;
  readonly name: string;
  readonly selects: LabelMatcher;
  /** Undefined when the policy does not isolate ingress; `[]` when it isolates and admits nothing. */
  readonly ingress: readonly CompiledRule[] | undefined;
  /** Undefined when the policy does not isolate egress. */
  readonly egress: readonly CompiledRule[] | undefined;
}

function describeSelector(selector: Parameters<typeof formatLabelSelector>[0]): string {
  const text = formatLabelSelector(selector);
  return text === '' ? '{}' : `{${text}}`;
}

function compilePeer(peer: NetworkPolicyPeer, index: number, namespace: string): CompiledPeer {
  if (peer.ipBlock !== undefined) {
    // The API server rejects ipBlock next to a selector; such a peer can select nothing sound.
    if (peer.podSelector !== undefined || peer.namespaceSelector !== undefined) {
      return { kind: 'none', index, text: 'invalid peer (ipBlock with a selector)' };
    }
    const block = compileIpBlock(peer.ipBlock);
    return { kind: 'ipBlock', index, block, text: `ipBlock ${block.text}` };
  }
  if (peer.podSelector === undefined && peer.namespaceSelector === undefined) {
    return { kind: 'none', index, text: 'empty peer (selects nothing)' };
  }
  const parts: string[] = [];
  if (peer.namespaceSelector !== undefined)
    parts.push(`namespaceSelector ${describeSelector(peer.namespaceSelector)}`);
  else parts.push(`namespace ${namespace}`);
  if (peer.podSelector !== undefined) parts.push(`podSelector ${describeSelector(peer.podSelector)}`);
  return {
    kind: 'pods',
    index,
    namespaces:
      peer.namespaceSelector === undefined ? undefined : compileLabelSelector(peer.namespaceSelector),
    pods: peer.podSelector === undefined ? () => true : compileLabelSelector(peer.podSelector),
    text: parts.join(' and '),
  };
}

function compilePort(port: NetworkPolicyPort): CompiledPort {
  const protocol = port.protocol ?? 'TCP';
  if (port.port === undefined) return { kind: 'range', protocol, from: MIN_PORT, to: MAX_PORT };
  if (typeof port.port === 'string') {
    // A numeric string is a number to the API server (IntOrString); anything else is a name.
    if (/^[0-9]+$/.test(port.port)) {
      const value = Number(port.port);
      return { kind: 'range', protocol, from: value, to: port.endPort ?? value };
    }
    return { kind: 'named', protocol, name: port.port };
  }
  return { kind: 'range', protocol, from: port.port, to: port.endPort ?? port.port };
}

/** Text for one compiled port, e.g. `TCP 80`, `UDP 1000-2000`, `TCP http`, `SCTP (all ports)`. */
export function describePort(port: CompiledPort): string {
  if (port.kind === 'named') return `${port.protocol} ${port.name}`;
  if (port.from === MIN_PORT && port.to === MAX_PORT) return `${port.protocol} (all ports)`;
  return port.from === port.to ? `${port.protocol} ${port.from}` : `${port.protocol} ${port.from}-${port.to}`;
}

function compileRules(
  rules: readonly {
    readonly peers?: readonly NetworkPolicyPeer[];
    readonly ports?: readonly NetworkPolicyPort[];
  }[],
  namespace: string,
): CompiledRule[] {
  return rules.map((rule, index) => ({
    index,
    peers:
      rule.peers === undefined || rule.peers.length === 0
        ? undefined
        : rule.peers.map((peer, peerIndex) => compilePeer(peer, peerIndex, namespace)),
    ports: rule.ports === undefined || rule.ports.length === 0 ? undefined : rule.ports.map(compilePort),
  }));
}

/** Compiles one policy: selectors, peers, ports and the directions it isolates. */
export function compileNetworkPolicy(policy: NetworkPolicy): CompiledPolicy {
  const namespace = policy.metadata.namespace ?? DEFAULT_NAMESPACE;
  const name = policy.metadata.name ?? '';
  const types = effectivePolicyTypes(policy);
  const ingress = types.includes('Ingress')
    ? compileRules(
        (policy.spec.ingress ?? []).map((rule) => ({
          ...(rule.from === undefined ? {} : { peers: rule.from }),
          ...(rule.ports === undefined ? {} : { ports: rule.ports }),
        })),
        namespace,
      )
    : undefined;
  const egress = types.includes('Egress')
    ? compileRules(
        (policy.spec.egress ?? []).map((rule) => ({
          ...(rule.to === undefined ? {} : { peers: rule.to }),
          ...(rule.ports === undefined ? {} : { ports: rule.ports }),
        })),
        namespace,
      )
    : undefined;
  return {
    key: `${namespace}/${name}`,
    namespace,
    name,
    selects: compileLabelSelector(policy.spec.podSelector ?? {}),
    ingress,
    egress,
  };
}
