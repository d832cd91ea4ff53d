import { isCollection, isMap, isScalar, isSeq, parseDocument, type Document } from 'yaml';
import { formatFieldPath, type FieldPath } from '@knsim/api';
import { SCENARIO_SCHEMA, type JsonSchema } from './scenarioSchema.js';
import type { OverrideOrigin } from './SourceLocator.js';

/** One command-line override: a scenario path and a value (YAML scalar text). */
export interface ScenarioOverride {
  /** The path, e.g. `proxy.policy`, `seed`, `traffic.workloads[0].arrival.poisson.rate`. */
  readonly key: string;
  readonly value: string;
  /** How messages name it, e.g. `--set proxy.policy=maglev`. */
  readonly label: string;
}

/** The top-level fields of a scenario; other first segments of a `--set` key resolve under `cluster`. */
export const SCENARIO_TOP_LEVEL_FIELDS: readonly string[] = Object.keys(
  SCENARIO_SCHEMA['properties'] as JsonSchema,
);

/** Reads `--set KEY=VALUE`; throws an Error with the reason when it is not of that form. */
export function parseSetOverride(text: string): ScenarioOverride {
  const equals = text.indexOf('=');
  if (equals <= 0) throw new Error('expected KEY=VALUE, e.g. proxy.policy=maglev');
  return { key: text.slice(0, equals).trim(), value: text.slice(equals + 1), label: `--set ${text}` };
}

/**
 * Reads a key such as `traffic.workloads[0].arrival.poisson.rate` or
 * `nodes[0].labels[topology.kubernetes.io/zone]` into a path. A first segment that is not a
 * top-level scenario field is a cluster field (`proxy.policy` means `cluster.proxy.policy`).
 */
export function parseOverrideKey(key: string): FieldPath {
  const path: (string | number)[] = [];
  let position = 0;
  const fail = (reason: string): never => {
    throw new Error(`invalid key ${JSON.stringify(key)}: ${reason}`);
  };
  while (position < key.length) {
    const char = key[position];
    if (char === '[') {
      const close = key.indexOf(']', position);
      if (close < 0) fail('unclosed [');
      const inner = key.slice(position + 1, close);
      if (inner === '') fail('empty []');
      path.push(/^[0-9]+$/.test(inner) ? Number(inner) : inner);
      position = close + 1;
      if (key[position] === '.') position++;
      continue;
    }
    const match = /^[^.[\]]+/.exec(key.slice(position));
    if (match === null) fail(`unexpected ${JSON.stringify(char)} at ${position + 1}`);
    path.push((match as RegExpExecArray)[0]);
    position += (match as RegExpExecArray)[0].length;
    if (key[position] === '.') {
      position++;
      if (position === key.length) fail('ends with "."');
    }
  }
  if (path.length === 0) fail('empty key');
  return typeof path[0] === 'string' && SCENARIO_TOP_LEVEL_FIELDS.includes(path[0])
    ? path
    : ['cluster', ...path];
}

function resolveRef(schema: JsonSchema): JsonSchema {
  const ref = schema['$ref'];
  if (typeof ref !== 'string') return schema;
  const name = ref.replace('#/$defs/', '');
  return ((SCENARIO_SCHEMA['$defs'] as JsonSchema)[name] as JsonSchema | undefined) ?? {};
}

/** The schema and its sub-schemas that also apply to the same value. */
function expand(schema: JsonSchema): JsonSchema[] {
  const resolved = resolveRef(schema);
  const out = [resolved];
  for (const keyword of ['allOf', 'oneOf', 'anyOf']) {
    const branches = resolved[keyword];
    if (Array.isArray(branches)) for (const branch of branches) out.push(...expand(branch as JsonSchema));
  }
  for (const keyword of ['then', 'else']) {
    const branch = resolved[keyword];
    if (typeof branch === 'object' && branch !== null) out.push(...expand(branch as JsonSchema));
  }
  return out;
}

function types(schema: JsonSchema): string[] {
  const type = schema['type'];
  return type === undefined ? [] : Array.isArray(type) ? (type as string[]) : [String(type)];
}

function children(schema: JsonSchema, segment: string | number): JsonSchema[] {
  if (typeof segment === 'number')
    return typeof schema['items'] === 'object' ? [schema['items'] as JsonSchema] : [];
  const properties = schema['properties'] as JsonSchema | undefined;
  const named = properties?.[segment];
  if (named !== undefined) return [named as JsonSchema];
  if (!types(schema).includes('object')) return [];
  const additional = schema['additionalProperties'];
  if (additional === false) return [];
  return [typeof additional === 'object' && additional !== null ? (additional as JsonSchema) : {}];
}

/** The index of the first segment of `path` the scenario schema does not know, or -1. */
export function unknownSegment(path: FieldPath): number {
  let candidates: JsonSchema[] = [SCENARIO_SCHEMA];
  for (const [index, segment] of path.entries()) {
    const expanded = candidates.flatMap(expand);
    // A schema with no type and no structure (policy options, a manifest's body) takes anything.
    const open = (s: JsonSchema): boolean =>
      types(s).length === 0 && ['properties', 'items', 'enum', 'const'].every((k) => s[k] === undefined);
    if (expanded.some(open)) return -1;
    candidates = expanded.flatMap((schema) => children(schema, segment));
    if (candidates.length === 0) return index;
  }
  return -1;
}

/**
 * Applies overrides to a parsed scenario document, in order (a later one wins). Intermediate maps
 * are created; list items must exist. Returns the origins of the values set, for locating errors,
 * and reports each unusable override through `problem`.
 */
export function applyOverrides(
  document: Document,
  overrides: readonly ScenarioOverride[],
  problem: (label: string, reason: string) => void,
): OverrideOrigin[] {
  const origins: OverrideOrigin[] = [];
  for (const override of overrides) {
    let path: FieldPath;
    try {
      path = parseOverrideKey(override.key);
    } catch (error) {
      problem(override.label, (error as Error).message);
      continue;
    }
    const unknown = unknownSegment(path);
    if (unknown >= 0) {
      problem(
        override.label,
        `unknown key ${formatFieldPath(path.slice(0, unknown + 1))} (not a scenario or cluster field)`,
      );
      continue;
    }
    const parsed = parseDocument(override.value);
    if (parsed.errors.length > 0) {
      problem(override.label, `invalid value: ${(parsed.errors[0]?.message ?? '').split('\n')[0] ?? ''}`);
      continue;
    }
    const value: unknown = parsed.toJS();
    if (!isMap(document.contents)) {
      problem(override.label, 'the scenario is not a map');
      continue;
    }
    let node: unknown = document.contents;
    let failure: string | undefined;
    for (const [index, segment] of path.slice(0, -1).entries()) {
      const here = formatFieldPath(path.slice(0, index + 1));
      if (isSeq(node) && typeof segment === 'number' && segment >= node.items.length) {
        failure = `${formatFieldPath(path.slice(0, index))} has no item ${segment} (it has ${node.items.length})`;
        break;
      }
      if (!isCollection(node)) break;
      let child: unknown = node.get(segment, true);
      if (child === undefined || (isScalar(child) && child.value === null)) {
        if (typeof path[index + 1] === 'number') {
          failure = `${here} has no items`;
          break;
        }
        node.set(segment, document.createNode({}));
        child = node.get(segment, true);
      }
      if (!isCollection(child)) {
        failure = `${here} is not a map or list`;
        break;
      }
      node = child;
    }
    const last = path.at(-1) as string | number;
    if (failure === undefined && isSeq(node) && typeof last === 'number' && last >= node.items.length)
      failure = `${formatFieldPath(path.slice(0, -1))} has no item ${last} (it has ${node.items.length})`;
    if (failure === undefined && !isCollection(node)) failure = `cannot set ${formatFieldPath(path)}`;
    if (failure !== undefined) {
      problem(override.label, failure);
      continue;
    }
    if (isCollection(node)) node.set(last, document.createNode(value));
    origins.push({ path, label: override.label });
  }
  return origins;
}
