import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isUserError } from '@knsim/core';
import { formatScenarioIssue, loadScenario, parseScenario, ScenarioError } from '@knsim/scenario';
import { errorsOf } from './support.js';

const BROKEN = `apiVersion: knsim.dev/v1alpha1
kind: Scenario
duration: 2m
colour: blue
cluster:
  nodes: three
  timings: { scheduling: 10 ms }
include: [nowhere/]
manifests:
  - apiVersion: v1
    kind: Service
    metadata: { name: web }
    spec: { ports: [{ port: 70000 }] }
traffic:
  workloads:
    - { name: load, from: { pods: { selector: app=c } }, to: "web:80", arrival: { poisson: { rate: 5 } } }
timeline:
  - at: 1h
    crashNode: node-1
expect:
  - over: { from: 10s, to: 20s }
    metric: { workload: lod, successRatio: { atLeast: 0.9 } }
`;

describe('ScenarioError', () => {
  it('reports every problem together, each at its line and column', async () => {
    expect(await errorsOf(BROKEN)).toEqual([
      'test.yaml:4:1: colour: unknown field "colour" (known: apiVersion, kind, metadata, seed, duration, cluster, include, manifests, traffic, timeline, expect)',
      'test.yaml:6:10: cluster.nodes: expected an integer or a list, got string "three"',
      'test.yaml:7:26: cluster.timings.scheduling: invalid duration "10 ms": unexpected "10 ms" (expected a number followed by us, ms, s, m, h or d)',
      'test.yaml:8:11: include[0]: no such file or folder: nowhere/',
      'test.yaml:13:29: manifests[0].spec.ports[0].port: invalid value 70000: must be between 1 and 65535, inclusive',
      'test.yaml:18:9: timeline[0].at: 1h is after the end of the run (duration 2m)',
      'test.yaml:22:25: expect[0].metric.workload: unknown workload "lod" (traffic.workloads: load)',
    ]);
  });

  it('is a UserError carrying structured issues', async () => {
    const error = await parseScenario('apiVersion: knsim.dev/v1alpha1\nkind: Scenario\n', {
      file: 's.yaml',
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ScenarioError);
    expect(isUserError(error)).toBe(true);
    expect((error as ScenarioError).issues).toEqual([
      {
        severity: 'error',
        file: 's.yaml',
        line: 1,
        column: 1,
        path: '',
        reason: 'missing required field duration',
      },
    ]);
    expect((error as Error).message).toBe(
      'invalid scenario s.yaml (1 error):\n  s.yaml:1:1: missing required field duration',
    );
  });

  it('names wrong types, wrong constants and unknown nested fields at the key', async () => {
    expect(
      await errorsOf(`apiVersion: knsim.dev/v1
kind: Scenario
duration: 1m
seed: "bad seed"
timeline:
  - at: 10s
    scale: { deployment: shop/web, replicas: two, extra: 1 }
`),
    ).toEqual([
      'test.yaml:1:13: apiVersion: expected "knsim.dev/v1alpha1", got string "knsim.dev/v1"',
      'test.yaml:4:7: seed: expected a seed (letters, digits, _ . : -), got "bad seed"',
      'test.yaml:7:46: timeline[0].scale.replicas: expected an integer, got string "two"',
      'test.yaml:7:51: timeline[0].scale.extra: unknown field "extra" (known: deployment, statefulSet, replicaSet, replicas)',
    ]);
  });

  it('reports YAML syntax errors with their own position', async () => {
    expect(
      await errorsOf('apiVersion: knsim.dev/v1alpha1\nkind: Scenario\nduration: [1m\nseed: 1\n'),
    ).toEqual([
      'test.yaml:4:1: YAML syntax error: Flow sequence in block collection must be sufficiently indented and end with a ]',
    ]);
    expect(await errorsOf('a: 1\na: 2\n')).toEqual([
      'test.yaml:2:1: YAML syntax error: Map keys must be unique',
    ]);
  });

  it('keeps the position inside an included manifest file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'knsim-scenario-'));
    mkdirSync(join(dir, 'manifests'));
    writeFileSync(
      join(dir, 'manifests', 'svc.yaml'),
      'apiVersion: v1\nkind: Namespace\nmetadata: { name: shop }\n---\napiVersion: v1\nkind: Service\nmetadata: { name: web, namespace: shop }\nspec:\n  ports: [{ port: 0 }]\n',
    );
    writeFileSync(
      join(dir, 'scenario.yaml'),
      'apiVersion: knsim.dev/v1alpha1\nkind: Scenario\nduration: 1m\ninclude: [manifests]\n',
    );
    const error = (await loadScenario(join(dir, 'scenario.yaml')).catch((e: unknown) => e)) as ScenarioError;
    expect(error.issues.map(formatScenarioIssue)).toEqual([
      `${join(dir, 'manifests', 'svc.yaml')}:9:19: document 2: Service shop/web: spec.ports[0].port: invalid value 0: must be between 1 and 65535, inclusive`,
    ]);
  });

  it('reports an unreadable scenario file', async () => {
    await expect(loadScenario('/nonexistent/scenario.yaml')).rejects.toThrow(
      'invalid scenario (1 error):\n  /nonexistent/scenario.yaml: no such file',
    );
  });

  it('rejects duplicate objects naming both places', async () => {
    const lines = await errorsOf(`apiVersion: knsim.dev/v1alpha1
kind: Scenario
duration: 1m
manifests:
  - { apiVersion: v1, kind: Namespace, metadata: { name: shop } }
  - { apiVersion: v1, kind: Namespace, metadata: { name: shop } }
`);
    expect(lines).toEqual([
      'test.yaml:6:58: manifests[1].metadata.name: duplicate object: Namespace shop is also defined at test.yaml:5:5 (manifests[0])',
    ]);
  });
});
