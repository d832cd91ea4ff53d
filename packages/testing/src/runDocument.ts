import { parseScenario, runScenario, type RunScenarioOptions, type ScenarioRun } from '@knsim/scenario';
import type { ScenarioDocument } from './ScenarioDocument.js';
import { scenarioYaml } from './scenarioYaml.js';

/**
 * Parses a scenario document exactly as `knsim run` would read its file, and runs it. Throws the
 * scenario's located errors if the document is invalid (a generator bug, not a property failure).
 *
 * @example
 * ```ts
 * const run = await runDocument(doc, { attach: monitor.attach });
 * run.report.passed;
 * ```
 */
export async function runDocument(
  document: ScenarioDocument,
  options: RunScenarioOptions & { readonly file?: string } = {},
): Promise<ScenarioRun> {
  const scenario = await parseScenario(scenarioYaml(document), { file: options.file ?? 'generated.yaml' });
  return runScenario(scenario, options);
}
