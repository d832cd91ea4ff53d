import { FieldReporter, type FieldIssue, type RawMap } from './FieldReporter.js';
import { isSupportedKind, SUPPORTED_KINDS } from './KubeObject.js';
import { labelValueProblems, qualifiedNameProblems } from './nameChecks.js';
import { validateEndpointSlice } from './validateEndpointSlice.js';
import { validateIngress } from './validateIngress.js';
import { validateIngressClass } from './validateIngressClass.js';
import { validateNetworkPolicy } from './validateNetworkPolicy.js';
import { validateObjectMeta } from './validateObjectMeta.js';
import { validatePodSpec, validatePodStatus } from './validatePodSpec.js';
import { validateService, type ServiceValidationOptions } from './validateService.js';
import { validateWorkload } from './validateWorkload.js';

/** Options for {@link validateObject}. */
export interface ValidationOptions extends ServiceValidationOptions {
  /**
   * Reject everything the API server rejects (the default). When false, rules the simulation
   * can do without are reported as warnings instead: object name formats, unnamed ports of
   * multi-port Services, unnamed containers, container ports without a number, incomplete
   * ownerReferences. Exported or hand-written manifests that never went through an API server
   * (analysis corpora) then still load; see `loadManifests` for what happens to such objects.
   */
  readonly strict?: boolean;
}

const TAINT_EFFECTS = ['NoExecute', 'NoSchedule', 'PreferNoSchedule'] as const;
const NODE_ADDRESS_TYPES = ['ExternalDNS', 'ExternalIP', 'Hostname', 'InternalDNS', 'InternalIP'] as const;

function validateNode(report: FieldReporter, object: RawMap): void {
  const spec = report.map(object.spec, ['spec']);
  if (spec !== undefined) {
    const podCIDR = report.string(spec.podCIDR, ['spec', 'podCIDR']);
    if (podCIDR !== undefined && podCIDR !== '') report.legacyCidr(podCIDR, ['spec', 'podCIDR']);
    const podCIDRs = report.strings(spec.podCIDRs, ['spec', 'podCIDRs']) ?? [];
    const families = new Set<string>();
    podCIDRs.forEach((text, index) => {
      const cidr = report.legacyCidr(text, ['spec', 'podCIDRs', index]);
      if (cidr === undefined) return;
      if (families.has(cidr.family))
        report.invalid(['spec', 'podCIDRs', index], text, 'may hold at most one CIDR per family');
      families.add(cidr.family);
    });
    if (podCIDR !== undefined && podCIDR !== '' && podCIDRs.length > 0 && podCIDRs[0] !== podCIDR) {
      report.invalid(['spec', 'podCIDRs', 0], podCIDRs[0], 'must match `podCIDR`');
    }
    report.boolean(spec.unschedulable, ['spec', 'unschedulable']);
    (report.list(spec.taints, ['spec', 'taints']) ?? []).forEach((raw, index) => {
      const at = ['spec', 'taints', index];
      const taint = report.map(raw, at);
      if (taint === undefined) return;
      const key = report.string(taint.key, [...at, 'key']);
      if (key === undefined || key === '') report.required([...at, 'key']);
      else report.problems([...at, 'key'], key, qualifiedNameProblems(key));
      const value = report.string(taint.value, [...at, 'value']);
      if (value !== undefined) report.problems([...at, 'value'], value, labelValueProblems(value));
      if (taint.effect === undefined) report.required([...at, 'effect']);
      report.oneOf(taint.effect, [...at, 'effect'], TAINT_EFFECTS);
    });
  }
  const status = report.map(object.status, ['status']);
  (report.list(status?.addresses, ['status', 'addresses']) ?? []).forEach((raw, index) => {
    const at = ['status', 'addresses', index];
    const address = report.map(raw, at);
    if (address === undefined) return;
    const type = report.oneOf(address.type, [...at, 'type'], NODE_ADDRESS_TYPES);
    if (type === 'InternalIP' || type === 'ExternalIP') report.legacyIp(address.address, [...at, 'address']);
    else report.string(address.address, [...at, 'address']);
  });
}

/**
 * Validates one object as the API server would on create: its kind and apiVersion, metadata,
 * and the rules of its kind. Returns every issue found (errors and warnings); an empty list
 * means the object is valid. Takes the raw decoded manifest, so wrong types are reported too.
 */
export function validateObject(object: unknown, options: ValidationOptions = {}): FieldIssue[] {
  const report = new FieldReporter(options.strict ?? true);
  const raw = report.map(object, []);
  if (raw === undefined) return report.issues;
  const kind = report.string(raw.kind, ['kind']);
  if (kind === undefined || kind === '') {
    report.required(['kind']);
    return report.issues;
  }
  if (!isSupportedKind(kind)) {
    report.unsupported(['kind'], kind, Object.keys(SUPPORTED_KINDS).sort());
    return report.issues;
  }
  const apiVersion = report.string(raw.apiVersion, ['apiVersion']);
  const expected = SUPPORTED_KINDS[kind].apiVersion;
  if (apiVersion === undefined || apiVersion === '') {
    report.required(['apiVersion'], `${kind} is served as ${expected}`);
  } else if (apiVersion !== expected) {
    report.invalid(['apiVersion'], apiVersion, `${kind} is served as ${expected}`);
  }
  validateObjectMeta(report, kind, raw.metadata);
  switch (kind) {
    case 'Namespace':
      break;
    case 'Node':
      validateNode(report, raw);
      break;
    case 'Pod':
      validatePodSpec(report, raw.spec, ['spec']);
      validatePodStatus(report, raw.status);
      break;
    case 'Service':
      validateService(report, raw, options);
      break;
    case 'EndpointSlice':
      validateEndpointSlice(report, raw);
      break;
    case 'Ingress':
      validateIngress(report, raw);
      break;
    case 'IngressClass':
      validateIngressClass(report, raw);
      break;
    case 'NetworkPolicy':
      validateNetworkPolicy(report, raw);
      break;
    default:
      validateWorkload(report, kind, raw);
  }
  return report.issues;
}
