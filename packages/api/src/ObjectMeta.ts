/** A label or annotation map. */
export type StringMap = Readonly<Record<string, string>>;

/**
 * Points from a dependent object to the object that owns it (e.g. a Pod to its ReplicaSet).
 * The API server requires apiVersion, kind and uid; manifests loaded with `strict: false` may
 * lack them.
 */
export interface OwnerReference {
  readonly apiVersion?: string;
  readonly kind?: string;
  readonly name: string;
  readonly uid?: string;
  /** True for the managing controller; at most one owner is the controller. */
  readonly controller?: boolean;
  readonly blockOwnerDeletion?: boolean;
}

/** The metadata every object carries (the fields knsim reads). */
export interface ObjectMeta {
  /** Unique within its kind and namespace; may be absent when `generateName` is set. */
  readonly name?: string;
  /** Prefix from which the server (here: the simulator) derives a unique name. */
  readonly generateName?: string;
  /** Absent for cluster-scoped kinds; defaulted to `default` for namespaced ones. */
  readonly namespace?: string;
  readonly labels?: StringMap;
  /** Free-form; never validated beyond being a string map. */
  readonly annotations?: StringMap;
  readonly uid?: string;
  readonly resourceVersion?: string;
  readonly generation?: number;
  readonly creationTimestamp?: string;
  /** Set when deletion has been requested; the object lives on until its finalizers clear. */
  readonly deletionTimestamp?: string;
  readonly deletionGracePeriodSeconds?: number;
  readonly ownerReferences?: readonly OwnerReference[];
  readonly finalizers?: readonly string[];
}

/** One requirement of a {@link LabelSelector}. */
export interface LabelSelectorRequirement {
  readonly key: string;
  readonly operator: LabelSelectorOperator;
  /** Non-empty for In and NotIn; empty or absent for Exists and DoesNotExist. */
  readonly values?: readonly string[];
}

/** The operators of a structured label selector. */
export type LabelSelectorOperator = 'In' | 'NotIn' | 'Exists' | 'DoesNotExist';

/**
 * A structured label selector. All of `matchLabels` and `matchExpressions` must hold (AND); an
 * empty selector (`{}`) matches every object. What an *absent* selector means depends on the
 * field: see `compileLabelSelector`.
 */
export interface LabelSelector {
  readonly matchLabels?: StringMap;
  readonly matchExpressions?: readonly LabelSelectorRequirement[];
}

/** A reference to another object (EndpointSlice `targetRef` and similar). */
export interface ObjectReference {
  readonly kind?: string;
  readonly namespace?: string;
  readonly name?: string;
  readonly uid?: string;
  readonly apiVersion?: string;
  readonly resourceVersion?: string;
}

/** The four protocols of Service, container and NetworkPolicy ports. */
export type Protocol = 'TCP' | 'UDP' | 'SCTP';

/** The protocols Kubernetes accepts, in the order error messages list them. */
export const PROTOCOLS: readonly Protocol[] = ['SCTP', 'TCP', 'UDP'];

/** A condition status as Kubernetes spells it. */
export type ConditionStatus = 'True' | 'False' | 'Unknown';
