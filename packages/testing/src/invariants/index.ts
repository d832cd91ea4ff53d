/**
 * Invariant checkers usable on any knsim run: a monitor that probes during the run and checks
 * its end, and each invariant as a function of explicit inputs.
 *
 * @module
 */
export { formatViolation, RUN_INVARIANTS, type InvariantName, type Violation } from './Violation.js';
export {
  monitorInvariants,
  monitorOf,
  type InvariantMonitor,
  type MonitorOptions,
  type RunInvariantName,
} from './monitorInvariants.js';
export { propagationBound } from './propagationBound.js';
export { checkUniquePodIps } from './uniquePodIps.js';
export { checkServiceDnsAddresses, ServiceAddressTracker } from './stableServiceAddresses.js';
export { checkDnsMatchesState, clusterIPv4s, serviceDnsName, type DnsAnswerer } from './dnsMatchesState.js';
export { checkProxyConvergence } from './proxyConvergence.js';
export { sampleCandidates, type CandidateSample } from './eligibleCandidates.js';
export { PodDeletions } from './podDeletions.js';
export { checkNoStaleConnections } from './noStaleConnections.js';
export { checkNoTerminatingWhileReady } from './noTerminatingWhileReady.js';
export { checkReplaysToLiveState } from './replaysToLiveState.js';
export { firstDifference } from './firstDifference.js';
export { sameSeedSameLog } from './sameSeedSameLog.js';
