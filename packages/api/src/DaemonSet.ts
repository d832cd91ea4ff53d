import type { IntOrString } from './IntOrString.js';
import type { LabelSelector, ObjectMeta } from './ObjectMeta.js';
import type { PodTemplateSpec } from './Pod.js';

/** A DaemonSet: one pod per eligible node. */
export interface DaemonSet {
  readonly apiVersion: 'apps/v1';
  readonly kind: 'DaemonSet';
  readonly metadata: ObjectMeta;
  readonly spec: {
    readonly selector: LabelSelector;
    readonly template: PodTemplateSpec;
    readonly updateStrategy?: {
      /** Defaults to RollingUpdate. */
      readonly type?: 'RollingUpdate' | 'OnDelete';
      /** Defaults: maxUnavailable 1, maxSurge 0. */
      readonly rollingUpdate?: { readonly maxUnavailable?: IntOrString; readonly maxSurge?: IntOrString };
    };
    readonly minReadySeconds?: number;
    readonly revisionHistoryLimit?: number;
  };
  readonly status?: {
    readonly desiredNumberScheduled?: number;
    readonly currentNumberScheduled?: number;
    readonly numberReady?: number;
    readonly numberAvailable?: number;
  };
}
