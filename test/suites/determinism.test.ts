import { randomInt } from 'node:crypto';
import { describe, it } from 'vitest';
import {
  checkScenarioProperty,
  formatViolation,
  runDocument,
  sameSeedSameLog,
  scenarioArb,
} from '../../packages/testing/src/index.js';
import { checkReplaysToLiveState } from '../../packages/testing/src/invariants/index.js';

// The determinism contract, for arbitrary scenarios: two runs with the same seed produce the same
// log digest, and folding the log reproduces the final state. KNSIM_DEEP=1: more runs, a fresh
// seed.

const DEEP = process.env['KNSIM_DEEP'] === '1';
const seed = DEEP ? randomInt(0, 2 ** 31 - 1) : 8_202;
const RUNS = DEEP ? 60 : 12;

describe('determinism contract', () => {
  it(`same seed, same log; the log folds to the final state (seed ${seed}, ${RUNS} runs)`, async () => {
    await checkScenarioProperty(
      scenarioArb({ maxNodes: 3, maxApps: 2, maxWorkloads: 2, maxRate: 20, maxDuration: 120 }),
      async (document) => {
        const violations = await sameSeedSameLog(document);
        const run = await runDocument(document);
        violations.push(...checkReplaysToLiveState(run.cluster.sim.log, run.cluster.state, run.cluster.now));
        if (violations.length > 0) throw new Error(violations.map(formatViolation).join('\n'));
      },
      { seed, numRuns: RUNS },
    );
  }, 300_000);
});
