import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Service } from '@knsim/api';
import type { WorkloadSpec } from '@knsim/traffic';
import {
  appArb,
  CHURN_ACTION_KINDS,
  churnTimelineArb,
  clusterConfigArb,
  clusterNodeNames,
  NETWORK_POLICY_CATEGORIES,
  networkPolicyArb,
  networkPolicyCategories,
  scenarioArb,
  SERVICE_KINDS,
  serviceArb,
  serviceKindOf,
  type App,
} from '../../src/arbitraries/index.js';
import { samples } from './support.js';

// Over 500 samples every category the arbitraries promise shows up (counts are asserted, so a
// change of weights that starves one fails here).
const SEED = 2024;
const RUNS = 500;

function count(keys: readonly string[], values: readonly (readonly string[])[]): Record<string, number> {
  const counts: Record<string, number> = Object.fromEntries(keys.map((key) => [key, 0]));
  for (const list of values) for (const value of new Set(list)) counts[value] = (counts[value] ?? 0) + 1;
  return counts;
}

function expectAll(counts: Record<string, number>, keys: readonly string[]): void {
  const missing = keys.filter((key) => (counts[key] ?? 0) === 0);
  expect(missing, JSON.stringify(counts)).toEqual([]);
}

describe(`coverage over ${RUNS} samples, seed ${SEED}`, () => {
  it('networkPolicyArb: every NetworkPolicy category', () => {
    const counts = count(
      NETWORK_POLICY_CATEGORIES,
      samples(networkPolicyArb(), SEED, RUNS).map(networkPolicyCategories),
    );
    expectAll(counts, NETWORK_POLICY_CATEGORIES);
    // The rarer ones, still well represented.
    for (const key of ['ingress:empty-list', 'egress:allow-all', 'peer:ip-block-except', 'port:range'])
      expect(counts[key]).toBeGreaterThanOrEqual(10);
  });

  it('serviceArb: every Service kind, LoadBalancer with both externalTrafficPolicies', () => {
    const kindsOf = (service: Service) => [
      serviceKindOf(service),
      ...(service.spec.type === 'LoadBalancer' ? [`LoadBalancer/${service.spec.externalTrafficPolicy}`] : []),
      ...(service.spec.ports ?? []).map((p) => `targetPort:${typeof p.targetPort}`),
      ...(service.spec.ports ?? []).map((p) => `protocol:${p.protocol ?? 'TCP'}`),
    ];
    const keys = [
      ...SERVICE_KINDS,
      'LoadBalancer/Cluster',
      'LoadBalancer/Local',
      'targetPort:string',
      'targetPort:number',
      'protocol:TCP',
      'protocol:UDP',
      'protocol:SCTP',
    ];
    expectAll(count(keys, samples(serviceArb(), SEED, RUNS).map(kindsOf)), keys);
  });

  it('appArb: both workload kinds, every Service kind inside apps', () => {
    const keys = ['Deployment', 'StatefulSet', ...SERVICE_KINDS];
    const counts = count(
      keys,
      samples(appArb(), SEED, RUNS).map((app) => [app.kind, ...app.services.map(serviceKindOf)]),
    );
    expectAll(counts, keys);
  });

  it('clusterConfigArb: every proxy mode, counted and listed nodes, policies and timings', () => {
    const keys = [
      'iptables',
      'nftables',
      'ipvs',
      'count',
      'list',
      'policy',
      'no-policy',
      'scheduler',
      'timings',
      'zones',
    ];
    const counts = count(
      keys,
      samples(clusterConfigArb(), SEED, RUNS).map((c) => [
        c.proxy.mode,
        typeof c.nodes === 'number' ? 'count' : 'list',
        c.proxy.policy === undefined ? 'no-policy' : 'policy',
        ...(c.proxy.ipvs === undefined ? [] : ['scheduler']),
        ...(c.timings === undefined ? [] : ['timings']),
        ...(c.zones === undefined ? [] : ['zones']),
      ]),
    );
    expectAll(counts, keys);
    for (const c of samples(clusterConfigArb({ maxNodes: 5 }), SEED, RUNS))
      expect(clusterNodeNames(c).length).toBeLessThanOrEqual(5);
  });

  it('churnTimelineArb: every action kind', () => {
    const apps = fc.sample(
      fc.tuple(appArb({ namespace: 'shop', name: 'web' }), appArb({ namespace: 'data', name: 'db' })),
      { seed: 5, numRuns: 1 },
    )[0] as [App, App];
    const timelines = samples(
      churnTimelineArb(
        {
          nodes: ['node-1', 'node-2', 'node-3'],
          apps,
          pods: [
            {
              apiVersion: 'v1',
              kind: 'Pod',
              metadata: { name: 'client', namespace: 'shop', labels: { app: 'client' } },
              spec: { containers: [{ name: 'c', image: 'i' }] },
            },
          ],
          namespaces: ['shop', 'data'],
        },
        { duration: '3m' },
      ),
      SEED,
      RUNS,
    );
    const counts = count(
      CHURN_ACTION_KINDS,
      timelines.map((timeline) =>
        timeline.flatMap((step) => Object.keys(step).filter((key) => key !== 'at')),
      ),
    );
    expectAll(counts, CHURN_ACTION_KINDS);
  });

  it('scenarioArb: modes, workload shapes and timeline actions all appear', () => {
    const documents = samples(scenarioArb(), SEED, RUNS);
    const workloads = documents.flatMap(
      (doc) => (doc.traffic?.['workloads'] as WorkloadSpec[] | undefined) ?? [],
    );
    const workloadKeys = [
      'poisson',
      'constant',
      'closedLoop',
      'per-request',
      'keep-alive',
      'multiplexed',
      'service/',
      'dns',
      'UDP',
      'retries',
      'timeout',
      'clientBalancer',
    ];
    expectAll(
      count(
        workloadKeys,
        workloads.map((w) => [
          ...Object.keys(w.arrival),
          ...(w.connection?.mode === undefined ? [] : [w.connection.mode]),
          w.to.startsWith('service/') ? 'service/' : 'dns',
          ...(w.protocol === 'UDP' ? ['UDP'] : []),
          ...(w.retries === undefined ? [] : ['retries']),
          ...(w.timeout === undefined ? [] : ['timeout']),
          ...(w.clientBalancer === undefined ? [] : ['clientBalancer']),
        ]),
      ),
      workloadKeys,
    );
    const docKeys = [
      'iptables',
      'nftables',
      'ipvs',
      'NetworkPolicy',
      'StatefulSet',
      'Deployment',
      ...CHURN_ACTION_KINDS,
    ];
    expectAll(
      count(
        docKeys,
        documents.map((doc) => [
          String((doc.cluster?.['proxy'] as { mode: string }).mode),
          ...(doc.manifests ?? []).map((m) => String(m['kind'])),
          ...(doc.timeline ?? []).flatMap((step) => Object.keys(step).filter((key) => key !== 'at')),
        ]),
      ),
      docKeys,
    );
  });
});
