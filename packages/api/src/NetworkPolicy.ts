import type { IntOrString } from './IntOrString.js';
import type { LabelSelector, ObjectMeta, Protocol } from './ObjectMeta.js';

/** A CIDR minus some of its sub-blocks. */
export interface IpBlock {
  readonly cidr: string;
  /** Each must be a strict subset of `cidr`. */
  readonly except?: readonly string[];
}

/**
 * Who a rule admits. `podSelector` alone: pods of the policy's namespace; `namespaceSelector`
 * alone: all pods of matching namespaces; both: matching pods in matching namespaces; `ipBlock`
 * must stand alone.
 */
export interface NetworkPolicyPeer {
  readonly podSelector?: LabelSelector;
  readonly namespaceSelector?: LabelSelector;
  readonly ipBlock?: IpBlock;
}

/** A port (or inclusive range with `endPort`) a rule admits; no `port` means every port. */
export interface NetworkPolicyPort {
  /** Defaults to TCP. */
  readonly protocol?: Protocol;
  /** A number or a named container port of the destination pod. */
  readonly port?: IntOrString;
  /** Only with a numeric `port`; at least `port`. */
  readonly endPort?: number;
}

/** An ingress rule: traffic from any of `from` to any of `ports` (absent or empty: all). */
export interface NetworkPolicyIngressRule {
  readonly from?: readonly NetworkPolicyPeer[];
  readonly ports?: readonly NetworkPolicyPort[];
}

/** An egress rule: traffic to any of `to` on any of `ports` (absent or empty: all). */
export interface NetworkPolicyEgressRule {
  readonly to?: readonly NetworkPolicyPeer[];
  readonly ports?: readonly NetworkPolicyPort[];
}

/** The directions a policy isolates. */
export type PolicyType = 'Ingress' | 'Egress';

/** A NetworkPolicy. */
export interface NetworkPolicy {
  readonly apiVersion: 'networking.k8s.io/v1';
  readonly kind: 'NetworkPolicy';
  readonly metadata: ObjectMeta;
  readonly spec: {
    /** The pods of the policy's namespace it applies to; `{}` selects them all. */
    readonly podSelector: LabelSelector;
    /** Defaults to Ingress, plus Egress when `egress` has at least one rule. */
    readonly policyTypes?: readonly PolicyType[];
    readonly ingress?: readonly NetworkPolicyIngressRule[];
    readonly egress?: readonly NetworkPolicyEgressRule[];
  };
}
