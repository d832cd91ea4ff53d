import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import type { FieldPath } from '@knsim/api';
import { parseDuration } from '@knsim/core';
import type { IssueCollector } from './IssueCollector.js';
import { DURATION_PATTERN, SCENARIO_SCHEMA, type JsonSchema } from './scenarioSchema.js';

/** A new Ajv instance configured as the parser uses it (draft 2020-12, every error, union types). */
export function createScenarioAjv(): Ajv2020 {
  return new Ajv2020({
    allErrors: true,
    verbose: true,
    allowUnionTypes: true,
    strict: true,
    strictRequired: false,
  });
}

// The compiled validator is a pure function of the constant schema: caching it is safe and saves
// the compilation (tens of milliseconds) on every parse.
let compiled: ValidateFunction | undefined;

function validator(): ValidateFunction {
  compiled ??= createScenarioAjv().compile(SCENARIO_SCHEMA);
  return compiled;
}

/** JSON pointer to a field path, with list indexes as numbers (as the data says). */
function toFieldPath(pointer: string, root: unknown): (string | number)[] {
  if (pointer === '') return [];
  const path: (string | number)[] = [];
  let value = root;
  for (const raw of pointer.slice(1).split('/')) {
    const segment = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (Array.isArray(value)) {
      const index = Number(segment);
      path.push(index);
      value = value[index];
    } else {
      path.push(segment);
      value =
        typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[segment] : undefined;
    }
  }
  return path;
}

function show(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a map';
  return `${typeof value} ${JSON.stringify(value)}`;
}

function words(keys: readonly string[], joiner = 'or'): string {
  if (keys.length <= 1) return keys.join('');
  return `${keys.slice(0, -1).join(', ')} ${joiner} ${keys.at(-1) ?? ''}`;
}

function branchKeys(branches: unknown): string[] {
  return Array.isArray(branches)
    ? branches.flatMap((branch) => ((branch as JsonSchema)['required'] as string[] | undefined) ?? [])
    : [];
}

function presentKeys(data: unknown, keys: readonly string[]): string[] {
  return typeof data === 'object' && data !== null && !Array.isArray(data)
    ? keys.filter((key) => key in (data as Record<string, unknown>))
    : [];
}

function describeType(schema: JsonSchema, expected: unknown): string {
  const title = schema['title'];
  if (typeof title === 'string') return title;
  const types = Array.isArray(expected) ? (expected as string[]) : [String(expected)];
  return words(
    types.map((type) =>
      type === 'object'
        ? 'a map'
        : type === 'array'
          ? 'a list'
          : `${type === 'integer' ? 'an' : 'a'} ${type}`,
    ),
  );
}

/** Turns one ajv error into a message; undefined when another error already says it. */
function describe(error: ErrorObject): { reason: string; key?: string } | undefined {
  const schema = (error.parentSchema ?? {}) as JsonSchema;
  const data: unknown = error.data;
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'if':
      return undefined; // the failing then/else branch reports the real problem
    case 'additionalProperties': {
      const key = String(params['additionalProperty']);
      const known = Object.keys((schema['properties'] as JsonSchema | undefined) ?? {});
      return { reason: `unknown field ${JSON.stringify(key)} (known: ${known.join(', ')})`, key };
    }
    case 'required':
      return { reason: `missing required field ${String(params['missingProperty'])}` };
    case 'type':
      if (schema['pattern'] === DURATION_PATTERN && schema['title'] === 'a duration')
        return { reason: `expected a duration with a unit such as 30s or 250ms, got ${show(data)}` };
      return { reason: `expected ${describeType(schema, params['type'])}, got ${show(data)}` };
    case 'pattern': {
      if (params['pattern'] === DURATION_PATTERN && typeof data === 'string') {
        try {
          parseDuration(data);
        } catch (parseError) {
          return { reason: (parseError as Error).message };
        }
        return { reason: `invalid duration ${JSON.stringify(data)}: write it without spaces (e.g. 1m30s)` };
      }
      const title = schema['title'];
      return {
        reason:
          typeof title === 'string'
            ? `expected ${title}, got ${JSON.stringify(data)}`
            : `${JSON.stringify(data)} does not match ${String(params['pattern'])}`,
      };
    }
    case 'enum':
      return {
        reason: `expected one of ${(params['allowedValues'] as unknown[]).map((v) => JSON.stringify(v)).join(', ')}, got ${show(data)}`,
      };
    case 'const':
      return { reason: `expected ${JSON.stringify(params['allowedValue'])}, got ${show(data)}` };
    case 'oneOf':
    case 'anyOf': {
      const keys = branchKeys(error.schema);
      if (keys.length === 0) return { reason: error.message ?? 'invalid value' };
      const found = presentKeys(data, keys);
      if (error.keyword === 'oneOf' && found.length > 1)
        return { reason: `expected exactly one of ${words(keys)}, found ${words(found, 'and')}` };
      return {
        reason: `expected ${error.keyword === 'oneOf' ? 'one' : 'at least one'} of ${words(keys)}`,
      };
    }
    case 'minProperties':
    case 'maxProperties': {
      const keys = Object.keys((schema['properties'] as JsonSchema | undefined) ?? {});
      if (schema['maxProperties'] === 1) {
        const found = presentKeys(data, keys);
        return {
          reason:
            found.length > 1
              ? `expected exactly one of ${words(keys)}, found ${words(found, 'and')}`
              : `expected one of ${words(keys)}`,
        };
      }
      return { reason: `expected at least one of ${words(keys)}` };
    }
    case 'not': {
      const required = (error.schema as JsonSchema)['required'];
      return {
        reason: Array.isArray(required)
          ? `${words(required as string[], 'and')} cannot be used together`
          : (error.message ?? 'invalid value'),
      };
    }
    case 'minLength':
      return { reason: params['limit'] === 1 ? 'must not be empty' : `${error.message ?? ''}` };
    default:
      return { reason: `${error.message ?? 'invalid value'}, got ${show(data)}` };
  }
}

/**
 * Validates a scenario (already read from YAML, overrides applied) against
 * {@link SCENARIO_SCHEMA}; reports each problem at its YAML position. Returns true when valid.
 */
export function validateScenarioSchema(value: unknown, issues: IssueCollector): boolean {
  const validate = validator();
  if (validate(value)) return true;
  const errors = validate.errors ?? [];
  // The branch errors of a failed `oneOf`/`anyOf` (each branch only requires a key, see the
  // schema) are replaced by one message naming the alternatives.
  const composite = errors.filter((e) => e.keyword === 'oneOf' || e.keyword === 'anyOf');
  const isBranchError = (e: ErrorObject): boolean =>
    composite.some(
      (c) => c !== e && c.instancePath === e.instancePath && e.schemaPath.startsWith(`${c.schemaPath}/`),
    );
  for (const error of errors) {
    if (isBranchError(error)) continue;
    const message = describe(error);
    if (message === undefined) continue;
    const path: FieldPath = toFieldPath(error.instancePath, value);
    if (message.key !== undefined) issues.errorAtKey(path, message.key, message.reason);
    else issues.error(path, message.reason);
  }
  return false;
}
