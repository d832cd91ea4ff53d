import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MINUTE, SECOND } from '@knsim/core';
import type { ScenarioAction } from '@knsim/scenario';
import { errorsOf, parse, scenarioText, SHOP } from './support.js';

async function action(step: string, options = {}): Promise<ScenarioAction> {
  const scenario = await parse(`${SHOP}timeline:\n  - at: 10s\n    ${step}\n`, options);
  const first = scenario.timeline[0];
  if (first === undefined) throw new Error('no step');
  return first.action;
}

describe('timeline actions', () => {
  it('apply: one object, a list, or a file relative to the scenario', async () => {
    const one = await action('apply: { apiVersion: v1, kind: Namespace, metadata: { name: extra } }');
    expect(one).toMatchObject({
      type: 'apply',
      objects: [{ kind: 'Namespace', metadata: { name: 'extra' } }],
    });
    expect(one.type === 'apply' && one.origins[0]).toMatchObject({ file: 'test.yaml', line: 27, column: 12 });
    const list = await action(
      'apply: [{ apiVersion: v1, kind: Namespace, metadata: { name: a } }, { apiVersion: v1, kind: Namespace, metadata: { name: b } }]',
    );
    expect(list.type === 'apply' && list.objects.map((o) => o.metadata.name)).toEqual(['a', 'b']);
    const dir = mkdtempSync(join(tmpdir(), 'knsim-scenario-'));
    writeFileSync(join(dir, 'late.yaml'), 'apiVersion: v1\nkind: Namespace\nmetadata: { name: late }\n');
    const file = await action('apply: { file: late.yaml }', { baseDir: dir });
    expect(file).toMatchObject({
      type: 'apply',
      objects: [{ metadata: { name: 'late' } }],
      origins: [{ file: join(dir, 'late.yaml'), document: 1 }],
    });
  });

  it('delete and patch default the namespace for namespaced kinds only', async () => {
    expect(await action('delete: { kind: Service, name: kubernetes }')).toEqual({
      type: 'delete',
      kind: 'Service',
      namespace: 'default',
      name: 'kubernetes',
    });
    expect(await action('delete: { kind: Namespace, name: shop }')).toEqual({
      type: 'delete',
      kind: 'Namespace',
      namespace: undefined,
      name: 'shop',
    });
    expect(
      await action(
        'patch: { kind: Service, namespace: shop, name: web, merge: { spec: { type: NodePort } } }',
      ),
    ).toEqual({
      type: 'patch',
      kind: 'Service',
      namespace: 'shop',
      name: 'web',
      merge: { spec: { type: 'NodePort' } },
    });
  });

  it('scale and rollout name their target kind', async () => {
    expect(await action('scale: { deployment: shop/web, replicas: 5 }')).toEqual({
      type: 'scale',
      kind: 'Deployment',
      target: { namespace: 'shop', name: 'web' },
      replicas: 5,
    });
    expect(await action('scale: { replicaSet: shop/web-abc, replicas: 0 }')).toMatchObject({
      kind: 'ReplicaSet',
      replicas: 0,
    });
    expect(await action('rollout: { deployment: shop/web, restart: true }')).toEqual({
      type: 'rollout',
      kind: 'Deployment',
      target: { namespace: 'shop', name: 'web' },
      image: undefined,
    });
  });

  it('killPod takes one pod or a selector with a count', async () => {
    expect(await action('killPod: { pod: shop/toolbox }')).toEqual({
      type: 'killPod',
      pod: { namespace: 'shop', name: 'toolbox' },
    });
    expect(await action('killPod: { selector: app=web }')).toEqual({
      type: 'killPods',
      namespace: undefined,
      selector: 'app=web',
      count: 1,
    });
  });

  it('node faults take a node name', async () => {
    for (const key of [
      'crashNode',
      'recoverNode',
      'partitionNode',
      'drainNode',
      'cordonNode',
      'uncordonNode',
    ])
      expect(await action(`${key}: node-3`)).toEqual({ type: key, node: 'node-3' });
  });

  it('failReadiness, network, dnsOutage and policy', async () => {
    expect(await action('failReadiness: { namespace: shop, selector: app=web, duration: 30s }')).toEqual({
      type: 'failReadiness',
      namespace: 'shop',
      selector: 'app=web',
      duration: 30 * SECOND,
    });
    expect(await action('network: { crossNode: { uniform: { min: 1ms, max: 3ms } }, loss: 0.01 }')).toEqual({
      type: 'network',
      spec: { crossNode: { uniform: { min: '1ms', max: '3ms' } }, loss: 0.01 },
      sameNode: undefined,
      crossNode: { kind: 'uniform', min: 1000, max: 3000 },
      crossZone: undefined,
      external: undefined,
      loss: 0.01,
    });
    expect(await action('dnsOutage: {}')).toEqual({ type: 'dnsOutage', duration: undefined });
    expect(await action('dnsOutage: { duration: 1m }')).toEqual({ type: 'dnsOutage', duration: MINUTE });
    const policies = await parse(`${SHOP}timeline:
  - at: 5s
    policy: { apply: { apiVersion: networking.k8s.io/v1, kind: NetworkPolicy, metadata: { name: deny, namespace: shop }, spec: { podSelector: {} } } }
  - at: 10s
    policy: { delete: shop/deny }
`);
    expect(policies.timeline[0]?.action).toMatchObject({
      type: 'applyPolicy',
      objects: [{ kind: 'NetworkPolicy', metadata: { name: 'deny' } }],
    });
    expect(policies.timeline[1]?.action).toEqual({
      type: 'deletePolicy',
      policy: { namespace: 'shop', name: 'deny' },
    });
  });
});

describe('timeline triggers', () => {
  it('every and when take a window; when checks every second by default', async () => {
    const scenario = await parse(`${SHOP}timeline:
  - every: 15s
    until: 1m
    crashNode: node-1
  - when: { endpointsReady: { service: shop/web, count: 2 } }
    check: 500ms
    repeat: true
    name: again
    recoverNode: node-1
`);
    expect(scenario.timeline.map((s) => s.trigger)).toEqual([
      { kind: 'every', every: 15 * SECOND, from: 0, until: MINUTE },
      {
        kind: 'when',
        condition: { kind: 'endpointsReady', service: { namespace: 'shop', name: 'web' }, count: 2 },
        check: 500_000,
        repeat: true,
        from: 0,
        until: 2 * MINUTE,
      },
    ]);
    expect(scenario.timeline[1]?.name).toBe('again');
  });

  it('rejects options that do not fit the trigger and windows that end before they start', async () => {
    expect(
      await errorsOf(
        scenarioText(`timeline:
  - at: 10s
    from: 5s
    crashNode: node-1
  - every: 10s
    from: 1m
    until: 30s
    check: 1s
    crashNode: node-1
`),
      ),
    ).toEqual([
      'test.yaml:6:5: timeline[0].from: from only applies to every and when',
      'test.yaml:10:12: timeline[1].until: until must be after from',
      'test.yaml:11:5: timeline[1].check: check only applies to when',
    ]);
  });

  it('reads all and any conditions, nested, and checks what they contain', async () => {
    const scenario = await parse(`${SHOP}timeline:
  - when: { any: [{ all: [{ podsReady: { selector: app=web, count: 1 } }, { endpointsReady: { service: shop/web, count: 1 } }] }, { podsReady: { namespace: shop, selector: app=toolbox, count: 1 } }] }
    crashNode: node-1
`);
    expect(scenario.timeline[0]?.trigger).toMatchObject({
      kind: 'when',
      condition: {
        kind: 'any',
        conditions: [
          {
            kind: 'all',
            conditions: [
              { kind: 'podsReady', namespace: undefined, selector: 'app=web', count: 1 },
              { kind: 'endpointsReady', service: { namespace: 'shop', name: 'web' }, count: 1 },
            ],
          },
          { kind: 'podsReady', namespace: 'shop', selector: 'app=toolbox', count: 1 },
        ],
      },
    });
    const errors = await errorsOf(
      scenarioText(`${SHOP}timeline:
  - when: { all: [] }
    crashNode: node-1
  - when: { any: [{ endpointsReady: { service: shop/nope, count: 1 } }] }
    crashNode: node-1
`),
    );
    expect(errors).toHaveLength(2);
    expect(errors[0]).toMatch(/timeline\[0\]\.when\.all: .*(fewer than 1|at least 1)/);
    expect(errors[1]).toMatch(
      /timeline\[1\]\.when\.any\[0\]\.endpointsReady\.service: no Service shop\/nope/,
    );
  });

  it('rejects deleting or patching an object that neither the manifests nor a step declares', async () => {
    expect(
      await errorsOf(
        scenarioText(`${SHOP}timeline:
  - at: 1s
    delete: { kind: Deployment, namespace: shop, name: webb }
  - at: 2s
    patch: { kind: Service, name: web, merge: { spec: { type: NodePort } } }
  - at: 3s
    policy: { delete: shop/deny-all }
  - at: 4s
    delete: { kind: Namespace, name: shopp }
`),
      ),
    ).toEqual([
      'test.yaml:27:56: timeline[0].delete.name: no Deployment shop/webb in the manifests or the timeline (known: kube-system/coredns, shop/web)',
      'test.yaml:29:35: timeline[1].patch.name: no Service default/web in the manifests or the timeline (known: default/kubernetes, kube-system/kube-dns, shop/web)',
      'test.yaml:31:23: timeline[2].policy.delete: no NetworkPolicy shop/deny-all in the manifests or the timeline (known: none)',
      'test.yaml:33:38: timeline[3].delete.name: no Namespace shopp in the manifests or the timeline (known: default, kube-node-lease, kube-public, kube-system, shop)',
    ]);
  });

  it('accepts deleting what the cluster creates itself, and pods, whose names are generated', async () => {
    const scenario = await parse(`${SHOP}timeline:
  - at: 1s
    delete: { kind: Pod, namespace: shop, name: web-7d4b9c6f5-abcde }
  - at: 2s
    delete: { kind: Deployment, namespace: kube-system, name: coredns }
  - at: 3s
    delete: { kind: Namespace, name: shop }
`);
    expect(scenario.timeline.map((step) => step.action.type)).toEqual(['delete', 'delete', 'delete']);
  });

  it('checks distributions, selectors, kinds and references inside actions', async () => {
    expect(
      await errorsOf(
        scenarioText(`${SHOP}timeline:
  - at: 1s
    network: { crossNode: { uniform: { min: 3ms, max: 1ms } } }
  - at: 1s
    failReadiness: { selector: "app in (" }
  - at: 1s
    delete: { kind: Widget, name: w }
  - at: 1s
    rollout: { statefulSet: shop/db, restart: true }
  - at: 1s
    policy: { apply: { apiVersion: v1, kind: Service, metadata: { name: x } } }
`),
      ),
    ).toEqual([
      'test.yaml:27:55: timeline[0].network.crossNode.uniform.max: max 1ms is below min 3ms',
      expect.stringMatching(
        /^test\.yaml:29:32: timeline\[1\]\.failReadiness\.selector: invalid label selector "app in \(" at position 9: /,
      ),
      'test.yaml:31:21: timeline[2].delete.kind: unknown kind "Widget" (supported: CronJob, DaemonSet, Deployment, EndpointSlice, Ingress, IngressClass, Job, Namespace, NetworkPolicy, Node, Pod, ReplicaSet, Service, StatefulSet)',
      'test.yaml:33:29: timeline[3].rollout.statefulSet: no StatefulSet shop/db in the manifests or the timeline (known: none)',
      'test.yaml:35:46: timeline[4].policy.apply.kind: expected a NetworkPolicy, got "Service"',
    ]);
  });
});
