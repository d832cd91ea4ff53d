import type { KubeObject, ManifestOrigin } from '@knsim/api';
import type { Duration, DurationDistribution, Instant } from '@knsim/core';
import type { NetworkSpec } from '@knsim/traffic';
import type { ScenarioLocation } from './SourceLocator.js';

/** A namespaced object named in a scenario (`NAMESPACE/NAME`; `NAME` alone means `default`). */
export interface ObjectName {
  readonly namespace: string;
  readonly name: string;
}

/** A condition on the cluster state, for `when` triggers. */
export type Condition =
  | {
      /** At least `count` pods matching the selector are ready. */
      readonly kind: 'podsReady';
      readonly namespace: string | undefined;
      readonly selector: string;
      readonly count: number;
    }
  | {
      /** The Service's EndpointSlices list at least `count` ready endpoints. */
      readonly kind: 'endpointsReady';
      readonly service: ObjectName;
      readonly count: number;
    }
  | {
      /** Every one of the conditions holds. */
      readonly kind: 'all';
      readonly conditions: readonly Condition[];
    }
  | {
      /** At least one of the conditions holds. */
      readonly kind: 'any';
      readonly conditions: readonly Condition[];
    };

/** When a step acts. Times are virtual microseconds from the start of the run. */
export type Trigger =
  | { readonly kind: 'at'; readonly at: Instant }
  | {
      /** At `from`, `from + every`, ... while the time is before `until`. */
      readonly kind: 'every';
      readonly every: Duration;
      readonly from: Instant;
      readonly until: Instant;
    }
  | {
      /**
       * The condition is checked at `from`, `from + check`, ... before `until`; the step fires the
       * first time it holds, and with `repeat` again each time it turns from false to true.
       */
      readonly kind: 'when';
      readonly condition: Condition;
      readonly check: Duration;
      readonly repeat: boolean;
      readonly from: Instant;
      readonly until: Instant;
    };

/** Objects to apply, with where each came from. */
export interface AppliedObjects {
  readonly objects: readonly KubeObject[];
  readonly origins: readonly ManifestOrigin[];
}

/** What a step does; each maps to one `Cluster` command (or a data-plane fault). */
export type ScenarioAction =
  | ({ readonly type: 'apply' } & AppliedObjects)
  | {
      readonly type: 'delete';
      readonly kind: string;
      readonly namespace: string | undefined;
      readonly name: string;
    }
  | {
      readonly type: 'patch';
      readonly kind: string;
      readonly namespace: string | undefined;
      readonly name: string;
      /** A JSON merge patch (RFC 7386), for `Cluster.patch`. */
      readonly merge: Readonly<Record<string, unknown>>;
    }
  | {
      readonly type: 'scale';
      readonly kind: 'Deployment' | 'StatefulSet' | 'ReplicaSet';
      readonly target: ObjectName;
      readonly replicas: number;
    }
  | {
      readonly type: 'rollout';
      readonly kind: 'Deployment' | 'StatefulSet' | 'DaemonSet';
      readonly target: ObjectName;
      /** A new image for one container; absent: `kubectl rollout restart`. */
      readonly image: { readonly container: string; readonly image: string } | undefined;
    }
  | { readonly type: 'killPod'; readonly pod: ObjectName }
  | {
      /** `count` pods matching the selector, chosen with the run's seeded random stream. */
      readonly type: 'killPods';
      readonly namespace: string | undefined;
      readonly selector: string;
      readonly count: number;
    }
  | { readonly type: 'crashNode'; readonly node: string }
  | { readonly type: 'recoverNode'; readonly node: string }
  | { readonly type: 'partitionNode'; readonly node: string }
  | { readonly type: 'drainNode'; readonly node: string }
  | { readonly type: 'cordonNode'; readonly node: string }
  | { readonly type: 'uncordonNode'; readonly node: string }
  | {
      readonly type: 'failReadiness';
      readonly namespace: string | undefined;
      readonly selector: string;
      /** Restored after this long; undefined: until the end of the run. */
      readonly duration: Duration | undefined;
    }
  | {
      /** New latency/loss settings; fields left out keep their current value. */
      readonly type: 'network';
      readonly spec: NetworkSpec;
      readonly sameNode: DurationDistribution | undefined;
      readonly crossNode: DurationDistribution | undefined;
      readonly crossZone: DurationDistribution | undefined;
      readonly external: DurationDistribution | undefined;
      readonly loss: number | undefined;
    }
  | { readonly type: 'dnsOutage'; readonly duration: Duration | undefined }
  | ({ readonly type: 'applyPolicy' } & AppliedObjects)
  | { readonly type: 'deletePolicy'; readonly policy: ObjectName };

/** One step of the timeline: a trigger and an action, and where it was written. */
export interface TimelineStep {
  /** The step's `name`, or a default such as `timeline[2] scale`. */
  readonly name: string;
  readonly trigger: Trigger;
  readonly action: ScenarioAction;
  readonly location: ScenarioLocation;
}
