import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadScenario, parseScenario } from '@knsim/scenario';
import { MINUTE, SECOND } from '@knsim/core';

const fixture = join(import.meta.dirname, 'fixtures', 'shop', 'scenario.yaml');

describe('parseScenario', () => {
  it('reads a complete scenario into the typed structure', async () => {
    const scenario = await loadScenario(fixture);
    expect(scenario.file).toBe(fixture);
    expect(scenario.metadata).toEqual({
      name: 'node-crash-during-rollout',
      description: 'A node crashes while web rolls out; clients keep a 99% success ratio.',
      labels: { suite: 'resilience' },
    });
    expect(scenario.seed).toBe('7');
    expect(scenario.duration).toBe(3 * MINUTE);
    expect(scenario.cluster.spec).toEqual({
      nodes: 4,
      zones: ['zone-a', 'zone-b'],
      proxy: { mode: 'iptables', policy: 'p2c' },
      timings: { proxyPropagation: { lognormal: { median: '200ms', sigma: 0.5 } } },
    });
    expect(scenario.cluster.config.nodes.map((n) => `${n.name}@${n.zone ?? ''}`)).toEqual([
      'node-1@zone-a',
      'node-2@zone-b',
      'node-3@zone-a',
      'node-4@zone-b',
    ]);
    expect(scenario.cluster.config.proxy.policy).toBe('p2c');
    // Included files first (sorted, with their own positions), then the inline objects.
    expect(
      scenario.manifests.objects.map(
        (o) => `${o.kind} ${o.metadata.namespace ?? ''}/${o.metadata.name ?? ''}`,
      ),
    ).toEqual(['Namespace /shop', 'Deployment shop/web', 'Service shop/web', 'Pod shop/toolbox']);
    expect(scenario.manifests.origins[2]).toEqual({
      file: join(import.meta.dirname, 'fixtures', 'shop', 'manifests', 'app.yaml'),
      document: 3,
      line: 20,
      column: 1,
    });
    expect(scenario.manifests.origins[3]).toEqual({
      file: fixture,
      document: 1,
      line: 17,
      column: 5,
      path: 'manifests[0]',
    });
    expect(scenario.traffic.resolved.workloads[0]).toMatchObject({
      name: 'load',
      host: 'web.shop.svc.cluster.local',
      port: 80,
      arrival: { kind: 'poisson', rate: 200 },
      mode: 'keep-alive',
      poolSize: 2,
    });
    expect(scenario.traffic.resolved.network.crossZone).toEqual({ kind: 'constant', value: 1000 });
    expect(scenario.timeline).toEqual([
      {
        name: 'timeline[0] rollout',
        trigger: { kind: 'at', at: 30 * SECOND },
        action: {
          type: 'rollout',
          kind: 'Deployment',
          target: { namespace: 'shop', name: 'web' },
          image: { container: 'web', image: 'nginx:1.28' },
        },
        location: { file: fixture, line: 33, column: 5, path: 'timeline[0]' },
      },
      {
        name: 'timeline[1] crashNode',
        trigger: {
          kind: 'when',
          condition: { kind: 'podsReady', namespace: 'shop', selector: 'app=web', count: 3 },
          check: SECOND,
          repeat: false,
          from: 35 * SECOND,
          until: 3 * MINUTE,
        },
        action: { type: 'crashNode', node: 'node-2' },
        location: { file: fixture, line: 35, column: 5, path: 'timeline[1]' },
      },
      {
        name: 'timeline[2] recoverNode',
        trigger: { kind: 'at', at: 90 * SECOND },
        action: { type: 'recoverNode', node: 'node-2' },
        location: { file: fixture, line: 38, column: 5, path: 'timeline[2]' },
      },
      {
        name: 'timeline[3] killPod',
        trigger: { kind: 'every', every: 20 * SECOND, from: 2 * MINUTE, until: 170 * SECOND },
        action: { type: 'killPods', namespace: 'shop', selector: 'app=web', count: 1 },
        location: { file: fixture, line: 40, column: 5, path: 'timeline[3]' },
      },
    ]);
    expect(scenario.expectations).toEqual([
      {
        name: 'web reachable',
        time: { kind: 'at', at: 20 * SECOND },
        check: {
          type: 'reach',
          from: { kind: 'pod', namespace: 'shop', name: 'toolbox', prefix: false },
          to: { kind: 'service', service: { namespace: 'shop', name: 'web' } },
          port: 80,
          protocol: 'TCP',
          result: 'connected',
        },
        location: { file: fixture, line: 45, column: 5, path: 'expect[0]' },
      },
      {
        name: 'expect[1] dns',
        time: { kind: 'at', at: 20 * SECOND },
        check: {
          type: 'dns',
          from: { namespace: 'shop', name: 'toolbox' },
          name: 'web',
          queryType: 'A',
          rcode: 'NOERROR',
          answers: { kind: 'clusterIPOf', service: { namespace: 'shop', name: 'web' } },
        },
        location: { file: fixture, line: 48, column: 5, path: 'expect[1]' },
      },
      {
        name: 'expect[2] metric',
        time: { kind: 'over', from: 30 * SECOND, to: 2 * MINUTE, check: SECOND },
        check: {
          type: 'metric',
          workload: 'load',
          metric: { kind: 'successRatio', comparator: { atLeast: 0.99 } },
        },
        location: { file: fixture, line: 50, column: 5, path: 'expect[2]' },
      },
      {
        name: 'expect[3] metric',
        time: { kind: 'over', from: 30 * SECOND, to: 3 * MINUTE, check: SECOND },
        check: {
          type: 'metric',
          workload: 'load',
          metric: { kind: 'latency', statistic: 'p99', comparator: { atMost: 250_000 } },
        },
        location: { file: fixture, line: 52, column: 5, path: 'expect[3]' },
      },
    ]);
    expect(scenario.overrides).toEqual([]);
    expect(scenario.warnings).toEqual([]);
  });

  it('parses text with includes relative to baseDir, and the example in docs/scenarios.md', async () => {
    const doc = readFileSync(join(import.meta.dirname, '..', '..', '..', 'docs', 'scenarios.md'), 'utf8');
    const example = /```yaml\n([\s\S]*?)```/.exec(doc)?.[1] ?? '';
    const scenario = await parseScenario(example, {
      file: 'example.yaml',
      baseDir: join(import.meta.dirname, 'fixtures', 'shop'),
    });
    expect(scenario.timeline).toHaveLength(4);
    expect(scenario.expectations).toHaveLength(4);
    expect(scenario.manifests.objects).toHaveLength(4);
  });

  it('defaults the seed to 1 and accepts a minimal scenario', async () => {
    const scenario = await parseScenario('apiVersion: knsim.dev/v1alpha1\nkind: Scenario\nduration: 10s\n');
    expect(scenario.seed).toBe('1');
    expect(scenario.file).toBe('<scenario>');
    expect(scenario.cluster.config.nodes).toHaveLength(3);
    expect(scenario.manifests.objects).toEqual([]);
    expect(scenario.timeline).toEqual([]);
  });

  it('warns about kinds knsim does not model and skips them', async () => {
    const scenario = await parseScenario(
      'apiVersion: knsim.dev/v1alpha1\nkind: Scenario\nduration: 10s\nmanifests:\n  - { apiVersion: v1, kind: ConfigMap, metadata: { name: c } }\n',
      { file: 's.yaml' },
    );
    expect(scenario.manifests.objects).toEqual([]);
    expect(scenario.warnings).toEqual([
      expect.objectContaining({
        file: 's.yaml',
        line: 5,
        column: 5,
        reason: 'skipped: knsim does not model kind ConfigMap',
      }),
    ]);
  });
});
