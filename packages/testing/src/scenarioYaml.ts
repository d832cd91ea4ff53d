import { stringify } from 'yaml';
import type { ScenarioDocument } from './ScenarioDocument.js';

/**
 * The scenario file for a document: YAML with a comment saying where it came from, ready for
 * `knsim run`.
 *
 * @example
 * ```ts
 * writeFileSync('failure.yaml', scenarioYaml(doc, 'shrunk from seed 42'));
 * ```
 */
export function scenarioYaml(document: ScenarioDocument, comment?: string): string {
  const header =
    comment === undefined
      ? ''
      : comment
          .split('\n')
          .map((line) => `# ${line}\n`)
          .join('');
  return header + stringify(document, { lineWidth: 0, aliasDuplicateObjects: false });
}
