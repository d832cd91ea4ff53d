// An example of what a team writes in its own repository: its manifests, a generated churn
// timeline, knsim's invariants and a fairness bound. Copy it, point MANIFESTS at your own files.
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import type { KubeObject } from '@knsim/api';
import {
  appsFromManifests,
  checkScenarioProperty,
  churnTimelineArb,
  formatViolation,
  monitorInvariants,
  runDocument,
  type ScenarioDocument,
} from '@knsim/testing';
import { installKnsimMatchers } from '@knsim/testing/vitest';

installKnsimMatchers();

const MANIFESTS = parseAllDocuments(
  readFileSync(new URL('./manifests/checkout.yaml', import.meta.url), 'utf8'),
).map((document) => document.toJSON() as Record<string, unknown>);

/** Our app under generated churn: rollouts, scaling, pod kills, readiness flaps, node failures. */
const checkoutUnderChurn: fc.Arbitrary<ScenarioDocument> = fc
  .record({
    seed: fc.integer({ min: 1, max: 1000 }),
    mode: fc.constantFrom('iptables', 'ipvs'),
    timeline: churnTimelineArb(
      {
        nodes: ['node-1', 'node-2', 'node-3'],
        apps: appsFromManifests(MANIFESTS as unknown as KubeObject[]),
      },
      { duration: '90s', maxSteps: 5, kinds: ['scale', 'rollout', 'killPod', 'failReadiness', 'crashNode'] },
    ),
  })
  .map(({ seed, mode, timeline }) => ({
    apiVersion: 'knsim.dev/v1alpha1' as const,
    kind: 'Scenario' as const,
    metadata: { name: 'checkout-under-churn' },
    seed,
    duration: '90s',
    cluster: { nodes: 3, proxy: { mode } },
    manifests: MANIFESTS,
    traffic: {
      workloads: [
        {
          name: 'checkout',
          from: { pods: { namespace: 'checkout', selector: 'app=frontend' } },
          to: 'api.checkout:80',
          arrival: { poisson: { rate: 20 } },
          start: '10s',
        },
      ],
    },
    timeline,
  }));

describe('checkout API under churn (example consumer of @knsim/testing)', () => {
  it('keeps its endpoints stable whatever the churn (seed 31337)', async () => {
    await checkScenarioProperty(
      checkoutUnderChurn,
      async (document) => {
        const monitor = monitorInvariants({ period: '500ms' });
        const run = await runDocument(document, { attach: monitor.attach });
        const violations = monitor.check(run);
        if (violations.length > 0) throw new Error(violations.map(formatViolation).join('\n'));
      },
      { seed: 31337, numRuns: 8 },
    );
  }, 120_000);

  it('spreads connections fairly across the api pods without churn', async () => {
    const run = await runDocument({
      apiVersion: 'knsim.dev/v1alpha1',
      kind: 'Scenario',
      seed: 4,
      duration: '60s',
      cluster: { nodes: 3 },
      manifests: MANIFESTS,
      traffic: {
        workloads: [
          {
            name: 'checkout',
            from: { pods: { namespace: 'checkout', selector: 'app=frontend' } },
            to: 'api.checkout:80',
            arrival: { constant: { rate: 50 } },
            start: '10s',
          },
        ],
      },
    });
    expect(run).toKeepStableEndpoints();
    // kube-proxy's iptables mode picks at random per connection (one connection per request here).
    const counts = Object.values(run.report.workloads[0]?.backends ?? {}).map(
      (backend) => backend.connections,
    );
    expect(counts).toBeFairWithin({ policy: 'random', failureProbability: 1e-9 });
  });
});
