import { isSupportedKind, parseLabelSelector, SUPPORTED_KINDS, type FieldPath } from '@knsim/api';
import { SECOND, type Duration } from '@knsim/core';
import type { NetworkSpec } from '@knsim/traffic';
import { admitInlineObject, loadManifestFiles, type AdmittedObjects } from './resolveManifests.js';
import type { ResolveContext } from './ResolveContext.js';
import type { Condition, ObjectName, ScenarioAction, TimelineStep, Trigger } from './TimelineStep.js';

type Raw = Readonly<Record<string, unknown>>;

/** The action keys of a step, in schema order. */
export const ACTION_KEYS = [
  'apply',
  'delete',
  'patch',
  'scale',
  'rollout',
  'killPod',
  'crashNode',
  'recoverNode',
  'partitionNode',
  'drainNode',
  'cordonNode',
  'uncordonNode',
  'failReadiness',
  'network',
  'dnsOutage',
  'policy',
] as const;

/** Default period at which `when` conditions (and point checks over a window) are evaluated. */
export const DEFAULT_CHECK_PERIOD: Duration = SECOND;

/** Reports a label selector kubectl would not accept. */
export function checkSelector(selector: string, path: FieldPath, context: ResolveContext): void {
  try {
    parseLabelSelector(selector);
  } catch (error) {
    context.issues.error(path, (error as Error).message);
  }
}

function namespaceFor(
  kind: string,
  namespace: unknown,
  path: FieldPath,
  context: ResolveContext,
): string | undefined {
  if (!isSupportedKind(kind)) {
    context.issues.error(
      [...path, 'kind'],
      `unknown kind ${JSON.stringify(kind)} (supported: ${Object.keys(SUPPORTED_KINDS).sort().join(', ')})`,
    );
    return undefined;
  }
  if (!SUPPORTED_KINDS[kind].namespaced) return undefined;
  return typeof namespace === 'string' && namespace !== '' ? namespace : 'default';
}

function window(raw: Raw, path: FieldPath, context: ResolveContext): { from: Duration; until: Duration } {
  const from = raw['from'] === undefined ? 0 : (context.duration(raw['from'], [...path, 'from']) ?? 0);
  const until =
    raw['until'] === undefined
      ? (context.runDuration ?? Number.MAX_SAFE_INTEGER)
      : (context.duration(raw['until'], [...path, 'until']) ?? Number.MAX_SAFE_INTEGER);
  context.withinRun(from, [...path, 'from']);
  if (raw['until'] !== undefined) context.withinRun(until, [...path, 'until']);
  if (until <= from) context.issues.error([...path, 'until'], 'until must be after from');
  return { from, until };
}

function condition(raw: Raw, path: FieldPath, context: ResolveContext): Condition {
  for (const kind of ['all', 'any'] as const) {
    const list = raw[kind];
    if (Array.isArray(list))
      return {
        kind,
        conditions: list.map((item: unknown, i) =>
          condition((item ?? {}) as Raw, [...path, kind, i], context),
        ),
      };
  }
  const podsReady = raw['podsReady'] as Raw | undefined;
  if (podsReady !== undefined) {
    const selector = String(podsReady['selector']);
    checkSelector(selector, [...path, 'podsReady', 'selector'], context);
    return {
      kind: 'podsReady',
      namespace: podsReady['namespace'] as string | undefined,
      selector,
      count: podsReady['count'] as number,
    };
  }
  const endpoints = raw['endpointsReady'] as Raw;
  const service = context.objectName(String(endpoints['service']));
  context.refer('Service', `${service.namespace}/${service.name}`, [...path, 'endpointsReady', 'service']);
  return { kind: 'endpointsReady', service, count: endpoints['count'] as number };
}

function trigger(raw: Raw, path: FieldPath, context: ResolveContext): Trigger {
  for (const key of ['check', 'repeat'] as const)
    if (raw[key] !== undefined && raw['when'] === undefined)
      context.issues.errorAtKey(path, key, `${key} only applies to when`);
  if (raw['at'] !== undefined) {
    for (const key of ['from', 'until'] as const)
      if (raw[key] !== undefined)
        context.issues.errorAtKey(path, key, `${key} only applies to every and when`);
    const at = context.duration(raw['at'], [...path, 'at']) ?? 0;
    context.withinRun(at, [...path, 'at']);
    return { kind: 'at', at };
  }
  if (raw['every'] !== undefined) {
    const every = context.duration(raw['every'], [...path, 'every']) ?? SECOND;
    if (every === 0) context.issues.error([...path, 'every'], 'must be longer than 0');
    return { kind: 'every', every: every === 0 ? SECOND : every, ...window(raw, path, context) };
  }
  const check =
    raw['check'] === undefined
      ? DEFAULT_CHECK_PERIOD
      : (context.duration(raw['check'], [...path, 'check']) ?? DEFAULT_CHECK_PERIOD);
  if (check === 0) context.issues.error([...path, 'check'], 'must be longer than 0');
  return {
    kind: 'when',
    condition: condition(raw['when'] as Raw, [...path, 'when'], context),
    check: check === 0 ? DEFAULT_CHECK_PERIOD : check,
    repeat: raw['repeat'] === true,
    ...window(raw, path, context),
  };
}

const EMPTY: AdmittedObjects = { objects: [], origins: [] };

async function applied(value: unknown, path: FieldPath, context: ResolveContext): Promise<AdmittedObjects> {
  if (Array.isArray(value)) {
    const result: AdmittedObjects = { objects: [], origins: [] };
    value.forEach((item, index) => {
      const admitted = admitInlineObject(item, [...path, index], context);
      if (admitted === undefined) return;
      result.objects.push(admitted.object);
      result.origins.push(admitted.origin);
    });
    return result;
  }
  const raw = value as Raw;
  if (typeof raw['file'] === 'string')
    return loadManifestFiles([raw['file']], () => [...path, 'file'], context);
  const admitted = admitInlineObject(value, path, context);
  return admitted === undefined ? EMPTY : { objects: [admitted.object], origins: [admitted.origin] };
}

function target<K extends string>(
  raw: Raw,
  kinds: Readonly<Record<string, K>>,
  path: FieldPath,
  context: ResolveContext,
): { kind: K; target: ObjectName } {
  const key = Object.keys(kinds).find((k) => raw[k] !== undefined) as string;
  const kind = kinds[key] as K;
  const name = context.objectName(String(raw[key]));
  context.refer(kind as 'Deployment', `${name.namespace}/${name.name}`, [...path, key]);
  return { kind, target: name };
}

async function action(
  key: string,
  value: unknown,
  path: FieldPath,
  context: ResolveContext,
): Promise<ScenarioAction> {
  const at = [...path, key];
  const raw = (typeof value === 'object' && value !== null ? value : {}) as Raw;
  switch (key) {
    case 'apply':
      return { type: 'apply', ...(await applied(value, at, context)) };
    case 'delete':
    case 'patch': {
      const kind = String(raw['kind']);
      const namespace = namespaceFor(kind, raw['namespace'], at, context);
      const name = String(raw['name']);
      // Objects the user names must exist; pods and slices get generated names, so they are
      // checked when the step runs (a refusal in the report), not here.
      if (isSupportedKind(kind) && kind !== 'Pod' && kind !== 'EndpointSlice')
        context.refer(kind, namespace === undefined ? name : `${namespace}/${name}`, [...at, 'name']);
      return key === 'delete'
        ? { type: 'delete', kind, namespace, name }
        : { type: 'patch', kind, namespace, name, merge: raw['merge'] as Raw };
    }
    case 'scale':
      return {
        type: 'scale',
        ...target(
          raw,
          { deployment: 'Deployment', statefulSet: 'StatefulSet', replicaSet: 'ReplicaSet' },
          at,
          context,
        ),
        replicas: raw['replicas'] as number,
      };
    case 'rollout': {
      const image = raw['image'] as { container: string; image: string } | undefined;
      return {
        type: 'rollout',
        ...target(
          raw,
          { deployment: 'Deployment', statefulSet: 'StatefulSet', daemonSet: 'DaemonSet' },
          at,
          context,
        ),
        image: image === undefined ? undefined : { container: image.container, image: image.image },
      };
    }
    case 'killPod': {
      if (typeof raw['pod'] === 'string') {
        for (const extra of ['namespace', 'count'] as const)
          if (raw[extra] !== undefined)
            context.issues.errorAtKey(at, extra, `${extra} only applies with selector`);
        return { type: 'killPod', pod: context.objectName(raw['pod']) };
      }
      const selector = String(raw['selector']);
      checkSelector(selector, [...at, 'selector'], context);
      return {
        type: 'killPods',
        namespace: raw['namespace'] as string | undefined,
        selector,
        count: (raw['count'] as number | undefined) ?? 1,
      };
    }
    case 'crashNode':
    case 'recoverNode':
    case 'partitionNode':
    case 'drainNode':
    case 'cordonNode':
    case 'uncordonNode':
      context.refer('Node', String(value), at);
      return { type: key, node: String(value) };
    case 'failReadiness': {
      const selector = String(raw['selector']);
      checkSelector(selector, [...at, 'selector'], context);
      return {
        type: 'failReadiness',
        namespace: raw['namespace'] as string | undefined,
        selector,
        duration: context.duration(raw['duration'], [...at, 'duration']),
      };
    }
    case 'network': {
      const spec = raw as NetworkSpec;
      return {
        type: 'network',
        spec,
        sameNode: context.distribution(spec.sameNode, [...at, 'sameNode']),
        crossNode: context.distribution(spec.crossNode, [...at, 'crossNode']),
        crossZone: context.distribution(spec.crossZone, [...at, 'crossZone']),
        external: context.distribution(spec.external, [...at, 'external']),
        loss: spec.loss,
      };
    }
    case 'dnsOutage':
      return { type: 'dnsOutage', duration: context.duration(raw['duration'], [...at, 'duration']) };
    default: {
      // policy
      if (raw['delete'] !== undefined) {
        const policy = context.objectName(String(raw['delete']));
        context.refer('NetworkPolicy', `${policy.namespace}/${policy.name}`, [...at, 'delete']);
        return { type: 'deletePolicy', policy };
      }
      const object = raw['apply'] as Raw;
      if (object['kind'] !== 'NetworkPolicy') {
        context.issues.error(
          [...at, 'apply', 'kind'],
          `expected a NetworkPolicy, got ${JSON.stringify(object['kind'])}`,
        );
        return { type: 'applyPolicy', ...EMPTY };
      }
      return { type: 'applyPolicy', ...(await applied(object, [...at, 'apply'], context)) };
    }
  }
}

/**
 * Resolves the timeline: triggers with times in µs (checked against the run's duration), actions
 * with their objects validated as manifests. Steps the schema rejected are skipped (their errors
 * are already reported).
 */
export async function resolveTimeline(
  steps: readonly unknown[],
  context: ResolveContext,
): Promise<TimelineStep[]> {
  const resolved: TimelineStep[] = [];
  for (const [index, value] of steps.entries()) {
    const path: FieldPath = ['timeline', index];
    if (context.issues.hasErrorsUnder(path)) continue;
    const raw = value as Raw;
    const key = ACTION_KEYS.find((k) => raw[k] !== undefined) as string;
    const stepTrigger = trigger(raw, path, context);
    resolved.push({
      name: typeof raw['name'] === 'string' ? raw['name'] : `timeline[${index}] ${key}`,
      trigger: stepTrigger,
      action: await action(key, raw[key], path, context),
      location: context.issues.locator.locate(path),
    });
  }
  return resolved;
}
