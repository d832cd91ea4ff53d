import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { KubeObject, Pod } from '@knsim/api';
import { parseDuration, SECOND } from '@knsim/core';
import {
  appArb,
  churnTimelineArb,
  clusterConfigArb,
  clusterNodeNames,
  networkPolicyArb,
  scenarioArb,
  trafficWorkloadArb,
  type App,
} from '../../src/arbitraries/index.js';
import type { ScenarioDocument } from '../../src/ScenarioDocument.js';
import { issuesOf, parseDocument, samples, scenarioWith } from './support.js';

// Every generated scenario (or section, put in a scenario) is one `knsim run` accepts.
const SEED = 777;
const RUNS = 120;

/** A fixed world for the section arbitraries: two apps, two clients, a policy, three nodes. */
const [web, db] = fc.sample(
  fc.tuple(
    appArb({
      namespace: 'shop',
      name: 'web',
      kinds: ['Deployment'],
      serviceKinds: ['ClusterIP', 'LoadBalancer'],
    }),
    appArb({ namespace: 'data', name: 'db', kinds: ['StatefulSet'] }),
  ),
  { seed: 1, numRuns: 1 },
)[0] as [App, App];
const clients: Pod[] = ['shop', 'data'].map((namespace) => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'client', namespace, labels: { app: 'client' } },
  spec: { containers: [{ name: 'client', image: 'example/client:1' }] },
}));
const [policy] = fc.sample(networkPolicyArb({ namespaces: ['shop'], names: ['base'] }), {
  seed: 1,
  numRuns: 1,
});
const manifests: KubeObject[] = [
  { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop', labels: { team: 'a' } } },
  { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'data' } },
  ...web.objects,
  ...db.objects,
  ...clients,
  ...(policy === undefined ? [] : [policy]),
];
const world = (sections: Partial<ScenarioDocument>): ScenarioDocument =>
  scenarioWith({
    cluster: { nodes: 3 },
    manifests: manifests as unknown as Record<string, unknown>[],
    ...sections,
  });

async function expectParses(documents: readonly ScenarioDocument[]): Promise<void> {
  for (const document of documents) {
    const scenario = await parseDocument(document);
    expect(scenario.warnings.map((w) => `${w.path}: ${w.reason}`)).toEqual([]);
  }
}

describe('generated scenarios parse', () => {
  it(`scenarioArb: ${RUNS} documents, seed ${SEED}`, async () => {
    const documents = samples(scenarioArb(), SEED, RUNS);
    await expectParses(documents);
    for (const document of documents)
      for (const object of document.manifests ?? []) expect(issuesOf(object)).toEqual([]);
  });

  it(`scenarioArb with restricted options: ${RUNS} documents, seed ${SEED + 1}`, async () => {
    const arbitrary = scenarioArb({
      modes: ['ipvs'],
      balancingPolicies: [],
      maxNodes: 1,
      maxApps: 1,
      maxNetworkPolicies: 0,
      maxDuration: 60,
      timelineKinds: ['crashNode', 'recoverNode'],
    });
    const documents = samples(arbitrary, SEED + 1, RUNS);
    await expectParses(documents);
    for (const document of documents) {
      expect(document.cluster?.['proxy']).toMatchObject({ mode: 'ipvs' });
      expect(document.manifests?.some((m) => m['kind'] === 'NetworkPolicy')).toBe(false);
      for (const step of document.timeline ?? [])
        expect(Object.keys(step).filter((k) => k !== 'at')).toEqual([
          expect.stringMatching(/^(crashNode|recoverNode)$/),
        ]);
    }
  });

  it(`clusterConfigArb: ${RUNS} cluster sections, seed ${SEED}`, async () => {
    const documents = samples(clusterConfigArb(), SEED, RUNS).map((cluster) =>
      scenarioWith({ cluster: cluster as Record<string, unknown> }),
    );
    await expectParses(documents);
  });

  it(`trafficWorkloadArb: ${RUNS} workloads, seed ${SEED}`, async () => {
    const arbitrary = trafficWorkloadArb({
      clients: [
        { namespace: 'shop', selector: 'app=client' },
        { namespace: 'data', selector: 'app=client' },
      ],
      targets: [
        { namespace: 'shop', service: 'web', port: 80 },
        { namespace: 'shop', service: 'web-lb', port: 80 },
        { namespace: 'data', service: 'db-headless', port: 80 },
      ],
    });
    const documents = samples(arbitrary, SEED, RUNS).map((workload) =>
      world({ traffic: { workloads: [workload] } }),
    );
    await expectParses(documents);
  });

  it(`churnTimelineArb: ${RUNS} timelines, steps in order within the run, seed ${SEED}`, async () => {
    const arbitrary = churnTimelineArb(
      {
        nodes: clusterNodeNames({ nodes: 3 }),
        apps: [web, db],
        pods: clients,
        namespaces: ['shop', 'data'],
        policies: policy === undefined ? [] : [policy],
      },
      { duration: '2m', maxSteps: 10 },
    );
    const timelines = samples(arbitrary, SEED, RUNS);
    await expectParses(timelines.map((timeline) => world({ timeline })));
    for (const timeline of timelines) {
      expect(timeline.length).toBeLessThanOrEqual(10);
      const times = timeline.map((step) => parseDuration(String(step['at'])) / SECOND);
      expect(times).toEqual([...times].sort((a, b) => a - b));
      for (const time of times) expect(time > 0 && time < 120).toBe(true);
    }
  });
});
