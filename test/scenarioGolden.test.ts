import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { Cluster } from '../packages/control-plane/src/index.js';
import { sha256 } from '../packages/core/src/index.js';
import { loadScenario, runScenario } from '../packages/scenario/src/index.js';

// Golden runs: each library scenario's log digest and report digest at its default seed are
// pinned, so any change in knsim's behaviour (control plane or traffic) shows up here and must be
// intended. After an intended change, run
// `KNSIM_UPDATE_GOLDEN=1 npx vitest run test/scenarioGolden.test.ts` and commit the file with the
// reason. Also: every log, folded back into a cluster, gives the live final state.

const SCENARIOS_DIR = fileURLToPath(new URL('../scenarios/', import.meta.url));
const GOLDEN = fileURLToPath(new URL('./golden/scenario-digests.json', import.meta.url));
const update = process.env['KNSIM_UPDATE_GOLDEN'] === '1';

interface Pinned {
  readonly log: string;
  readonly report: string;
}

const files = readdirSync(SCENARIOS_DIR)
  .filter((name) => name.endsWith('.yaml'))
  .sort();
const pinned: Record<string, Pinned> = existsSync(GOLDEN)
  ? (JSON.parse(readFileSync(GOLDEN, 'utf8')) as Record<string, Pinned>)
  : {};
const observed: Record<string, Pinned> = {};

describe('golden runs of the scenario library', () => {
  for (const file of files) {
    it(`${file}: same log and report as pinned, and its log replays to the live state`, async () => {
      // Relative to the repository root (vitest's working directory), so reports name the file
      // the same way on every machine.
      const scenario = await loadScenario(`scenarios/${file}`);
      const run = runScenario(scenario);
      const digests = { log: run.cluster.sim.log.digest(), report: sha256(JSON.stringify(run.report)) };
      observed[file] = digests;
      if (!update) {
        const why = `${file}: the run changed (see the comment at the top of this test)`;
        expect(digests.log, why).toBe(pinned[file]?.log);
        expect(digests.report, why).toBe(pinned[file]?.report);
      }
      const replayed = Cluster.replay(
        run.cluster.sim.log.header,
        run.cluster.sim.log.events,
        run.cluster.now,
      );
      expect(replayed.state).toEqual(run.cluster.state);
      expect(replayed.sim.log.digest()).toBe(digests.log);
    });
  }

  it('pins every scenario (and no scenario that is gone)', () => {
    if (update) {
      const sorted = Object.fromEntries(
        Object.keys(observed)
          .sort()
          .map((key) => [key, observed[key]]),
      );
      writeFileSync(GOLDEN, JSON.stringify(sorted, null, 2) + '\n');
      return;
    }
    expect(Object.keys(pinned).sort()).toEqual(files);
  });
});
