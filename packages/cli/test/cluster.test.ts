import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { run } from './support.js';

function write(name: string, text: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'knsim-cli-'));
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

const app = `
apiVersion: apps/v1
kind: Deployment
metadata: { name: web }
spec:
  replicas: 2
  selector: { matchLabels: { app: web } }
  template:
    metadata: { labels: { app: web } }
    spec: { containers: [{ name: web, image: nginx, ports: [{ name: http, containerPort: 80 }] }] }
---
apiVersion: v1
kind: Service
metadata: { name: web }
spec: { type: NodePort, selector: { app: web }, ports: [{ port: 80, targetPort: http }] }
---
apiVersion: v1
kind: ConfigMap
metadata: { name: settings }
data: { a: b }
`;

describe('knsim validate', () => {
  it('accepts valid manifests, warning once about skipped kinds', async () => {
    const result = await run('validate', '-f', write('app.yaml', app));
    expect(result.code).toBe(0);
    expect(result.out).toBe('valid: 2 objects (1 Deployment, 1 Service) on 3 nodes\n');
    expect(result.err).toMatch(/warning: .*ConfigMap/);
  });

  it('lists every error with file, position, object and field path, and exits 2', async () => {
    const path = write(
      'bad.yaml',
      `apiVersion: v1
kind: Service
metadata: { name: Bad_Name }
spec: { ports: [{ port: 80 }, { port: 81 }] }
---
apiVersion: v1
kind: Service
metadata: { name: fine }
spec: { type: NodePort, ports: [{ port: 80, nodePort: 40000 }] }
`,
    );
    const result = await run('validate', '-f', path);
    expect(result.code).toBe(2);
    expect(result.err).toMatch(/bad\.yaml:\d+:\d+: document 1: Service default\/Bad_Name: metadata\.name: /);
    expect(result.err).toMatch(/spec\.ports\[0\]\.name: /);
    expect(result.err).toMatch(
      /document 2: Service default\/fine: spec\.ports\[0\]\.nodePort: .*30000-32767/,
    );
    expect(result.err).not.toMatch(/\n\s+at /);
  });

  it('reports allocation conflicts the API server would refuse', async () => {
    const path = write(
      'clash.yaml',
      `apiVersion: v1
kind: Service
metadata: { name: a }
spec: { clusterIP: 10.96.0.1, ports: [{ port: 80 }] }
`,
    );
    const result = await run('validate', '-f', path);
    expect(result.code).toBe(2);
    expect(result.err).toMatch(/Service default\/a: spec\.clusterIPs: .*provided IP is already allocated/);
  });
});

describe('knsim cluster', () => {
  it('converges and prints nodes, pods, Services and EndpointSlices; --json has the same', async () => {
    const path = write('app.yaml', app);
    const text = await run('cluster', '-f', path, '--nodes', '2');
    expect(text.code).toBe(0);
    expect(text.out).toMatch(/converged/);
    expect(text.out).toMatch(/NODES[\s\S]*node-1\s+Ready[\s\S]*10\.244\.0\.0\/24/);
    expect(text.out).toMatch(/SERVICES[\s\S]*web\s+NodePort\s+10\.\d+\.\d+\.\d+\s+<none>\s+80:3\d{4}\/TCP/);
    const json = await run(
      'cluster',
      '-f',
      path,
      '--nodes',
      'a,b,c',
      '--service-cidr',
      '10.0.0.0/16',
      '--json',
    );
    const snapshot = JSON.parse(json.out) as {
      converged: boolean;
      nodes: { name: string }[];
      pods: { ready: boolean; ip: string; namespace: string; name: string }[];
      services: { name: string; clusterIP: string }[];
      endpointSlices: { service: string; endpoints: unknown[] }[];
      digest: string;
    };
    expect(snapshot.converged).toBe(true);
    expect(snapshot.nodes.map((n) => n.name)).toEqual(['a', 'b', 'c']);
    expect(snapshot.pods.filter((p) => p.ready && p.namespace === 'default')).toHaveLength(2);
    expect(
      snapshot.pods.filter((p) => p.namespace === 'kube-system' && p.name.startsWith('coredns-')),
    ).toHaveLength(2);
    expect(snapshot.services.find((s) => s.name === 'kubernetes')?.clusterIP).toBe('10.0.0.1');
    expect(snapshot.endpointSlices.find((s) => s.service === 'web')?.endpoints).toHaveLength(2);
    expect(snapshot.digest).toMatch(/^sha256:[0-9a-f]{64}$/);
    const again = await run(
      'cluster',
      '-f',
      path,
      '--nodes',
      'a,b,c',
      '--service-cidr',
      '10.0.0.0/16',
      '--json',
    );
    expect(again.out).toBe(json.out);
  });

  it('stops at --at and reads a --config file, flags winning', async () => {
    const config = write(
      'cluster.yaml',
      'apiVersion: knsim.dev/v1alpha1\nkind: ClusterConfig\nnodes: 4\nclusterDomain: example.internal\n',
    );
    const result = await run(
      'cluster',
      '-f',
      write('app.yaml', app),
      '--config',
      config,
      '--nodes',
      '1',
      '--at',
      '100ms',
      '--json',
    );
    const snapshot = JSON.parse(result.out) as {
      at: number;
      nodes: unknown[];
      pods: { ready: boolean }[];
      converged: boolean;
    };
    expect(snapshot.at).toBe(100_000);
    expect(snapshot.nodes).toHaveLength(1);
    expect(snapshot.converged).toBe(false);
    expect(snapshot.pods.some((p) => p.ready)).toBe(false);
  });

  it('gives one clear message for bad flags and bad configuration', async () => {
    const badNodes = await run('cluster', '--nodes', 'Bad Name');
    expect(badNodes).toMatchObject({ code: 2 });
    expect(badNodes.err).toMatch(/^knsim: invalid --nodes "Bad Name"/);
    const badCidr = await run('cluster', '--service-cidr', '10.0.0.0/99');
    expect(badCidr.code).toBe(2);
    expect(badCidr.err).toMatch(/serviceCIDR: /);
    const config = write('cluster.yaml', 'nodes: 2\nbogus: 1\ntimings: { scheduling: 5 }\n');
    const badConfig = await run('cluster', '--config', config);
    expect(badConfig.code).toBe(2);
    expect(badConfig.err).toMatch(/bogus: unknown field/);
    expect(badConfig.err).toMatch(/timings\.scheduling: bare number 5/);
    const badAt = await run('cluster', '--at', 'soon');
    expect(badAt.err).toMatch(/^knsim: invalid --at: /);
    const missing = await run('validate', '-f', '/nonexistent/x.yaml');
    expect(missing.code).toBe(2);
    expect(missing.err).not.toMatch(/\n\s+at /);
  });
});
