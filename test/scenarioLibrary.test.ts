import { readdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadScenario, runScenario } from '../packages/scenario/src/index.js';
import type { RunReport } from '../packages/scenario/src/index.js';

// The scenario library: every `scenarios/*.yaml` reproduces a well-known Kubernetes networking
// behaviour, and its expectations encode it (a dip and a recovery, a shift in load, a latency
// gap). Each one must hold at the scenario's own seed; a failure prints what was expected, what
// was observed and where the expectation is written.

const SCENARIOS_DIR = fileURLToPath(new URL('../scenarios/', import.meta.url));
const MINIMUM_SCENARIOS = 11;

const files = readdirSync(SCENARIOS_DIR, { withFileTypes: true })
  .filter((entry) => entry.isFile() && entry.name.endsWith('.yaml'))
  .map((entry) => entry.name)
  .sort();

/** One line per failed expectation: name, time, expected, observed, where. */
function failures(report: RunReport): string {
  const failed = report.expectations.filter((e) => !e.passed);
  return [
    `${report.scenario.file} (seed ${report.seed}): ${failed.length} of ${report.expectations.length} expectations failed`,
    ...failed.map(
      (e) =>
        `  ${e.name} (${e.when})\n    expected: ${e.expected}\n    observed: ${e.observed}\n    where:    ${e.where}`,
    ),
    ...report.timeline
      .filter((step) => step.result !== 'ok' && !step.result.startsWith('killed'))
      .map((step) => `  timeline ${step.name} at ${step.at} µs: ${step.result}`),
  ].join('\n');
}

describe('scenario library', () => {
  it(`has at least ${MINIMUM_SCENARIOS} scenarios`, () => {
    expect(files.length, files.join(', ')).toBeGreaterThanOrEqual(MINIMUM_SCENARIOS);
  });

  describe.each(files)('%s', (file) => {
    it('is named after its file, described, and every expectation holds', async () => {
      const scenario = await loadScenario(join(SCENARIOS_DIR, file));
      expect(scenario.metadata.name).toBe(basename(file, '.yaml'));
      expect(scenario.metadata.description ?? '').not.toBe('');
      expect(scenario.expectations.length).toBeGreaterThan(0);
      const { report } = runScenario(scenario);
      expect(report.passed, failures(report)).toBe(true);
    });
  });
});
