import type { IntOrString } from './IntOrString.js';
import type { LabelSelector, ObjectMeta } from './ObjectMeta.js';
import type { PodTemplateSpec } from './Pod.js';

/** How a Deployment replaces old pods with new ones. */
export interface DeploymentStrategy {
  /** Defaults to RollingUpdate. */
  readonly type?: 'RollingUpdate' | 'Recreate';
  readonly rollingUpdate?: {
    /** Pods above `replicas` allowed during an update; default 25% (a percentage rounds up). */
    readonly maxSurge?: IntOrString;
    /** Pods below `replicas` allowed during an update; default 25% (a percentage rounds down). */
    readonly maxUnavailable?: IntOrString;
  };
}

/** The replica counters the Deployment controller reports. */
export interface WorkloadStatus {
  readonly observedGeneration?: number;
  readonly replicas?: number;
  readonly readyReplicas?: number;
  readonly availableReplicas?: number;
  readonly updatedReplicas?: number;
}

/** A Deployment. */
export interface Deployment {
  readonly apiVersion: 'apps/v1';
  readonly kind: 'Deployment';
  readonly metadata: ObjectMeta;
  readonly spec: {
    /** Defaults to 1. */
    readonly replicas?: number;
    /** Required, non-empty, and must match the template's labels. */
    readonly selector: LabelSelector;
    readonly template: PodTemplateSpec;
    readonly strategy?: DeploymentStrategy;
    /** Seconds a new pod must be ready before it counts as available; defaults to 0. */
    readonly minReadySeconds?: number;
    /** Defaults to 10. */
    readonly revisionHistoryLimit?: number;
    /** Defaults to 600. */
    readonly progressDeadlineSeconds?: number;
    readonly paused?: boolean;
  };
  readonly status?: WorkloadStatus;
}
