import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { checkScenarioProperty, ScenarioPropertyFailure } from '../../src/failure/checkScenarioProperty.js';
import { runDocument } from '../../src/runDocument.js';
import type { ScenarioDocument } from '../../src/ScenarioDocument.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'knsim-failures-'));
  dirs.push(dir);
  return dir;
}

/** A tiny cluster with n replicas of web. */
const tiny: fc.Arbitrary<ScenarioDocument> = fc.integer({ min: 1, max: 6 }).map((replicas) => ({
  apiVersion: 'knsim.dev/v1alpha1',
  kind: 'Scenario',
  metadata: { name: 'tiny web' },
  seed: 1,
  duration: '5s',
  cluster: { nodes: 2 },
  manifests: [
    {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web' },
      spec: {
        replicas,
        selector: { matchLabels: { app: 'web' } },
        template: {
          metadata: { labels: { app: 'web' } },
          spec: { containers: [{ name: 'web', image: 'nginx' }] },
        },
      },
    },
  ],
}));

describe('checkScenarioProperty', () => {
  it('given a property that holds, then it resolves', async () => {
    await checkScenarioProperty(tiny, (doc) => doc.duration === '5s', { numRuns: 5, outDir: tempDir() });
  });

  it('given a property that fails for 3 replicas or more, then the shrunk scenario (3 replicas) is written and the message tells how to replay it', async () => {
    const outDir = tempDir();
    const failure = await checkScenarioProperty(
      tiny,
      async (doc) => {
        const run = await runDocument(doc);
        const pods = [...run.cluster.state.pods.keys()].filter((key) => key.startsWith('default/web-'));
        expect(pods.length).toBeLessThan(3);
      },
      { seed: 7, numRuns: 30, outDir },
    ).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(failure).toBeInstanceOf(ScenarioPropertyFailure);
    const error = failure as ScenarioPropertyFailure;
    const spec = (error.document.manifests?.[0] as { spec: { replicas: number } }).spec;
    expect(spec.replicas).toBe(3); // shrunk to the smallest failing case
    expect(error.file.startsWith(outDir)).toBe(true);
    const yaml = readFileSync(error.file, 'utf8');
    expect(yaml).toContain('replicas: 3');
    expect(yaml).toMatch(/^# knsim property failure \(fast-check seed 7, path "[\d:]+"/);
    expect(error.message).toContain('seed: 7, path: "');
    expect(error.message).toContain(`knsim run ${error.file}`);
    expect(error.message).toContain('expected 3 to be less than 3');
    expect(error.message).toContain(yaml.trimEnd());
    // The written file is a valid scenario that reproduces the failure.
    const replay = await runDocument(error.document);
    expect(
      [...replay.cluster.state.pods.keys()].filter((key) => key.startsWith('default/web-')),
    ).toHaveLength(3);
  });

  it('given a predicate that returns false, then that is a failure too, and the path replays it directly', async () => {
    const outDir = tempDir();
    const first = (await checkScenarioProperty(tiny, () => false, { seed: 3, numRuns: 3, outDir }).catch(
      (e: unknown) => e,
    )) as ScenarioPropertyFailure;
    expect(first.message).toContain('failure:  Property failed by returning false');
    const again = (await checkScenarioProperty(tiny, () => false, {
      seed: 3,
      path: first.path,
      outDir,
    }).catch((e: unknown) => e)) as ScenarioPropertyFailure;
    expect(again.document).toEqual(first.document);
  });
});
