import { NAMESPACE_NAME_LABEL, tryParseIp, type NetworkPolicy, type StringMap } from '@knsim/api';
import {
  compileNetworkPolicy,
  describePort,
  type CompiledPeer,
  type CompiledPolicy,
  type CompiledPort,
  type CompiledRule,
} from './compileNetworkPolicy.js';
import { ConnectionSet } from './ConnectionSet.js';
import {
  describeEndpoint,
  type PolicyConnection,
  type PolicyDirection,
  type PolicyEndpoint,
  type PolicyNamespaceInfo,
  type PolicyPodInfo,
} from './PolicyConnection.js';
import type {
  ConnectionReport,
  DirectionConnections,
  DirectionExplanation,
  PolicyExplanation,
  PolicyRulesExplanation,
  PolicyVerdict,
  RuleExplanation,
  RuleGrant,
} from './PolicyVerdict.js';

/** The policies of one namespace that select one pod, per direction. */
interface Selection {
  readonly ingress: readonly CompiledPolicy[];
  readonly egress: readonly CompiledPolicy[];
}

const NOT_SELECTED: Selection = { ingress: [], egress: [] };

function sortedUnique(values: Iterable<string>): string[] {
  return [...new Set(values)].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

function ruleName(direction: PolicyDirection, index: number): string {
  return `${direction} rule #${index + 1}`;
}

/** The addresses an `ipBlock` is tested against for this endpoint. */
function endpointAddresses(endpoint: PolicyEndpoint): readonly string[] {
  if (endpoint.kind !== 'pod') return [endpoint.ip];
  return endpoint.ip === undefined ? endpoint.pod.ips : [endpoint.ip];
}

/**
 * Kubernetes NetworkPolicy (networking.k8s.io/v1), compiled once and evaluated per connection.
 *
 * - A pod is isolated for a direction when a policy of its namespace selects it and has that
 *   direction in its effective `policyTypes`; a non-isolated direction allows everything.
 * - An isolated direction allows the union of the rules of every policy isolating it.
 * - A connection needs the source's egress and the destination's ingress; nodes and external
 *   addresses are never isolated. Traffic from the destination pod's own node is always admitted.
 * - Replies are implied: only the set-up of a connection is judged.
 *
 * The engine is immutable; compile a new one (or use {@link NetworkPolicyEngine.withNamespaces})
 * when policies or namespace labels change. Pods are passed per call, so pod churn and label
 * changes need no recompilation; the per-pod policy lookup is cached by the identity of the
 * pod's labels object.
 */
export class NetworkPolicyEngine {
  readonly #byNamespace: ReadonlyMap<string, readonly CompiledPolicy[]>;
  readonly #namespaceLabels: Map<string, StringMap>;
  readonly #selectionByLabels = new WeakMap<StringMap, Map<string, Selection>>();
  readonly #selectionWithoutLabels = new Map<string, Selection>();

  private constructor(
    byNamespace: ReadonlyMap<string, readonly CompiledPolicy[]>,
    namespaces: readonly PolicyNamespaceInfo[],
  ) {
    this.#byNamespace = byNamespace;
    this.#namespaceLabels = new Map();
    for (const namespace of namespaces) {
      const labels = namespace.labels ?? {};
      this.#namespaceLabels.set(
        namespace.name,
        labels[NAMESPACE_NAME_LABEL] === namespace.name
          ? labels
          : { ...labels, [NAMESPACE_NAME_LABEL]: namespace.name },
      );
    }
  }

  /**
   * Compiles `policies` against `namespaces` (whose labels `namespaceSelector`s read; a
   * namespace not listed carries only `kubernetes.io/metadata.name`). Policies are grouped by
   * namespace and kept in `namespace/name` order, so results never depend on input order.
   */
  static compile(
    policies: readonly NetworkPolicy[],
    namespaces: readonly PolicyNamespaceInfo[] = [],
  ): NetworkPolicyEngine {
    const byNamespace = new Map<string, CompiledPolicy[]>();
    const compiled = policies
      .map(compileNetworkPolicy)
      .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    for (const policy of compiled) {
      const list = byNamespace.get(policy.namespace);
      if (list === undefined) byNamespace.set(policy.namespace, [policy]);
      else list.push(policy);
    }
    return new NetworkPolicyEngine(byNamespace, namespaces);
  }

  /** The same policies with other namespace labels (a namespace was labelled or created). */
  withNamespaces(namespaces: readonly PolicyNamespaceInfo[]): NetworkPolicyEngine {
    return new NetworkPolicyEngine(this.#byNamespace, namespaces);
  }

  /** `namespace/name` of every compiled policy, sorted. */
  get policyKeys(): readonly string[] {
    return sortedUnique([...this.#byNamespace.values()].flat().map((policy) => policy.key));
  }

  /** The labels `namespaceSelector`s see for a namespace (with its name label). */
  namespaceLabels(namespace: string): StringMap {
    let labels = this.#namespaceLabels.get(namespace);
    if (labels === undefined) {
      labels = { [NAMESPACE_NAME_LABEL]: namespace };
      this.#namespaceLabels.set(namespace, labels);
    }
    return labels;
  }

  #selection(pod: PolicyPodInfo): Selection {
    const policies = this.#byNamespace.get(pod.namespace);
    if (policies === undefined) return NOT_SELECTED;
    let cache: Map<string, Selection> | undefined;
    if (pod.labels === undefined) {
      cache = this.#selectionWithoutLabels;
    } else {
      cache = this.#selectionByLabels.get(pod.labels);
      if (cache === undefined) {
        cache = new Map();
        this.#selectionByLabels.set(pod.labels, cache);
      }
    }
    let selection = cache.get(pod.namespace);
    if (selection === undefined) {
      const selecting = policies.filter((policy) => policy.selects(pod.labels));
      selection = {
        ingress: selecting.filter((policy) => policy.ingress !== undefined),
        egress: selecting.filter((policy) => policy.egress !== undefined),
      };
      cache.set(pod.namespace, selection);
    }
    return selection;
  }

  /** Whether `pod` is isolated for ingress and for egress. */
  isolation(pod: PolicyPodInfo): { readonly ingress: boolean; readonly egress: boolean } {
    const selection = this.#selection(pod);
    return { ingress: selection.ingress.length > 0, egress: selection.egress.length > 0 };
  }

  /** `namespace/name` of the policies isolating `pod` for `direction`, sorted. */
  isolatingPolicies(pod: PolicyPodInfo, direction: PolicyDirection): readonly string[] {
    return this.#selection(pod)[direction].map((policy) => policy.key);
  }

  #peerMatches(peer: CompiledPeer, policy: CompiledPolicy, endpoint: PolicyEndpoint): boolean {
    switch (peer.kind) {
      case 'none':
        return false;
      case 'pods': {
        if (endpoint.kind !== 'pod') return false;
        const pod = endpoint.pod;
        const inNamespace =
          peer.namespaces === undefined
            ? pod.namespace === policy.namespace
            : peer.namespaces(this.namespaceLabels(pod.namespace));
        return inNamespace && peer.pods(pod.labels);
      }
      case 'ipBlock':
        for (const text of endpointAddresses(endpoint)) {
          const address = tryParseIp(text, { legacy: true });
          if (address !== undefined && peer.block.contains(address)) return true;
        }
        return false;
    }
  }

  /** The index of the first peer of `rule` matching `endpoint`: `any`, a number, or undefined. */
  #matchingPeer(
    rule: CompiledRule,
    policy: CompiledPolicy,
    endpoint: PolicyEndpoint,
  ): 'any' | number | undefined {
    if (rule.peers === undefined) return 'any';
    for (const peer of rule.peers) if (this.#peerMatches(peer, policy, endpoint)) return peer.index;
    return undefined;
  }

  /** The index of the first port of `rule` matching the connection: `any`, a number, or undefined. */
  static #matchingPort(rule: CompiledRule, connection: PolicyConnection): 'any' | number | undefined {
    if (rule.ports === undefined) return 'any';
    const { port, protocol, destination } = connection;
    for (const [index, candidate] of rule.ports.entries()) {
      if (candidate.protocol !== protocol) continue;
      if (candidate.kind === 'range') {
        if (port >= candidate.from && port <= candidate.to) return index;
      } else if (
        destination.kind === 'pod' &&
        destination.pod.containerPorts.some(
          (declared) =>
            declared.name === candidate.name &&
            declared.protocol === protocol &&
            declared.containerPort === port,
        )
      ) {
        return index;
      }
    }
    return undefined;
  }

  /** The pod a direction judges, and the endpoint its rules must match. */
  static #sides(
    connection: PolicyConnection,
    direction: PolicyDirection,
  ): { subject: PolicyEndpoint; peer: PolicyEndpoint } {
    return direction === 'egress'
      ? { subject: connection.source, peer: connection.destination }
      : { subject: connection.destination, peer: connection.source };
  }

  static #nodeExemption(source: PolicyEndpoint, destination: PolicyEndpoint): string | undefined {
    if (
      source.kind === 'node' &&
      destination.kind === 'pod' &&
      destination.pod.nodeName !== undefined &&
      destination.pod.nodeName === source.nodeName
    ) {
      return `traffic from the pod's own node ${source.nodeName} is always allowed`;
    }
    return undefined;
  }

  /** Policies of `direction` whose rules admit the connection; undefined when not isolated. */
  #admitting(
    connection: PolicyConnection,
    direction: PolicyDirection,
  ): { isolating: readonly CompiledPolicy[]; admitting: string[] } | undefined {
    const { subject, peer } = NetworkPolicyEngine.#sides(connection, direction);
    if (subject.kind !== 'pod') return undefined;
    const isolating = this.#selection(subject.pod)[direction];
    if (isolating.length === 0) return undefined;
    const admitting: string[] = [];
    for (const policy of isolating) {
      for (const rule of policy[direction] ?? []) {
        if (
          NetworkPolicyEngine.#matchingPort(rule, connection) !== undefined &&
          this.#matchingPeer(rule, policy, peer) !== undefined
        ) {
          admitting.push(policy.key);
          break;
        }
      }
    }
    return { isolating, admitting };
  }

  /** Judges one connection set-up. */
  evaluate(connection: PolicyConnection): PolicyVerdict {
    const what = `${describeEndpoint(connection.source)} -> ${describeEndpoint(connection.destination)} ${connection.protocol}/${connection.port}`;
    const egress = this.#admitting(connection, 'egress');
    if (egress !== undefined && egress.admitting.length === 0) {
      return {
        allowed: false,
        deniedBy: 'egress',
        policies: egress.isolating.map((policy) => policy.key),
        reason: `${what} denied: the source is isolated for egress (${egress.isolating.map((policy) => policy.key).join(', ')}) and no egress rule admits it`,
      };
    }
    const exemption = NetworkPolicyEngine.#nodeExemption(connection.source, connection.destination);
    const ingress = exemption === undefined ? this.#admitting(connection, 'ingress') : undefined;
    if (ingress !== undefined && ingress.admitting.length === 0) {
      return {
        allowed: false,
        deniedBy: 'ingress',
        policies: ingress.isolating.map((policy) => policy.key),
        reason: `${what} denied: the destination is isolated for ingress (${ingress.isolating.map((policy) => policy.key).join(', ')}) and no ingress rule admits it`,
      };
    }
    const parts = [
      egress === undefined ? 'egress not isolated' : `egress admitted by ${egress.admitting.join(', ')}`,
      exemption ??
        (ingress === undefined
          ? 'ingress not isolated'
          : `ingress admitted by ${ingress.admitting.join(', ')}`),
    ];
    return {
      allowed: true,
      policies: sortedUnique([...(egress?.admitting ?? []), ...(ingress?.admitting ?? [])]),
      reason: `${what} allowed: ${parts.join('; ')}`,
    };
  }

  #explainDirection(connection: PolicyConnection, direction: PolicyDirection): DirectionExplanation {
    const { subject, peer } = NetworkPolicyEngine.#sides(connection, direction);
    const wanted = `${connection.protocol} ${connection.port}`;
    if (subject.kind !== 'pod') {
      return {
        direction,
        allowed: true,
        appliesToPod: false,
        isolated: false,
        policies: [],
        text: `${direction}: allowed (${describeEndpoint(subject)} is not a pod; NetworkPolicy does not apply)`,
      };
    }
    const exemption =
      direction === 'ingress' ? NetworkPolicyEngine.#nodeExemption(connection.source, subject) : undefined;
    const isolating = this.#selection(subject.pod)[direction];
    const policies: PolicyRulesExplanation[] = isolating.map((policy) => {
      const rules: RuleExplanation[] = (policy[direction] ?? []).map((rule) => {
        const peerMatch = this.#matchingPeer(rule, policy, peer);
        const portMatch = NetworkPolicyEngine.#matchingPort(rule, connection);
        const peerText =
          peerMatch === 'any'
            ? 'any peer'
            : peerMatch === undefined
              ? 'no peer matches'
              : `peer #${peerMatch + 1} (${rule.peers?.[peerMatch]?.text ?? ''}) matches`;
        const portText =
          portMatch === 'any'
            ? 'any port'
            : portMatch === undefined
              ? `no port matches ${wanted}`
              : `port ${describePort(rule.ports?.[portMatch] as CompiledPort)} matches`;
        const allowed = peerMatch !== undefined && portMatch !== undefined;
        return {
          index: rule.index,
          peer: peerMatch,
          port: portMatch,
          allowed,
          text: `${ruleName(direction, rule.index)}: ${peerText}, ${portText}${allowed ? ': admits' : ''}`,
        };
      });
      return { policy: policy.key, allowed: rules.some((rule) => rule.allowed), rules };
    });
    const isolated = isolating.length > 0;
    const allowed = exemption !== undefined || !isolated || policies.some((policy) => policy.allowed);
    const who = describeEndpoint(subject);
    const text =
      exemption !== undefined
        ? `${direction}: allowed (${exemption})`
        : !isolated
          ? `${direction}: allowed (no policy selects ${who} for ${direction})`
          : allowed
            ? `${direction}: allowed by ${policies
                .filter((policy) => policy.allowed)
                .map((policy) => policy.policy)
                .join(', ')}`
            : `${direction}: denied (${who} is isolated by ${policies.map((policy) => policy.policy).join(', ')} and no rule admits ${wanted})`;
    return {
      direction,
      allowed,
      appliesToPod: true,
      isolated,
      ...(exemption === undefined ? {} : { exemption }),
      policies,
      text,
    };
  }

  /** The verdict with its reasoning: per direction, per isolating policy, per rule. */
  explain(connection: PolicyConnection): PolicyExplanation {
    return {
      connection,
      verdict: this.evaluate(connection),
      egress: this.#explainDirection(connection, 'egress'),
      ingress: this.#explainDirection(connection, 'ingress'),
    };
  }

  /** What `rule` admits towards `destination`, whatever the peer. */
  static #ruleConnections(rule: CompiledRule, destination: PolicyEndpoint): ConnectionSet {
    if (rule.ports === undefined) return ConnectionSet.ALL;
    let result = ConnectionSet.EMPTY;
    for (const port of rule.ports) {
      if (port.kind === 'range') {
        result = result.union(ConnectionSet.ports(port.protocol, port.from, port.to));
      } else if (destination.kind === 'pod') {
        for (const declared of destination.pod.containerPorts) {
          if (declared.name === port.name && declared.protocol === port.protocol) {
            result = result.union(ConnectionSet.ports(port.protocol, declared.containerPort));
          }
        }
      }
    }
    return result;
  }

  #directionConnections(
    source: PolicyEndpoint,
    destination: PolicyEndpoint,
    direction: PolicyDirection,
  ): DirectionConnections {
    const subject = direction === 'egress' ? source : destination;
    const peer = direction === 'egress' ? destination : source;
    const exemption =
      direction === 'ingress' ? NetworkPolicyEngine.#nodeExemption(source, destination) : undefined;
    const isolating = subject.kind === 'pod' ? this.#selection(subject.pod)[direction] : [];
    const policies = isolating.map((policy) => policy.key);
    if (exemption !== undefined || isolating.length === 0) {
      return {
        direction,
        isolated: isolating.length > 0,
        ...(exemption === undefined ? {} : { exemption }),
        policies,
        allowed: ConnectionSet.ALL,
        grants: [],
      };
    }
    const grants: RuleGrant[] = [];
    let allowed = ConnectionSet.EMPTY;
    for (const policy of isolating) {
      for (const rule of policy[direction] ?? []) {
        if (this.#matchingPeer(rule, policy, peer) === undefined) continue;
        const connections = NetworkPolicyEngine.#ruleConnections(rule, destination);
        if (connections.isEmpty) continue;
        grants.push({ policy: policy.key, direction, rule: rule.index, connections });
        allowed = allowed.union(connections);
      }
    }
    return { direction, isolated: true, policies, allowed, grants };
  }

  /**
   * Every connection `source` may open to `destination` (all protocols and ports at once), with
   * the rules that admit them: what static analysis lists.
   */
  connectionsBetween(source: PolicyEndpoint, destination: PolicyEndpoint): ConnectionReport {
    const egress = this.#directionConnections(source, destination, 'egress');
    const ingress = this.#directionConnections(source, destination, 'ingress');
    return { allowed: egress.allowed.intersect(ingress.allowed), egress, ingress };
  }
}
