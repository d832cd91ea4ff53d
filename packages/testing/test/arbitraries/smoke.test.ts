import { describe, expect, it } from 'vitest';
import { runDocument } from '../../src/runDocument.js';
import { scenarioArb } from '../../src/arbitraries/index.js';
import { samples } from './support.js';

// Generated scenarios run end to end, quickly, deterministically, and (nearly) without refused
// commands: the timeline's model keeps steps valid. The exception is killPod by selector,
// which knsim refuses when it picks a pod whose containers are not running (see the report).
const SEED = 99;

describe(`generated scenarios run (seed ${SEED})`, () => {
  const documents = samples(scenarioArb({ maxDuration: 90 }), SEED, 3);

  documents.forEach((document, index) => {
    it(`scenario #${index + 1} runs: traffic flows, steps are not refused`, async () => {
      const run = await runDocument(document);
      expect(run.report.duration).toBe(Number.parseInt(document.duration, 10) * 1_000_000);
      expect(run.report.timeline).toHaveLength(document.timeline?.length ?? 0);
      for (const step of run.report.timeline)
        if (step.result.startsWith('refused')) expect(step.name).toMatch(/killPod$/);
      const workloads = (document.traffic?.['workloads'] as unknown[] | undefined) ?? [];
      expect(run.report.workloads).toHaveLength(workloads.length);
      for (const workload of run.report.workloads) expect(workload.requests).toBeGreaterThan(0);
    });
  });

  it('the same document runs to the same log', async () => {
    const [document] = documents;
    if (document === undefined) throw new Error('no sample');
    const [a, b] = [await runDocument(document), await runDocument(document)];
    expect(a.report.logDigest).toBe(b.report.logDigest);
  });
});
