import type { FieldPath, FieldReporter, RawMap } from './FieldReporter.js';
import { describeBadIntOrPercent, type IntOrString } from './IntOrString.js';
import type { KubeKind } from './KubeObject.js';
import { dns1123LabelProblems } from './nameChecks.js';
import type { LabelSelector } from './ObjectMeta.js';
import { isEmptySelector, validateLabelSelector } from './validateLabelSelector.js';
import { validatePodTemplate, type PodSpecRules } from './validatePodSpec.js';

const ALWAYS: PodSpecRules = { restartPolicies: ['Always'] };
const JOB_POD: PodSpecRules = { restartPolicies: ['OnFailure', 'Never'] };

/** A required, non-empty selector (Deployments, ReplicaSets, StatefulSets, DaemonSets). */
function requiredSelector(report: FieldReporter, spec: RawMap, kind: string): LabelSelector | undefined {
  const path = ['spec', 'selector'];
  if (spec.selector === undefined) {
    report.required(path);
    return undefined;
  }
  const selector = validateLabelSelector(report, spec.selector, path);
  if (selector !== undefined && isEmptySelector(selector)) {
    report.invalid(path, selector, `empty selector is invalid for a ${kind}`);
    return undefined;
  }
  return selector;
}

/** An int-or-percent that must be non-negative (and at most 100% when `capAt100`). */
function intOrPercent(
  report: FieldReporter,
  value: unknown,
  path: FieldPath,
  capAt100: boolean,
): IntOrString | undefined {
  const read = report.intOrString(value, path);
  if (read === undefined) return undefined;
  const problem = describeBadIntOrPercent(read);
  if (problem !== undefined) {
    report.invalid(path, read, problem);
    return undefined;
  }
  if (capAt100 && typeof read === 'string' && Number(read.slice(0, -1)) > 100) {
    report.invalid(path, read, 'must not be greater than 100%');
  }
  return read;
}

function isZero(value: IntOrString | undefined): boolean {
  return value === 0 || value === '0%';
}

function specOf(report: FieldReporter, object: RawMap): RawMap | undefined {
  if (object.spec === undefined) {
    report.required(['spec']);
    return undefined;
  }
  return report.map(object.spec, ['spec']);
}

function validateDeployment(report: FieldReporter, spec: RawMap): void {
  report.nonNegative(spec.replicas, ['spec', 'replicas']);
  const selector = requiredSelector(report, spec, 'Deployment');
  validatePodTemplate(report, spec.template, ['spec', 'template'], selector, ALWAYS);
  const minReadySeconds = report.nonNegative(spec.minReadySeconds, ['spec', 'minReadySeconds']) ?? 0;
  report.nonNegative(spec.revisionHistoryLimit, ['spec', 'revisionHistoryLimit']);
  const deadline = report.integer(spec.progressDeadlineSeconds, ['spec', 'progressDeadlineSeconds']);
  if (deadline !== undefined && deadline <= minReadySeconds) {
    report.invalid(['spec', 'progressDeadlineSeconds'], deadline, 'must be greater than minReadySeconds');
  }
  const strategy = report.map(spec.strategy, ['spec', 'strategy']);
  if (strategy === undefined) return;
  const type = report.oneOf(strategy.type, ['spec', 'strategy', 'type'], ['Recreate', 'RollingUpdate']);
  const rolling = report.map(strategy.rollingUpdate, ['spec', 'strategy', 'rollingUpdate']);
  if (rolling === undefined) return;
  if (type === 'Recreate') {
    report.forbidden(
      ['spec', 'strategy', 'rollingUpdate'],
      "may not be specified when strategy `type` is 'Recreate'",
    );
    return;
  }
  validateRollingUpdate(report, rolling, ['spec', 'strategy', 'rollingUpdate'], '25%', '25%');
}

/** maxSurge / maxUnavailable: well formed, maxUnavailable at most 100%, not both zero. */
function validateRollingUpdate(
  report: FieldReporter,
  rolling: RawMap,
  path: FieldPath,
  defaultSurge: IntOrString,
  defaultUnavailable: IntOrString,
): void {
  const surge = intOrPercent(report, rolling.maxSurge, [...path, 'maxSurge'], false);
  const unavailable = intOrPercent(report, rolling.maxUnavailable, [...path, 'maxUnavailable'], true);
  if (isZero(surge ?? defaultSurge) && isZero(unavailable ?? defaultUnavailable)) {
    report.invalid(
      [...path, 'maxUnavailable'],
      unavailable ?? defaultUnavailable,
      'may not be 0 when `maxSurge` is 0',
    );
  }
}

function validateReplicaSet(report: FieldReporter, spec: RawMap): void {
  report.nonNegative(spec.replicas, ['spec', 'replicas']);
  report.nonNegative(spec.minReadySeconds, ['spec', 'minReadySeconds']);
  const selector = requiredSelector(report, spec, 'ReplicaSet');
  validatePodTemplate(report, spec.template, ['spec', 'template'], selector, ALWAYS);
}

function validateStatefulSet(report: FieldReporter, spec: RawMap): void {
  report.nonNegative(spec.replicas, ['spec', 'replicas']);
  report.nonNegative(spec.minReadySeconds, ['spec', 'minReadySeconds']);
  report.nonNegative(spec.revisionHistoryLimit, ['spec', 'revisionHistoryLimit']);
  const serviceName = report.string(spec.serviceName, ['spec', 'serviceName']);
  if (serviceName !== undefined && serviceName !== '') {
    report.problems(['spec', 'serviceName'], serviceName, dns1123LabelProblems(serviceName));
  }
  report.oneOf(spec.podManagementPolicy, ['spec', 'podManagementPolicy'], ['OrderedReady', 'Parallel']);
  const selector = requiredSelector(report, spec, 'StatefulSet');
  validatePodTemplate(report, spec.template, ['spec', 'template'], selector, ALWAYS);
  const strategy = report.map(spec.updateStrategy, ['spec', 'updateStrategy']);
  if (strategy !== undefined) {
    const type = report.oneOf(
      strategy.type,
      ['spec', 'updateStrategy', 'type'],
      ['OnDelete', 'RollingUpdate'],
    );
    const rolling = report.map(strategy.rollingUpdate, ['spec', 'updateStrategy', 'rollingUpdate']);
    if (rolling !== undefined) {
      if (type === 'OnDelete') {
        report.forbidden(
          ['spec', 'updateStrategy', 'rollingUpdate'],
          "may not be specified when `type` is 'OnDelete'",
        );
      }
      report.nonNegative(rolling.partition, ['spec', 'updateStrategy', 'rollingUpdate', 'partition']);
      const unavailable = intOrPercent(
        report,
        rolling.maxUnavailable,
        ['spec', 'updateStrategy', 'rollingUpdate', 'maxUnavailable'],
        true,
      );
      if (unavailable !== undefined && isZero(unavailable)) {
        report.invalid(
          ['spec', 'updateStrategy', 'rollingUpdate', 'maxUnavailable'],
          unavailable,
          'must be greater than 0',
        );
      }
    }
  }
  const ordinals = report.map(spec.ordinals, ['spec', 'ordinals']);
  if (ordinals !== undefined) report.nonNegative(ordinals.start, ['spec', 'ordinals', 'start']);
}

function validateDaemonSet(report: FieldReporter, spec: RawMap): void {
  report.nonNegative(spec.minReadySeconds, ['spec', 'minReadySeconds']);
  report.nonNegative(spec.revisionHistoryLimit, ['spec', 'revisionHistoryLimit']);
  const selector = requiredSelector(report, spec, 'DaemonSet');
  validatePodTemplate(report, spec.template, ['spec', 'template'], selector, ALWAYS);
  const strategy = report.map(spec.updateStrategy, ['spec', 'updateStrategy']);
  if (strategy === undefined) return;
  const type = report.oneOf(strategy.type, ['spec', 'updateStrategy', 'type'], ['OnDelete', 'RollingUpdate']);
  const rolling = report.map(strategy.rollingUpdate, ['spec', 'updateStrategy', 'rollingUpdate']);
  if (rolling === undefined) return;
  if (type === 'OnDelete') {
    report.forbidden(
      ['spec', 'updateStrategy', 'rollingUpdate'],
      "may not be specified when `type` is 'OnDelete'",
    );
    return;
  }
  validateRollingUpdate(report, rolling, ['spec', 'updateStrategy', 'rollingUpdate'], 0, 1);
}

/** A Job spec, at `path` (`spec`, or `spec.jobTemplate.spec` in a CronJob). */
function validateJobSpec(report: FieldReporter, value: unknown, path: FieldPath): void {
  if (value === undefined) {
    report.required(path);
    return;
  }
  const spec = report.map(value, path);
  if (spec === undefined) return;
  report.nonNegative(spec.parallelism, [...path, 'parallelism']);
  report.nonNegative(spec.completions, [...path, 'completions']);
  report.nonNegative(spec.backoffLimit, [...path, 'backoffLimit']);
  report.nonNegative(spec.ttlSecondsAfterFinished, [...path, 'ttlSecondsAfterFinished']);
  report.nonNegative(spec.activeDeadlineSeconds, [...path, 'activeDeadlineSeconds'], 1);
  report.oneOf(spec.completionMode, [...path, 'completionMode'], ['Indexed', 'NonIndexed']);
  report.boolean(spec.suspend, [...path, 'suspend']);
  const manualSelector = report.boolean(spec.manualSelector, [...path, 'manualSelector']) ?? false;
  let selector: LabelSelector | undefined;
  if (spec.selector !== undefined) {
    if (manualSelector) selector = validateLabelSelector(report, spec.selector, [...path, 'selector']);
    else
      report.forbidden([...path, 'selector'], 'is generated by the server unless `manualSelector` is true');
  } else if (manualSelector) {
    report.required([...path, 'selector'], 'needed when `manualSelector` is true');
  }
  validatePodTemplate(report, spec.template, [...path, 'template'], selector, JOB_POD);
}

function validateCronJob(report: FieldReporter, spec: RawMap): void {
  const schedule = report.string(spec.schedule, ['spec', 'schedule']);
  if (schedule === undefined || schedule.trim() === '') report.required(['spec', 'schedule']);
  report.string(spec.timeZone, ['spec', 'timeZone']);
  report.oneOf(spec.concurrencyPolicy, ['spec', 'concurrencyPolicy'], ['Allow', 'Forbid', 'Replace']);
  report.boolean(spec.suspend, ['spec', 'suspend']);
  report.nonNegative(spec.startingDeadlineSeconds, ['spec', 'startingDeadlineSeconds']);
  report.nonNegative(spec.successfulJobsHistoryLimit, ['spec', 'successfulJobsHistoryLimit']);
  report.nonNegative(spec.failedJobsHistoryLimit, ['spec', 'failedJobsHistoryLimit']);
  if (spec.jobTemplate === undefined) {
    report.required(['spec', 'jobTemplate']);
    return;
  }
  const template = report.map(spec.jobTemplate, ['spec', 'jobTemplate']);
  if (template !== undefined) validateJobSpec(report, template.spec, ['spec', 'jobTemplate', 'spec']);
}

/** Checks the spec of a workload kind (Deployment, ReplicaSet, StatefulSet, DaemonSet, Job, CronJob). */
export function validateWorkload(report: FieldReporter, kind: KubeKind, object: RawMap): void {
  if (kind === 'Job') {
    validateJobSpec(report, object.spec, ['spec']);
    return;
  }
  const spec = specOf(report, object);
  if (spec === undefined) return;
  switch (kind) {
    case 'Deployment':
      return validateDeployment(report, spec);
    case 'ReplicaSet':
      return validateReplicaSet(report, spec);
    case 'StatefulSet':
      return validateStatefulSet(report, spec);
    case 'DaemonSet':
      return validateDaemonSet(report, spec);
    case 'CronJob':
      return validateCronJob(report, spec);
    default:
      throw new RangeError(`${kind} is not a workload kind`);
  }
}
