import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createScenarioAjv, SCENARIO_SCHEMA, type JsonSchema } from '@knsim/scenario';

/** Every property name declared anywhere in the schema. */
function propertyNames(schema: unknown, into = new Set<string>()): Set<string> {
  if (Array.isArray(schema)) for (const item of schema) propertyNames(item, into);
  else if (typeof schema === 'object' && schema !== null) {
    const properties = (schema as JsonSchema)['properties'];
    if (typeof properties === 'object' && properties !== null)
      for (const name of Object.keys(properties)) into.add(name);
    for (const value of Object.values(schema)) propertyNames(value, into);
  }
  return into;
}

function everyProperty(schema: unknown, visit: (name: string, property: JsonSchema) => void): void {
  if (Array.isArray(schema)) for (const item of schema) everyProperty(item, visit);
  else if (typeof schema === 'object' && schema !== null) {
    const properties = (schema as JsonSchema)['properties'];
    if (typeof properties === 'object' && properties !== null)
      for (const [name, property] of Object.entries(properties)) visit(name, property as JsonSchema);
    for (const value of Object.values(schema)) everyProperty(value, visit);
  }
}

describe('SCENARIO_SCHEMA', () => {
  it('is a valid draft 2020-12 schema that compiles in strict mode', () => {
    const ajv = createScenarioAjv();
    expect(ajv.validateSchema(SCENARIO_SCHEMA)).toBe(true);
    expect(ajv.errors ?? null).toBeNull();
    expect(() => ajv.compile(SCENARIO_SCHEMA)).not.toThrow();
    expect(SCENARIO_SCHEMA['$schema']).toBe('https://json-schema.org/draft/2020-12/schema');
  });

  it('describes every property, for editors', () => {
    const undocumented: string[] = [];
    everyProperty(SCENARIO_SCHEMA, (name, property) => {
      if (typeof property['description'] !== 'string' || property['description'] === '')
        undocumented.push(name);
    });
    expect(undocumented).toEqual([]);
  });

  it('is strict: maps refuse unknown fields unless they hold free-form data', () => {
    const open: string[] = [];
    everyProperty(SCENARIO_SCHEMA, (name, property) => {
      if (
        property['type'] === 'object' &&
        property['additionalProperties'] === undefined &&
        property['properties'] === undefined
      )
        open.push(name);
    });
    // Free-form by design: Kubernetes metadata, merge patches and policy options.
    expect(open.sort()).toEqual(['merge', 'metadata', 'options', 'policyOptions']);
  });

  it('has every property documented in docs/scenarios.md', () => {
    const doc = readFileSync(join(import.meta.dirname, '..', '..', '..', 'docs', 'scenarios.md'), 'utf8');
    const missing = [...propertyNames(SCENARIO_SCHEMA)].filter(
      (name) => !new RegExp(`\\b${name}\\b`).test(doc),
    );
    expect(missing).toEqual([]);
  });
});
