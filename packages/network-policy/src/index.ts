/**
 * @knsim/network-policy: Kubernetes NetworkPolicy (networking.k8s.io/v1) semantics, exactly.
 *
 * - {@link NetworkPolicyEngine}: policies compiled once, then `evaluate` (one connection set-up,
 *   for the data plane), `explain` (per policy and rule) and `connectionsBetween` (every allowed
 *   protocol and port between two endpoints).
 * - {@link analyzeConnectivity} and {@link formatConnectionList}: static analysis of manifests
 *   like netpol-analyzer's `list` (workloads, external ranges, `{ingress-controller}`), with an
 *   optional explanation per line.
 *
 * See docs/network-policy.md for the semantics and output formats.
 *
 * @packageDocumentation
 */
export { ConnectionSet, MAX_PORT, MIN_PORT, POLICY_PROTOCOLS, type PortRange } from './ConnectionSet.js';
export {
  describeEndpoint,
  type PolicyConnection,
  type PolicyContainerPort,
  type PolicyDirection,
  type PolicyEndpoint,
  type PolicyNamespaceInfo,
  type PolicyPodInfo,
} from './PolicyConnection.js';
export { effectivePolicyTypes } from './effectivePolicyTypes.js';
export { compileIpBlock, type AddressRange, type CompiledIpBlock } from './compileIpBlock.js';
export type {
  ConnectionReport,
  DirectionConnections,
  DirectionExplanation,
  PolicyExplanation,
  PolicyRulesExplanation,
  PolicyVerdict,
  RuleExplanation,
  RuleGrant,
} from './PolicyVerdict.js';
export { NetworkPolicyEngine } from './NetworkPolicyEngine.js';
export {
  deriveWorkloadPeers,
  type DeriveWorkloadPeersOptions,
  type WorkloadPeer,
} from './deriveWorkloadPeers.js';
export { formatAddress, formatAddressRange, partitionAddressSpace } from './partitionAddressSpace.js';
export {
  INGRESS_CONTROLLER,
  INGRESS_CONTROLLER_NAMESPACE,
  ingressControllerTargets,
  type IngressControllerTarget,
} from './ingressControllerTargets.js';
export {
  analyzeConnectivity,
  type AnalyzeConnectivityOptions,
  type ConnectionListEntry,
} from './analyzeConnectivity.js';
export { formatConnectionList, type FormatConnectionListOptions } from './formatConnectionList.js';
