import { describe, expect, it } from 'vitest';
import { formatManifestIssue, ManifestError, parseManifests, type LoadedManifests } from '@knsim/api';

function failure(text: string, file = 'in.yaml'): ManifestError {
  try {
    parseManifests(text, file);
  } catch (error) {
    if (error instanceof ManifestError) return error;
    throw error;
  }
  throw new Error('expected a ManifestError');
}

const kinds = (loaded: LoadedManifests): string[] =>
  loaded.objects.map((object) => `${object.kind} ${object.metadata.name}`);

describe('parseManifests', () => {
  it('reads multi-document YAML and ignores empty documents', () => {
    const text = [
      '# leading comment',
      '---',
      'apiVersion: v1',
      'kind: Namespace',
      'metadata: {name: shop}',
      '---',
      '---',
      '# only a comment',
      '---',
      'apiVersion: v1',
      'kind: Service',
      'metadata: {name: web, namespace: shop}',
      'spec: {ports: [{port: 80}]}',
      '...',
    ].join('\n');
    const loaded = parseManifests(text, 'shop.yaml');
    expect(kinds(loaded)).toEqual(['Namespace shop', 'Service web']);
    expect(loaded.origins).toEqual([
      // Comments before the first `---` belong to the first document, as YAML has it.
      { file: 'shop.yaml', document: 1, line: 3, column: 1 },
      { file: 'shop.yaml', document: 4, line: 10, column: 1 },
    ]);
    expect(loaded.warnings).toEqual([]);
  });

  it('reads JSON', () => {
    const json = JSON.stringify(
      {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name: 'p' },
        spec: { containers: [{ name: 'c', image: 'i' }] },
      },
      null,
      2,
    );
    expect(kinds(parseManifests(json, 'pod.json'))).toEqual(['Pod p']);
  });

  it('flattens List and typed *List documents, inheriting kind and apiVersion', () => {
    const text = JSON.stringify({
      apiVersion: 'v1',
      kind: 'List',
      items: [
        { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'a' } },
        {
          apiVersion: 'v1',
          kind: 'PodList',
          items: [{ metadata: { name: 'p1', namespace: 'a' }, spec: { containers: [{ name: 'c' }] } }],
        },
        { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cm', namespace: 'a' } },
      ],
    });
    const loaded = parseManifests(text, 'list.json');
    expect(kinds(loaded)).toEqual(['Namespace a', 'Pod p1']);
    expect(loaded.objects[1]).toMatchObject({ apiVersion: 'v1', kind: 'Pod' });
    expect(loaded.origins[1]).toMatchObject({ document: 1, item: 1 });
    expect(loaded.warnings.map(formatManifestIssue)).toEqual([
      'list.json:1:233: document 1, item 2: ConfigMap a/cm: skipped: knsim does not model kind ConfigMap',
    ]);
  });

  it('skips unsupported kinds with one warning each, naming file, document, kind and object', () => {
    const text = [
      'apiVersion: v1',
      'kind: ConfigMap',
      'metadata: {name: settings, namespace: shop}',
      'data: {a: b, c: d}',
      '---',
      'apiVersion: example.com/v1',
      'kind: Widget',
      'metadata: {name: w}',
      '---',
      'apiVersion: v1',
      'kind: Secret',
      'metadata: {name: s}',
    ].join('\n');
    const loaded = parseManifests(text, 'mixed.yaml');
    expect(loaded.objects).toEqual([]);
    expect(loaded.warnings.map(formatManifestIssue)).toEqual([
      'mixed.yaml:1:1: document 1: ConfigMap shop/settings: skipped: knsim does not model kind ConfigMap',
      'mixed.yaml:6:1: document 2: Widget w: skipped: knsim does not model kind Widget',
      'mixed.yaml:10:1: document 3: Secret s: skipped: knsim does not model kind Secret',
    ]);
  });

  it('skips data that is no Kubernetes object with a warning', () => {
    const loaded = parseManifests('[{"src": "a", "dst": "b"}]', 'expected.json');
    expect(loaded.warnings.map(formatManifestIssue)).toEqual([
      'expected.json:1:1: document 1: skipped: not a Kubernetes object (a list)',
    ]);
  });

  it('reports YAML syntax errors with line and column', () => {
    const text = ['apiVersion: v1', 'kind: Namespace', 'metadata:', '  name: [a', 'spec: {}'].join('\n');
    expect(failure(text).message).toBe(
      'invalid manifests (1 error):\nin.yaml:5:1: document 1: YAML syntax error: Flow sequence in block collection must be sufficiently indented and end with a ]',
    );
  });

  it('reports a syntax error in one document and still checks the others', () => {
    const text = ['a: b: c', '---', 'apiVersion: v1', 'kind: Namespace', 'metadata: {name: Bad}'].join('\n');
    const error = failure(text);
    expect(error.errors.map((issue) => [issue.document, issue.line, issue.column, issue.path])).toEqual([
      [1, 1, 4, undefined],
      [2, 5, 18, 'metadata.name'],
    ]);
    expect(error.errors[0]?.reason).toMatch(/^YAML syntax error: /);
  });

  it('refuses YAML alias bombs', () => {
    const bomb = ['a: &a [x, x, x, x, x, x, x, x, x, x]'];
    for (const [name, previous] of [
      ['b', 'a'],
      ['c', 'b'],
      ['d', 'c'],
    ]) {
      bomb.push(`${name}: &${name} [${new Array(10).fill(`*${previous}`).join(', ')}]`);
    }
    expect(failure(bomb.join('\n')).message).toContain(
      'in.yaml:1:1: document 1: cannot read YAML: Excessive alias count',
    );
  });

  it('rejects duplicate objects, naming both places', () => {
    const doc = 'apiVersion: v1\nkind: Service\nmetadata: {name: web}\nspec: {ports: [{port: 80}]}';
    const again =
      'apiVersion: v1\nkind: Service\nmetadata: {name: web, namespace: default}\nspec: {ports: [{port: 81}]}';
    expect(failure(`${doc}\n---\n${again}`, 'svc.yaml').message).toBe(
      'invalid manifests (1 error):\nsvc.yaml:6:1: document 2: Service default/web: metadata.name: duplicate object: Service default/web is also defined at svc.yaml:1:1 (document 1)',
    );
    // Same name in another namespace, or another kind, is a different object.
    const otherNamespace = doc.replace('{name: web}', '{name: web, namespace: shop}');
    const pod = 'apiVersion: v1\nkind: Pod\nmetadata: {name: web}\nspec: {containers: [{name: c}]}';
    expect(kinds(parseManifests(`${doc}\n---\n${otherNamespace}\n---\n${pod}`, 'svc.yaml'))).toHaveLength(3);
  });

  it('requires kind and apiVersion on objects', () => {
    expect(
      failure('apiVersion: v1\nmetadata: {name: x}').errors.map((issue) => `${issue.path}: ${issue.reason}`),
    ).toEqual(['kind: required value']);
    expect(
      failure('kind: Pod\nmetadata: {name: x}\nspec: {containers: [{name: c}]}').errors.map(
        (issue) => `${issue.path}: ${issue.reason}`,
      ),
    ).toEqual(['apiVersion: required value: Pod is served as v1']);
  });

  it('reads null fields as absent', () => {
    const loaded = parseManifests(
      'apiVersion: v1\nkind: Namespace\nmetadata: {name: a, labels: null, creationTimestamp: null}\nspec: null',
      'ns.yaml',
    );
    expect(loaded.objects[0]).toEqual({
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: 'a', labels: { 'kubernetes.io/metadata.name': 'a' } },
    });
  });
});
