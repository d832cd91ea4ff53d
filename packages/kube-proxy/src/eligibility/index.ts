/**
 * Endpoint eligibility: how a node's kube-proxy builds a Service port's endpoints from
 * EndpointSlices, which of them it may use under each traffic policy, what happens to a new
 * connection to each kind of Service address, and whether that connection is masqueraded.
 *
 * @module
 */
export {
  canonicalIp,
  compareEndpointStrings,
  endpointString,
  ipFamilyOf,
  type ProxyEndpoint,
} from './proxyEndpoint.js';
export {
  servicePortInfo,
  servicePrimaryFamily,
  type ServicePortInfo,
  type ServicePortInfoOptions,
} from './servicePortInfo.js';
export { endpointsFromSlices, type EndpointsFromSlicesOptions } from './endpointsFromSlices.js';
export {
  categorizeEndpoints,
  topologyModeFromHints,
  type CategorizedEndpoints,
  type CategorizeOptions,
  type TopologyMode,
} from './categorizeEndpoints.js';
export {
  localTrafficDetector,
  type ConnectionSource,
  type DetectLocalMode,
  type DetectorNode,
  type LocalTrafficDetector,
  type ProxyMasqueradeConfig,
} from './localTrafficDetector.js';
export {
  newConnectionVerdict,
  sourceAllowedToLoadBalancer,
  type ForwardReason,
  type NewConnectionInput,
  type NewConnectionVerdict,
  type NotProxiedReason,
  type ServiceDestination,
} from './newConnectionVerdict.js';
export {
  masqueradeDecision,
  type MasqueradeDecision,
  type MasqueradeInput,
  type MasqueradeReason,
} from './masqueradeDecision.js';
