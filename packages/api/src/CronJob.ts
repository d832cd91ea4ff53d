import type { JobSpec } from './Job.js';
import type { ObjectMeta } from './ObjectMeta.js';

/** A CronJob: creates Jobs from `jobTemplate` on a cron `schedule`. */
export interface CronJob {
  readonly apiVersion: 'batch/v1';
  readonly kind: 'CronJob';
  readonly metadata: ObjectMeta;
  readonly spec: {
    readonly schedule: string;
    readonly timeZone?: string;
    readonly jobTemplate: { readonly metadata?: ObjectMeta; readonly spec: JobSpec };
    /** Defaults to Allow. */
    readonly concurrencyPolicy?: 'Allow' | 'Forbid' | 'Replace';
    /** Defaults to false. */
    readonly suspend?: boolean;
    readonly startingDeadlineSeconds?: number;
    /** Defaults to 3. */
    readonly successfulJobsHistoryLimit?: number;
    /** Defaults to 1. */
    readonly failedJobsHistoryLimit?: number;
  };
}
