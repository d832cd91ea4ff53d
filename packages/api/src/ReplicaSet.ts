import type { WorkloadStatus } from './Deployment.js';
import type { LabelSelector, ObjectMeta } from './ObjectMeta.js';
import type { PodTemplateSpec } from './Pod.js';

/** A ReplicaSet (usually owned by a Deployment). */
export interface ReplicaSet {
  readonly apiVersion: 'apps/v1';
  readonly kind: 'ReplicaSet';
  readonly metadata: ObjectMeta;
  readonly spec: {
    /** Defaults to 1. */
    readonly replicas?: number;
    readonly selector: LabelSelector;
    /** Required: its labels must match `selector`. */
    readonly template: PodTemplateSpec;
    readonly minReadySeconds?: number;
  };
  readonly status?: WorkloadStatus;
}
