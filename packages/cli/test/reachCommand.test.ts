import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { run } from './support.js';

const manifests = `
apiVersion: v1
kind: Namespace
metadata: { name: shop }
---
apiVersion: v1
kind: Pod
metadata: { name: client, namespace: shop, labels: { app: client } }
spec: { containers: [{ name: c, image: curl }] }
---
apiVersion: v1
kind: Pod
metadata: { name: intruder, namespace: shop, labels: { app: intruder } }
spec: { containers: [{ name: c, image: curl }] }
---
apiVersion: v1
kind: Pod
metadata: { name: web, namespace: shop, labels: { app: web } }
spec: { containers: [{ name: web, image: nginx, ports: [{ name: http, containerPort: 8080 }] }] }
---
apiVersion: v1
kind: Service
metadata: { name: web, namespace: shop }
spec: { selector: { app: web }, ports: [{ name: http, port: 80, targetPort: http }] }
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: { name: web-from-client, namespace: shop }
spec:
  podSelector: { matchLabels: { app: web } }
  ingress: [{ from: [{ podSelector: { matchLabels: { app: client } } }], ports: [{ port: http }] }]
`;

function file(): string {
  const path = join(mkdtempSync(join(tmpdir(), 'knsim-reach-')), 'app.yaml');
  writeFileSync(path, manifests);
  return path;
}

describe('knsim reach', () => {
  it('prints exactly the documented JSON fields, judging every ordered pair through the data plane', async () => {
    const result = await run('reach', '-f', file(), '--to', 'shop/web', '--json');
    expect(result.code).toBe(0);
    const { results } = JSON.parse(result.out) as { results: Record<string, unknown>[] };
    expect(results.map((r) => Object.keys(r))).toEqual(
      Array(2).fill(['from', 'to', 'service', 'port', 'protocol', 'result', 'reason', 'policies']),
    );
    expect(
      results.map((r) => [r['from'], r['to'], r['service'], r['port'], r['protocol'], r['result']]),
    ).toEqual([
      ['shop/client', 'shop/web', null, 8080, 'TCP', 'allowed'],
      ['shop/intruder', 'shop/web', null, 8080, 'TCP', 'denied'],
    ]);
    expect(results[0]!['policies']).toEqual(['shop/web-from-client']);
    expect(results[1]!['policies']).toEqual(['shop/web-from-client']);
  });

  it('goes through each ClusterIP Service selecting the destination with --via service', async () => {
    const result = await run('reach', '-f', file(), '--to', 'shop/web', '--via', 'service', '--json');
    const { results } = JSON.parse(result.out) as { results: Record<string, unknown>[] };
    expect(results.map((r) => [r['from'], r['service'], r['port'], r['result']])).toEqual([
      ['shop/client', 'shop/web', 80, 'allowed'],
      ['shop/intruder', 'shop/web', 80, 'denied'],
    ]);
  });

  it('prints a matrix without --json, and the reasoning with --explain', async () => {
    const result = await run('reach', '-f', file(), '--explain');
    expect(result.code).toBe(0);
    const lines = result.out.split('\n');
    expect(lines.slice(0, 4)).toEqual([
      '                1 2 3',
      '1 shop/client   - . .',
      '2 shop/intruder . - X',
      '3 shop/web      . . -',
    ]);
    expect(result.out).toContain('6 connections: 5 allowed, 1 denied');
    expect(result.out).toContain(
      'shop/intruder -> shop/web TCP/8080: denied\n' +
        '  egress: allowed (no policy selects shop/intruder for egress)\n' +
        '  ingress: denied (shop/web is isolated by shop/web-from-client and no rule admits TCP 8080)\n',
    );
  });

  it('refuses a port out of range and an unknown pod as user errors', async () => {
    expect((await run('reach', '-f', file(), '--port', '70000')).code).toBe(2);
    const unknown = await run('reach', '-f', file(), '--from', 'shop/nobody');
    expect(unknown.code).toBe(2);
    expect(unknown.err).toMatch(/--from shop\/nobody: no such pod/);
  });

  it('analyses the policies alone with --static, in netpol-analyzer’s format', async () => {
    const result = await run('reach', '--static', '-f', file());
    expect(result.code).toBe(0);
    expect(result.out).toContain('shop/client[Pod] => shop/web[Pod] : TCP 8080\n');
    expect(result.out).not.toContain('shop/intruder[Pod] => shop/web[Pod]');
    const json = await run('reach', '--static', '-f', file(), '--json');
    const entries = JSON.parse(json.out) as Record<string, unknown>[];
    expect(Object.keys(entries[0]!)).toEqual(['src', 'dst', 'conn']);
  });
});

// The conformance corpus through the command itself: every case, as a user would run it.
const corpus = fileURLToPath(new URL('../../../../shared/conformance/netpol-analyzer/', import.meta.url));
const cases = readdirSync(join(corpus, 'tests')).sort();
// From OpenShift Route objects, which are not Kubernetes objects (see docs/conformance.md).
const routeLines = [
  '{ingress-controller} => frontend/asset-cache[Deployment] : TCP 8080',
  '{ingress-controller} => frontend/webapp[Deployment] : TCP 8080',
];

function normalise(text: string): string[] {
  return text
    .split('\n')
    .map((line) => line.trimEnd())
    .filter((line) => line !== '')
    .map((line) => line.replace(/(\d+\.\d+\.\d+\.\d+-\d+\.\d+\.\d+\.\d+)(?!\[External\])/g, '$1[External]'));
}

describe('knsim reach --static over the netpol-analyzer corpus', () => {
  it('covers all 49 cases', () => expect(cases).toHaveLength(49));
  for (const name of cases) {
    it(`prints the expected connection list for ${name}`, async () => {
      const expected = normalise(
        readFileSync(join(corpus, 'expected', `${name}_connlist_output.txt`), 'utf8'),
      );
      const result = await run('reach', '--static', '-f', join(corpus, 'tests', name));
      expect(result.code).toBe(0);
      const missing = name.startsWith('acs-security-demos') ? routeLines : [];
      for (const line of missing) expect(expected).toContain(line);
      expect(normalise(result.out)).toEqual(expected.filter((line) => !missing.includes(line)));
    });
  }
});
