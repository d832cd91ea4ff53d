import { stat } from 'node:fs/promises';
import { isAbsolute, join } from 'node:path';
import {
  applyDefaults,
  formatObjectRef,
  isSupportedKind,
  loadManifests,
  ManifestError,
  validateObject,
  type FieldPath,
  type KubeObject,
  type ManifestIssue,
} from '@knsim/api';
import type { ScenarioManifestOrigin } from './Scenario.js';
import type { ResolveContext } from './ResolveContext.js';
import type { ScenarioIssue } from './ScenarioError.js';

/** Objects with their origins, as one load gives them. */
export interface AdmittedObjects {
  readonly objects: KubeObject[];
  readonly origins: ScenarioManifestOrigin[];
}

/** Drops null map entries: the API server reads `field: null` as an absent field. */
function withoutNulls(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutNulls);
  if (typeof value !== 'object' || value === null) return value;
  const result: Record<string, unknown> = {};
  for (const [key, entry] of Object.entries(value)) if (entry !== null) result[key] = withoutNulls(entry);
  return result;
}

function toScenarioIssue(issue: ManifestIssue): ScenarioIssue {
  const { item: _item, ...rest } = issue;
  return rest;
}

/**
 * Validates and defaults one object written inside the scenario, as `@knsim/api` does for files,
 * reporting its problems at their positions in the scenario. Undefined when it is invalid or of a
 * kind knsim does not model (a warning).
 */
export function admitInlineObject(
  value: unknown,
  path: FieldPath,
  context: ResolveContext,
): { object: KubeObject; origin: ScenarioManifestOrigin } | undefined {
  const raw = withoutNulls(value) as Record<string, unknown>;
  const kind = raw['kind'];
  const location = context.issues.locator.locate(path);
  const origin: ScenarioManifestOrigin = {
    file: location.file,
    document: 1,
    ...(location.line === undefined ? {} : { line: location.line, column: location.column ?? 1 }),
    path: location.path,
  };
  if (typeof kind === 'string' && kind !== '' && !isSupportedKind(kind)) {
    const { path: _path, ...at } = location;
    context.issues.add({
      severity: 'warning',
      ...at,
      path: location.path,
      reason: `skipped: knsim does not model kind ${kind}`,
    });
    return undefined;
  }
  let valid = true;
  for (const issue of validateObject(raw)) {
    if (issue.severity === 'error') {
      valid = false;
      context.issues.error([...path, ...issue.path], issue.reason);
    } else {
      const { path: text, ...at } = context.issues.locator.locate([...path, ...issue.path]);
      context.issues.add({ severity: 'warning', ...at, path: text, reason: issue.reason });
    }
  }
  if (!valid) return undefined;
  return { object: applyDefaults(raw as unknown as KubeObject), origin };
}

/**
 * Loads manifest files and folders (relative to the scenario's folder) through `@knsim/api`'s
 * loader. A path that does not exist is reported at `pathOf(i)` in the scenario; problems inside
 * the files keep their own file, line and column.
 */
export async function loadManifestFiles(
  paths: readonly string[],
  pathOf: (index: number) => FieldPath,
  context: ResolveContext,
): Promise<AdmittedObjects> {
  const sources: string[] = [];
  for (const [index, given] of paths.entries()) {
    const source = isAbsolute(given) ? given : join(context.baseDir, given);
    const exists = await stat(source).then(
      () => true,
      () => false,
    );
    if (exists) sources.push(source);
    else context.issues.error(pathOf(index), `no such file or folder: ${source}`);
  }
  if (sources.length === 0) return { objects: [], origins: [] };
  try {
    const loaded = await loadManifests(sources);
    for (const warning of loaded.warnings) context.issues.add(toScenarioIssue(warning));
    return { objects: [...loaded.objects], origins: [...loaded.origins] };
  } catch (error) {
    if (!(error instanceof ManifestError)) throw error;
    for (const issue of [...error.errors, ...error.warnings]) context.issues.add(toScenarioIssue(issue));
    return { objects: [], origins: [] };
  }
}

/** `Kind namespace/name` identity of an object, as duplicates are detected. */
export function objectKey(object: KubeObject): string {
  return `${object.kind}\u0000${object.metadata.namespace ?? ''}\u0000${object.metadata.name ?? ''}`;
}

function describeOrigin(origin: ScenarioManifestOrigin): string {
  const where =
    origin.line === undefined ? origin.file : `${origin.file}:${origin.line}:${origin.column ?? 1}`;
  return origin.path === undefined ? `${where} (document ${origin.document})` : `${where} (${origin.path})`;
}

/**
 * The initial objects: the `include`d files and folders first, then the inline `manifests`. An
 * object defined twice (same kind, namespace and name) is an error naming both places.
 */
export async function resolveManifests(
  include: readonly string[],
  manifests: readonly unknown[],
  context: ResolveContext,
): Promise<AdmittedObjects> {
  const included = await loadManifestFiles(include, (i) => ['include', i], context);
  const objects = [...included.objects];
  const origins = [...included.origins];
  const seen = new Map<string, ScenarioManifestOrigin>();
  objects.forEach((object, i) => seen.set(objectKey(object), origins[i] as ScenarioManifestOrigin));
  manifests.forEach((value, index) => {
    const path: FieldPath = ['manifests', index];
    if (context.issues.hasErrorsUnder(path)) return;
    const admitted = admitInlineObject(value, path, context);
    if (admitted === undefined) return;
    const key = objectKey(admitted.object);
    const first = seen.get(key);
    if (first !== undefined && admitted.object.metadata.name !== undefined) {
      context.issues.error(
        [...path, 'metadata', 'name'],
        `duplicate object: ${formatObjectRef(admitted.object)} is also defined at ${describeOrigin(first)}`,
      );
      return;
    }
    seen.set(key, admitted.origin);
    objects.push(admitted.object);
    origins.push(admitted.origin);
  });
  return { objects, origins };
}
