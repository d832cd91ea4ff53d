import type { FieldPath, FieldReporter, RawMap } from './FieldReporter.js';
import { SUPPORTED_KINDS, type KubeKind } from './KubeObject.js';
import { dns1035LabelProblems, dns1123LabelProblems, dns1123SubdomainProblems } from './nameChecks.js';
import { validateLabels } from './validateLabelSelector.js';

/** The naming rule of each kind's objects. */
export function nameProblemsFor(kind: KubeKind): (name: string) => string[] {
  switch (kind) {
    case 'Namespace':
      return dns1123LabelProblems;
    case 'Service':
      return dns1035LabelProblems;
    default:
      return dns1123SubdomainProblems;
  }
}

/** Longest CronJob name: Job names append an 11-character suffix and must stay within 63. */
const MAX_CRONJOB_NAME_LENGTH = 52;

/** Checks `metadata`: name or generateName per kind, namespace, labels, annotations, owners. */
export function validateObjectMeta(report: FieldReporter, kind: KubeKind, value: unknown): void {
  const path: FieldPath = ['metadata'];
  if (value === undefined) {
    report.required(path);
    return;
  }
  const meta: RawMap | undefined = report.map(value, path);
  if (meta === undefined) return;
  const nameProblems = nameProblemsFor(kind);
  const name = report.string(meta.name, ['metadata', 'name']);
  const generateName = report.string(meta.generateName, ['metadata', 'generateName']);
  if (name !== undefined && name !== '') {
    report.relaxed(() => report.problems(['metadata', 'name'], name, nameProblems(name)));
    if (kind === 'CronJob' && name.length > MAX_CRONJOB_NAME_LENGTH) {
      report.invalid(
        ['metadata', 'name'],
        name,
        `must be no more than ${MAX_CRONJOB_NAME_LENGTH} characters`,
      );
    }
  } else if (generateName !== undefined && generateName !== '') {
    // A generated name appends a suffix, so a trailing '-' is fine in the prefix.
    const prefix = generateName.endsWith('-') ? `${generateName.slice(0, -1)}a` : generateName;
    report.relaxed(() => report.problems(['metadata', 'generateName'], generateName, nameProblems(prefix)));
  } else {
    report.required(['metadata', 'name'], 'name or generateName is required');
  }
  const namespace = report.string(meta.namespace, ['metadata', 'namespace']);
  if (namespace !== undefined && namespace !== '' && SUPPORTED_KINDS[kind].namespaced) {
    report.problems(['metadata', 'namespace'], namespace, dns1123LabelProblems(namespace));
  }
  validateLabels(report, meta.labels, ['metadata', 'labels']);
  // Annotations are free-form, but they are still a map of strings.
  report.stringMap(meta.annotations, ['metadata', 'annotations']);
  report.string(meta.deletionTimestamp, ['metadata', 'deletionTimestamp']);
  report.string(meta.uid, ['metadata', 'uid']);
  const owners = report.list(meta.ownerReferences, ['metadata', 'ownerReferences']);
  let controllers = 0;
  owners?.forEach((raw, index) => {
    const at = ['metadata', 'ownerReferences', index];
    const owner = report.map(raw, at);
    if (owner === undefined) return;
    for (const field of ['apiVersion', 'kind', 'name', 'uid']) {
      const text = report.string(owner[field], [...at, field]);
      if (text === undefined || text === '') {
        if (field === 'name') report.required([...at, field]);
        else report.relaxed(() => report.required([...at, field]));
      }
    }
    if (report.boolean(owner.controller, [...at, 'controller']) === true) controllers++;
  });
  if (controllers > 1) {
    report.invalid(
      ['metadata', 'ownerReferences'],
      `${controllers} controllers`,
      'only one reference can have controller set to true',
    );
  }
}
