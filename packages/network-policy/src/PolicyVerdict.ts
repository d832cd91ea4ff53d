import type { ConnectionSet } from './ConnectionSet.js';
import type { PolicyConnection, PolicyDirection } from './PolicyConnection.js';

/** The decision on one connection. */
export interface PolicyVerdict {
  readonly allowed: boolean;
  /** One sentence saying why. */
  readonly reason: string;
  /**
   * `namespace/name` of the policies that decided, sorted: when denied, the policies isolating
   * the denying direction; when allowed, those whose rules admitted it (empty when neither end
   * is isolated).
   */
  readonly policies: readonly string[];
  /** The direction that refused the connection (egress is checked first). */
  readonly deniedBy?: PolicyDirection;
}

/** How one rule of a policy relates to a connection. */
export interface RuleExplanation {
  /** `ingress` or `egress` rule index (0-based) in its policy. */
  readonly index: number;
  /** The matching peer: `any` (no `from`/`to`), its index in the peer list, or undefined (none matches). */
  readonly peer: 'any' | number | undefined;
  /** The matching port: `any` (no `ports`), its index in `ports`, or undefined (none matches). */
  readonly port: 'any' | number | undefined;
  /** True when both the peer and the port match: the rule admits the connection. */
  readonly allowed: boolean;
  /** E.g. `ingress rule #1: peer #2 (namespaceSelector {team=a}) matches, no port matches TCP 80`. */
  readonly text: string;
}

/** One isolating policy and how each of its rules relates to a connection. */
export interface PolicyRulesExplanation {
  /** `namespace/name`. */
  readonly policy: string;
  readonly allowed: boolean;
  /** Every rule of the policy for this direction, in order. */
  readonly rules: readonly RuleExplanation[];
}

/** How one direction (the source's egress or the destination's ingress) judges a connection. */
export interface DirectionExplanation {
  readonly direction: PolicyDirection;
  readonly allowed: boolean;
  /** False when the end concerned is not a pod (nodes and external addresses are never isolated). */
  readonly appliesToPod: boolean;
  /** True when some policy selects the pod for this direction. */
  readonly isolated: boolean;
  /** Set when the direction is allowed whatever the policies say (traffic from the pod's own node). */
  readonly exemption?: string;
  /** The isolating policies, sorted by `namespace/name`. */
  readonly policies: readonly PolicyRulesExplanation[];
  readonly text: string;
}

/** The full reasoning behind a verdict: per direction, per isolating policy, per rule. */
export interface PolicyExplanation {
  readonly connection: PolicyConnection;
  readonly verdict: PolicyVerdict;
  readonly egress: DirectionExplanation;
  readonly ingress: DirectionExplanation;
}

/** What one rule admits between two endpoints (static analysis). */
export interface RuleGrant {
  /** `namespace/name`. */
  readonly policy: string;
  readonly direction: PolicyDirection;
  /** 0-based rule index in the policy's `ingress` or `egress` list. */
  readonly rule: number;
  /** The connections this rule admits between the two endpoints. */
  readonly connections: ConnectionSet;
}

/** What one direction admits between two endpoints, whatever the port. */
export interface DirectionConnections {
  readonly direction: PolicyDirection;
  /** True when some policy selects the pod concerned for this direction. */
  readonly isolated: boolean;
  /** Set when everything is admitted whatever the policies say (traffic from the pod's own node). */
  readonly exemption?: string;
  /** The isolating policies, sorted. */
  readonly policies: readonly string[];
  /** Every connection this direction admits. */
  readonly allowed: ConnectionSet;
  /** The rules that admit something, in policy then rule order. */
  readonly grants: readonly RuleGrant[];
}

/** Every connection allowed from one endpoint to another, with the rules behind it. */
export interface ConnectionReport {
  /** Egress allowed ∩ ingress allowed. */
  readonly allowed: ConnectionSet;
  readonly egress: DirectionConnections;
  readonly ingress: DirectionConnections;
}
