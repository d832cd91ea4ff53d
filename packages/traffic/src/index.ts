/**
 * @knsim/traffic: requests flowing through a simulated cluster. Client workloads (open-loop
 * Poisson or constant rate, closed-loop users), connections (per request, keep-alive pools,
 * multiplexed), DNS resolution as the client pod does it, the data plane's verdicts, servers
 * with worker pools and queues, per-hop network latency, one outcome per request, and aggregate
 * metrics (HdrHistogram latencies, outcomes over time, per-backend counts, fairness).
 *
 * @packageDocumentation
 */
export { Network } from './Network.js';
export { TrafficEngine, type RequestOutcome } from './TrafficEngine.js';
export {
  TOP_FAILURE_REASONS,
  TrafficMetrics,
  type BackendCounter,
  type FailureReason,
  type WorkloadRecorder,
  type WorkloadSummary,
} from './TrafficMetrics.js';
export {
  resolveTraffic,
  TrafficSpecError,
  type ArrivalSpec,
  type ClientSpec,
  type ConnectionSpec,
  type NetworkSpec,
  type ResolvedNetwork,
  type ResolvedServer,
  type ResolvedWorkload,
  type ServerSpec,
  type WorkloadSpec,
} from './TrafficSpec.js';
export * from './metrics/index.js';
