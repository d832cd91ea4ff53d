import type { IntOrString } from './IntOrString.js';
import type { WorkloadStatus } from './Deployment.js';
import type { LabelSelector, ObjectMeta } from './ObjectMeta.js';
import type { PodTemplateSpec } from './Pod.js';

/** A StatefulSet: pods `<name>-<ordinal>` with stable DNS names under `serviceName`. */
export interface StatefulSet {
  readonly apiVersion: 'apps/v1';
  readonly kind: 'StatefulSet';
  readonly metadata: ObjectMeta;
  readonly spec: {
    /** The governing headless Service that gives each pod its DNS name. */
    readonly serviceName?: string;
    /** Defaults to 1. */
    readonly replicas?: number;
    readonly selector: LabelSelector;
    readonly template: PodTemplateSpec;
    /** Defaults to OrderedReady (one pod at a time, in ordinal order). */
    readonly podManagementPolicy?: 'OrderedReady' | 'Parallel';
    readonly updateStrategy?: {
      /** Defaults to RollingUpdate. */
      readonly type?: 'RollingUpdate' | 'OnDelete';
      readonly rollingUpdate?: { readonly partition?: number; readonly maxUnavailable?: IntOrString };
    };
    readonly minReadySeconds?: number;
    readonly revisionHistoryLimit?: number;
    readonly ordinals?: { readonly start?: number };
  };
  readonly status?: WorkloadStatus;
}
