import fc from 'fast-check';
import { formatFieldPath, validateObject } from '@knsim/api';
import { parseScenario, type Scenario } from '@knsim/scenario';
import { scenarioYaml } from '../../src/scenarioYaml.js';
import type { ScenarioDocument } from '../../src/ScenarioDocument.js';

/** Every API issue (errors and warnings) of an object, as `path: reason` lines. */
export function issuesOf(object: unknown): string[] {
  return validateObject(object).map(
    (issue) => `${issue.severity} ${formatFieldPath(issue.path)}: ${issue.reason}`,
  );
}

/** `count` samples of an arbitrary, reproducibly. */
export function samples<T>(arbitrary: fc.Arbitrary<T>, seed: number, count: number): T[] {
  return fc.sample(arbitrary, { seed, numRuns: count });
}

/** Parses a document as `knsim run` would; throws the located errors of an invalid one. */
export async function parseDocument(document: ScenarioDocument): Promise<Scenario> {
  return parseScenario(scenarioYaml(document), { file: 'generated.yaml' });
}

/** A minimal valid scenario around the given sections. */
export function scenarioWith(sections: Partial<ScenarioDocument>): ScenarioDocument {
  return { apiVersion: 'knsim.dev/v1alpha1', kind: 'Scenario', duration: '2m', ...sections };
}
