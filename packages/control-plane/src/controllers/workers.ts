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
