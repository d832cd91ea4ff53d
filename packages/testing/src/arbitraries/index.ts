/**
 * fast-check arbitraries for knsim: clusters, apps (workloads and Services), NetworkPolicies,
 * traffic, churn timelines and whole scenarios. Every value is valid (the API server and the
 * scenario parser accept it) and shrinks toward something small.
 *
 * @module
 */
export { namespaceNameArb, NAMESPACE_NAMES } from './namespaceNameArb.js';
export {
  labelsArb,
  NAMESPACE_LABEL_VOCABULARY,
  POD_LABEL_VOCABULARY,
  type LabelVocabulary,
} from './labelsArb.js';
export { labelSelectorArb, type LabelSelectorArbOptions } from './labelSelectorArb.js';
export {
  BALANCING_POLICIES,
  clusterConfigArb,
  clusterNodeNames,
  type ClusterConfigArbOptions,
  type ClusterSection,
  type ProxyModeName,
} from './clusterConfigArb.js';
export { APP_NAMES } from './appNames.js';
export { containerPortsArb, PORT_VOCABULARY, type PortSpec } from './containerPortsArb.js';
export type { WorkloadArbOptions } from './workloadOptions.js';
export { deploymentArb } from './deploymentArb.js';
export { headlessServiceName, statefulSetArb } from './statefulSetArb.js';
export {
  SERVICE_KINDS,
  serviceArb,
  serviceKindOf,
  serviceNameFor,
  type ServiceArbOptions,
  type ServiceKind,
} from './serviceArb.js';
export { appArb, type App, type AppArbOptions, type AppKind } from './appArb.js';
export { appsFromManifests } from './appsFromManifests.js';
export {
  IP_BLOCK_CANDIDATES,
  NETWORK_POLICY_CATEGORIES,
  networkPolicyArb,
  networkPolicyCategories,
  POLICY_POD_VOCABULARY,
  type IpBlockCandidate,
  type NetworkPolicyCategory,
  type NetworkPolicyContext,
} from './networkPolicyArb.js';
export {
  trafficWorkloadArb,
  type TrafficClient,
  type TrafficContext,
  type TrafficTarget,
} from './trafficWorkloadArb.js';
export {
  CHURN_ACTION_KINDS,
  churnTimelineArb,
  type ChurnActionKind,
  type ChurnContext,
  type ChurnTimelineOptions,
  type TimelineStepDocument,
} from './churnTimelineArb.js';
export { CLIENT_LABELS, scenarioArb, type ScenarioArbOptions } from './scenarioArb.js';
