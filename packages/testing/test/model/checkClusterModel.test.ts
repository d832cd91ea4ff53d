import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parseScenario } from '@knsim/scenario';
import { ScenarioPropertyFailure } from '../../src/failure/checkScenarioProperty.js';
import { runDocument } from '../../src/runDocument.js';
import {
  checkClusterModel,
  ClusterModelFailure,
  readyEndpoints,
  workloadKey,
} from '../../src/model/index.js';
import { CONFIG, MANIFESTS, WEB } from './support.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'knsim-model-'));
  dirs.push(dir);
  return dir;
}

const SEED = 4242;
const RUNS = 20;
const MAX_COMMANDS = 10;

describe('checkClusterModel', () => {
  it(`given 3 nodes, a Deployment behind a Service and a client pod, when random commands churn it, then every invariant and the model hold after each command (seed ${SEED}, ${RUNS} runs, up to ${MAX_COMMANDS} commands)`, async () => {
    const phases = { step: 0, converged: 0 };
    await checkClusterModel({
      config: CONFIG,
      manifests: MANIFESTS,
      seed: SEED,
      numRuns: RUNS,
      maxCommands: MAX_COMMANDS,
      size: 'max', // sequences near maxCommands: more churn per run
      outDir: tempDir(),
      check: (_model, _live, phase) => void phases[phase]++,
    });
    // Every run ends converged (finalConverge), and commands did run in between.
    expect(phases.converged).toBeGreaterThanOrEqual(RUNS);
    expect(phases.step).toBeGreaterThan(RUNS);
  });

  it('given a deliberately wrong model (a scaled Deployment has replicas + 1 ready endpoints), then it throws with the seed, the scenario file, the knsim run command and the timeline, and the file parses and replays to the failing state', async () => {
    const outDir = tempDir();
    const failure = await checkClusterModel({
      config: CONFIG,
      manifests: MANIFESTS,
      seed: 7,
      numRuns: 20,
      maxCommands: 6,
      kinds: ['scale', 'killPod', 'cordon', 'advanceTime'],
      outDir,
      check: (model, live, phase) => {
        const replicas = model.workloads.get(workloadKey(WEB))?.replicas ?? 0;
        if (phase !== 'converged' || replicas === WEB.replicas) return [];
        const ready = readyEndpoints(live, 'shop/web').length;
        return ready === replicas + 1
          ? []
          : [`shop/web has ${ready} ready endpoint(s), the wrong model wants ${replicas + 1}`];
      },
    }).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(failure).toBeInstanceOf(ClusterModelFailure);
    expect(failure).toBeInstanceOf(ScenarioPropertyFailure);
    const error = failure as ClusterModelFailure;
    expect(error.seed).toBe(7);
    expect(error.message).toContain('seed: 7, path: "');
    expect(error.message).toContain(`scenario: `);
    expect(error.message).toContain(`replay:   npx knsim run `);
    expect(error.message).toContain('the wrong model wants');
    expect(error.message).toContain('--- timeline (until ');
    // Shrunk to a short run: a scale away from the manifest's replicas, then the final convergence.
    expect(error.commands.length).toBeLessThanOrEqual(3);
    expect(error.commands.some((command) => /^Scale\(Deployment shop\/web to \d\)$/.test(command))).toBe(
      true,
    );
    expect(error.commands.at(-1)).toBe('Converge');
    const timeline = error.document.timeline ?? [];
    const scale = timeline.find((step) => 'scale' in step);
    expect(scale).toEqual({
      at: expect.stringMatching(/^\d+\.5s$/),
      scale: { deployment: 'shop/web', replicas: expect.any(Number) },
    });
    expect(error.message).toMatch(/- at: \d+\.5s\n {2}scale:\n {4}deployment: shop\/web\n {4}replicas: \d/);

    expect(existsSync(error.file)).toBe(true);
    const text = readFileSync(error.file, 'utf8');
    expect(text).toMatch(/^# knsim model-based failure \(fast-check seed 7,/);
    const scenario = await parseScenario(text, { file: error.file });
    expect(scenario.timeline).toHaveLength(timeline.length);

    // The file replays the failing run: same instant, same ready endpoints as the failure saw.
    const run = await runDocument(error.document);
    const replicas = (scale?.['scale'] as { replicas: number }).replicas;
    expect(error.message).toContain(`shop/web has ${replicas} ready endpoint(s)`);
    const ready = [...run.cluster.state.pods.values()].filter(
      (pod) => pod.key.startsWith('shop/web-') && pod.ready,
    );
    expect(ready).toHaveLength(replicas);
  });
});
