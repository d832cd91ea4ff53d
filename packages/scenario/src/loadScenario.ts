import { readFile } from 'node:fs/promises';
import { parseScenario, type ParseScenarioOptions } from './parseScenario.js';
import type { Scenario } from './Scenario.js';
import { ScenarioError } from './ScenarioError.js';

/** Options of {@link loadScenario}: the command line's `--set`, `--seed` and `--duration`. */
export type LoadScenarioOptions = Omit<ParseScenarioOptions, 'file'>;

/**
 * Reads a scenario file and resolves it with {@link parseScenario}; `include` and
 * `apply: {file}` paths are relative to the file's folder. Throws a `ScenarioError` (a
 * `UserError`) for an unreadable file and for every problem in it.
 */
export async function loadScenario(path: string, options: LoadScenarioOptions = {}): Promise<Scenario> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason = code === 'ENOENT' ? 'no such file' : `cannot read: ${(error as Error).message}`;
    throw new ScenarioError([{ severity: 'error', file: path, reason }]);
  }
  return parseScenario(text, { ...options, file: path });
}
