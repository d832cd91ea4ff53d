import type { Observable } from 'rxjs';
import type { ControllerContext } from '../runtime/ControllerContext.js';
import { workQueue } from '../runtime/Activity.js';

/**
 * How many keys each controller syncs at once: kube-controller-manager's defaults
 * (`--concurrent-service-endpoint-syncs` 5, `--concurrent-deployment-syncs` 5,
 * `--concurrent-replicaset-syncs` 5, `--concurrent-statefulset-syncs` 5,
 * `--concurrent-daemonset-syncs` 2, `--concurrent-job-syncs` 5, the node IPAM controller's 30
 * CIDR update workers), and one pod at a time for kube-scheduler's scheduling cycle.
 */
export const CONTROLLER_WORKERS = {
  endpointSlice: 5,
  deployment: 5,
  replicaSet: 5,
  statefulSet: 5,
  daemonSet: 2,
  job: 5,
  nodeIpam: 30,
  scheduler: 1,
} as const;

/** A controller's work queue: its worker count, each sync taking the `controllerSync` timing. */
export function controllerQueue(
  context: ControllerContext,
  controller: Exclude<keyof typeof CONTROLLER_WORKERS, 'scheduler'>,
  syncStream: string,
): (keys: Observable<string>) => Observable<string> {
  return workQueue(
    () => context.delay('controllerSync', syncStream),
    context.scheduler,
    context.activity,
    CONTROLLER_WORKERS[controller],
  );
}
