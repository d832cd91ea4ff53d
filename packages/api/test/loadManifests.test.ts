import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatManifestIssue, loadManifests, ManifestError, type KubeKind } from '@knsim/api';

const namespace = (name: string): string => `apiVersion: v1\nkind: Namespace\nmetadata:\n  name: ${name}\n`;

describe('loadManifests', () => {
  let root: string;

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'knsim-api-'));
    await mkdir(join(root, 'b', 'deeper'), { recursive: true });
    await mkdir(join(root, 'a'));
    await writeFile(join(root, 'z.yaml'), namespace('z'));
    await writeFile(join(root, 'a', 'one.yml'), namespace('a1'));
    await writeFile(
      join(root, 'b', 'deeper', 'two.json'),
      JSON.stringify({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'b2' } }),
    );
    await writeFile(join(root, 'b', 'notes.txt'), 'not a manifest: [');
    await writeFile(join(root, 'b', 'A.YAML'), namespace('b0'));
    await mkdir(join(root, 'empty'));
    await writeFile(join(root, 'plain.txt'), namespace('from-txt'));
  });

  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
  });

  const names = (objects: readonly { metadata: { name?: string } }[]): (string | undefined)[] =>
    objects.map((object) => object.metadata.name);

  it('reads folders recursively in sorted order, only manifest extensions', async () => {
    const loaded = await loadManifests([root]);
    expect(names(loaded.objects)).toEqual(['a1', 'b0', 'b2', 'z']);
    expect(loaded.origins.map((origin) => relative(root, origin.file))).toEqual([
      join('a', 'one.yml'),
      join('b', 'A.YAML'),
      join('b', 'deeper', 'two.json'),
      'z.yaml',
    ]);
    expect(loaded.warnings).toEqual([]);
  });

  it('warns about a folder without manifests', async () => {
    const loaded = await loadManifests([join(root, 'empty')]);
    expect(loaded.warnings.map(formatManifestIssue)).toEqual([
      `${join(root, 'empty')}: no .json, .yaml, .yml files in this folder`,
    ]);
  });

  it('reads a file named directly whatever its extension, and each file once', async () => {
    const loaded = await loadManifests([
      join(root, 'plain.txt'),
      join(root, 'a'),
      join(root, 'a', 'one.yml'),
    ]);
    expect(names(loaded.objects)).toEqual(['from-txt', 'a1']);
  });

  it('reads standard input for "-"', async () => {
    const loaded = await loadManifests(['-', join(root, 'z.yaml')], {
      readStdin: () => Promise.resolve(namespace('piped')),
    });
    expect(names(loaded.objects)).toEqual(['piped', 'z']);
    expect(loaded.origins[0]?.file).toBe('<stdin>');
  });

  it('collects errors across files, including missing ones and duplicates', async () => {
    const missing = join(root, 'missing.yaml');
    let error: unknown;
    try {
      await loadManifests([missing, join(root, 'z.yaml'), '-'], {
        readStdin: () => Promise.resolve(namespace('z')),
      });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ManifestError);
    expect((error as ManifestError).errors.map(formatManifestIssue)).toEqual([
      `${missing}: no such file or folder`,
      `<stdin>:1:1: document 1: Namespace z: metadata.name: duplicate object: Namespace z is also defined at ${join(root, 'z.yaml')}:1:1 (document 1)`,
    ]);
  });
});

const here = dirname(fileURLToPath(import.meta.url));
const corpus = resolve(here, '../../../../shared/conformance/netpol-analyzer/tests');
const WORKLOAD_KINDS: readonly KubeKind[] = [
  'Pod',
  'Deployment',
  'ReplicaSet',
  'StatefulSet',
  'DaemonSet',
  'Job',
  'CronJob',
];

async function filesUnder(folder: string): Promise<string[]> {
  const entries = await readdir(folder, { withFileTypes: true, recursive: true });
  return entries.filter((entry) => entry.isFile()).map((entry) => join(entry.parentPath, entry.name));
}

describe('the netpol-analyzer conformance corpus', async () => {
  const cases = (await readdir(corpus, { withFileTypes: true }))
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort();

  it('has its case folders', () => {
    expect(cases.length).toBeGreaterThanOrEqual(40);
  });

  it.each(cases)('loads %s without errors', async (name) => {
    const folder = join(corpus, name);
    const loaded = await loadManifests([folder], { strict: false });
    const counts = new Map<string, number>();
    for (const object of loaded.objects) counts.set(object.kind, (counts.get(object.kind) ?? 0) + 1);
    const texts = await Promise.all((await filesUnder(folder)).map((file) => readFile(file, 'utf8')));
    const mentions = (kind: string): boolean =>
      texts.some((text) => new RegExp(`kind"?:\\s*"?${kind}"?\\s*$`, 'm').test(text));

    expect(WORKLOAD_KINDS.some((kind) => (counts.get(kind) ?? 0) > 0)).toBe(true);
    if (mentions('NetworkPolicy') || mentions('NetworkPolicyList'))
      expect(counts.get('NetworkPolicy') ?? 0).toBeGreaterThan(0);
    if (mentions('Service')) expect(counts.get('Service') ?? 0).toBeGreaterThan(0);
    if (mentions('Ingress')) expect(counts.get('Ingress') ?? 0).toBeGreaterThan(0);
    for (const object of loaded.objects) {
      if (object.kind === 'NetworkPolicy') expect(object.spec.policyTypes?.length).toBeGreaterThan(0);
      if (object.kind !== 'Namespace' && object.kind !== 'Node' && object.kind !== 'IngressClass')
        expect(object.metadata.namespace).toBeTruthy();
    }

    // Strict loading complains only about what strict: false relaxes (and reports as warnings).
    const relaxed = new Set(
      loaded.warnings
        .filter((issue) => issue.reason.endsWith('(the API server would reject this)'))
        .map((issue) => `${issue.file}:${issue.line}:${issue.column} ${issue.path}`),
    );
    try {
      await loadManifests([folder]);
      expect(relaxed.size).toBe(0);
    } catch (error) {
      expect(error).toBeInstanceOf(ManifestError);
      for (const issue of (error as ManifestError).errors) {
        expect(relaxed.has(`${issue.file}:${issue.line}:${issue.column} ${issue.path}`)).toBe(true);
      }
    }
  });
});
