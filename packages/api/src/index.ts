/**
 * @knsim/api: knsim's Kubernetes object model. Types for the objects knsim simulates, a
 * manifest loader that validates and defaults them as the API server would, label selectors,
 * int-or-percent values, and IPv4/IPv6 address and CIDR math.
 *
 * @packageDocumentation
 */
export type {
  ConditionStatus,
  LabelSelector,
  LabelSelectorOperator,
  LabelSelectorRequirement,
  ObjectMeta,
  ObjectReference,
  OwnerReference,
  Protocol,
  StringMap,
} from './ObjectMeta.js';
export { PROTOCOLS } from './ObjectMeta.js';
export { NAMESPACE_NAME_LABEL, type Namespace } from './Namespace.js';
export type { Node, NodeAddress, NodeCondition, Taint } from './Node.js';
export type {
  Container,
  ContainerPort,
  DnsPolicy,
  GrpcAction,
  HttpGetAction,
  Pod,
  PodCondition,
  PodDnsConfig,
  PodPhase,
  PodSpec,
  PodStatus,
  PodTemplateSpec,
  Probe,
  RestartPolicy,
  TcpSocketAction,
  Toleration,
} from './Pod.js';
export type { Deployment, DeploymentStrategy, WorkloadStatus } from './Deployment.js';
export type { ReplicaSet } from './ReplicaSet.js';
export type { StatefulSet } from './StatefulSet.js';
export type { DaemonSet } from './DaemonSet.js';
export type { Job, JobSpec } from './Job.js';
export type { CronJob } from './CronJob.js';
export {
  DEFAULT_CLIENT_IP_TIMEOUT_SECONDS,
  DEFAULT_NODE_PORT_RANGE,
  isExternallyAccessible,
  isHeadlessService,
  MAX_CLIENT_IP_TIMEOUT_SECONDS,
  serviceSelectorMatcher,
  type LoadBalancerIngress,
  type PortRange,
  type Service,
  type ServicePort,
  type ServiceType,
  type TrafficPolicy,
} from './Service.js';
export {
  MAX_ENDPOINTS_PER_SLICE,
  SERVICE_NAME_LABEL,
  type Endpoint,
  type EndpointPort,
  type EndpointSlice,
} from './EndpointSlice.js';
export {
  PATH_TYPES,
  type HttpIngressPath,
  type Ingress,
  type IngressBackend,
  type IngressRule,
  type PathType,
} from './Ingress.js';
export {
  DEFAULT_INGRESS_CLASS_ANNOTATION,
  isDefaultIngressClass,
  type IngressClass,
} from './IngressClass.js';
export type {
  IpBlock,
  NetworkPolicy,
  NetworkPolicyEgressRule,
  NetworkPolicyIngressRule,
  NetworkPolicyPeer,
  NetworkPolicyPort,
  PolicyType,
} from './NetworkPolicy.js';
export {
  DEFAULT_NAMESPACE,
  formatObjectRef,
  isSupportedKind,
  SUPPORTED_KINDS,
  type KubeKind,
  type KubeObject,
  type KubeObjectOf,
} from './KubeObject.js';

export { describeBadIntOrPercent, resolveIntOrPercent, type IntOrString } from './IntOrString.js';
export {
  compileLabelMap,
  compileLabelSelector,
  formatLabelSelector,
  LabelSelectorParseError,
  MATCH_EVERYTHING,
  MATCH_NOTHING,
  parseLabelSelector,
  type LabelMatcher,
} from './labelSelector.js';
export {
  AddressParseError,
  compareIps,
  describeBadIp,
  formatIp,
  formatIpv4,
  formatIpv6,
  ipEquals,
  IPV4_SPACE,
  IPV6_MAX,
  isIpv4Mapped,
  parseIp,
  parseIpv4,
  parseIpv6,
  tryParseIp,
  type IpAddress,
  type IpFamily,
  type IpParseOptions,
} from './ipAddress.js';
export {
  cidrContains,
  cidrContainsCidr,
  describeBadCidr,
  Ipv4Cidr,
  Ipv6Cidr,
  parseCidr,
  parseIpv4Cidr,
  parseIpv6Cidr,
  tryParseCidr,
  type Cidr,
  type CidrParseOptions,
} from './Cidr.js';
export {
  dns1035LabelProblems,
  dns1123LabelProblems,
  dns1123SubdomainProblems,
  labelValueProblems,
  MAX_LABEL_LENGTH,
  MAX_PORT_NAME_LENGTH,
  MAX_SUBDOMAIN_LENGTH,
  portNameProblems,
  portNumberProblems,
  qualifiedNameProblems,
  wildcardDns1123SubdomainProblems,
} from './nameChecks.js';

export { formatFieldPath, type FieldIssue, type FieldPath } from './FieldReporter.js';
export { validateObject, type ValidationOptions } from './validateObject.js';
export { applyDefaults } from './applyDefaults.js';
export {
  compareManifestIssues,
  formatManifestIssue,
  ManifestError,
  type IssueSeverity,
  type ManifestIssue,
} from './ManifestError.js';
export {
  MAX_YAML_ALIASES,
  parseManifests,
  type LoadedManifests,
  type LoadOptions,
  type ManifestOrigin,
} from './parseManifests.js';
export {
  loadManifests,
  MANIFEST_EXTENSIONS,
  STDIN_FILE_NAME,
  STDIN_SOURCE,
  type LoadManifestsOptions,
} from './loadManifests.js';
