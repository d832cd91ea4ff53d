import { mkdtempSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { run } from './support.js';
import { shopWeb } from '../../../test/support/shopWeb.js';

// A small scenario: a web tier, a client, a node crash; the expectations hold at seed 3, and
// `--set` can make one fail.
const SCENARIO = `apiVersion: knsim.dev/v1alpha1
kind: Scenario
metadata: { name: "small <shop> & friends", description: a crash and a recovery }
seed: 3
duration: 2m
cluster: { nodes: 3 }
manifests:
${shopWeb(3)}  - apiVersion: v1
    kind: Pod
    metadata: { name: client, namespace: shop, labels: { app: client } }
    spec: { nodeName: node-1, containers: [{ name: c, image: curl }] }
traffic:
  workloads:
    - name: load
      from: { pods: { namespace: shop, selector: app=client } }
      to: web.shop:80
      arrival: { constant: { rate: 50 } }
      start: 10s
      timeout: 2s
timeline:
  - at: 40s
    crashNode: node-2
expect:
  - at: 20s
    reach: { from: shop/client, to: service/shop/web, port: 80, result: allowed }
  - at: 20s
    dns: { from: shop/client, name: web, answers: { clusterIPOf: shop/web } }
  - over: { from: 10s, to: 40s }
    metric: { workload: load, successRatio: { atLeast: 0.999 } }
  - over: { from: 40s, to: 1m20s }
    metric: { workload: load, successRatio: { atMost: 0.99 } }
  - over: { from: 1m40s, to: 2m }
    metric: { workload: load, successRatio: { atLeast: 0.999 } }
`;

function scenarioFile(text = SCENARIO): string {
  const dir = mkdtempSync(join(tmpdir(), 'knsim-run-'));
  writeFileSync(join(dir, 'scenario.yaml'), text);
  return join(dir, 'scenario.yaml');
}

describe('knsim run', () => {
  it('runs a scenario, prints a summary and exits 0 when every expectation holds', async () => {
    const result = await run('run', scenarioFile());
    expect(result.err).toBe('');
    expect(result.code).toBe(0);
    expect(result.out).toMatch(/^small <shop> & friends: seed 3, 2m simulated, \d+ events in/);
    expect(result.out).toContain('EXPECTATIONS (5 of 5 held)');
    expect(result.out).toMatch(/40s {2}timeline\[0\] crashNode: ok/);
    expect(result.out).toMatch(/load +\d+ +\d+\.\d+% +\d/);
  });

  it('writes every output, with report.json naming the seed, the scenario digest and the log digest', async () => {
    const out = mkdtempSync(join(tmpdir(), 'knsim-run-out-'));
    const result = await run('run', scenarioFile(), '--out', out, '--quiet');
    expect(result.code).toBe(0);
    expect(result.out).toBe('');
    for (const file of ['events.ndjson', 'report.json', 'report.html', 'metrics.csv', 'junit.xml'])
      expect(existsSync(join(out, file))).toBe(true);
    const report = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8')) as {
      seed: string;
      scenarioDigest: string;
      logDigest: string;
      passed: boolean;
    };
    expect(report.seed).toBe('3');
    expect(report.scenarioDigest).toMatch(/^sha256:[0-9a-f]{64}$/);
    const verify = JSON.parse((await run('log', 'verify', join(out, 'events.ndjson'), '--json')).out) as {
      digest: string;
      scenarioDigest: string;
    };
    expect(verify.digest).toBe(report.logDigest);
    expect(verify.scenarioDigest).toBe(report.scenarioDigest);
    const junit = readFileSync(join(out, 'junit.xml'), 'utf8');
    expect(junit).toContain('<testsuite name="small &lt;shop&gt; &amp; friends" tests="5" failures="0"');
    const html = readFileSync(join(out, 'report.html'), 'utf8');
    expect(html).toContain('<title>knsim run: small &lt;shop&gt; &amp; friends</title>');
    expect(html).not.toContain('<shop>');
    // Self-contained: no scripts, nothing fetched (the SVG namespace URI is a name, not a fetch).
    expect(html).not.toMatch(/<script|(src|href)=["']?https?:/);
    expect(readFileSync(join(out, 'metrics.csv'), 'utf8').split('\n')[0]).toMatch(
      /^workload,window_start_us,window_end_us,requests,success_ratio,p50_us,p99_us,/,
    );
  });

  it('exits 1 when an expectation fails, and says expected, observed and where', async () => {
    const result = await run('run', scenarioFile(), '--set', 'traffic.workloads[0].timeout=1ms');
    expect(result.code).toBe(1);
    expect(result.out).toMatch(
      /FAIL {2}expect\[2\] metric \(over 10s\.\.40s\)\n {8}expected: load: success ratio >= 0\.999\n {8}observed: success ratio 0(\.\d+)? over \d+ requests\n {8}where: {4}.*scenario\.yaml:41:5 \(expect\[2\]\)/,
    );
    // The summary says why requests failed (a 1ms timeout: every request gives up waiting).
    expect(result.out).toMatch(/ {23}timeout x\d+: no answer within 1ms/);
  });

  it('prints report.json with --json; the same seed gives the same report', async () => {
    const file = scenarioFile();
    const a = await run('run', file, '--json');
    const b = await run('run', file, '--json');
    expect(a.out).toBe(b.out);
    const other = JSON.parse((await run('run', file, '--json', '--seed', '4')).out) as { logDigest: string };
    expect(other.logDigest).not.toBe((JSON.parse(a.out) as { logDigest: string }).logDigest);
  });

  it('exits 2 with a located error for a bad scenario', async () => {
    const result = await run('run', scenarioFile(SCENARIO.replace('duration: 2m', 'duration: 2 minutes')));
    expect(result.code).toBe(2);
    expect(result.err).toMatch(/scenario\.yaml:5:\d+: duration/);
    expect((await run('run', '/nonexistent/scenario.yaml')).code).toBe(2);
  });
});

describe('knsim run with HTTP through the Ingress controller', () => {
  it('attributes the requests to the backend Service the controller routes them to', async () => {
    const text = `apiVersion: knsim.dev/v1alpha1
kind: Scenario
seed: 2
duration: 30s
manifests:
${shopWeb(2)}  - apiVersion: networking.k8s.io/v1
    kind: Ingress
    metadata: { name: web, namespace: shop }
    spec:
      rules:
        - host: shop.example
          http: { paths: [{ path: /, pathType: Prefix, backend: { service: { name: web, port: { number: 80 } } } }] }
traffic:
  workloads:
    - name: browsers
      from: { external: { ips: [203.0.113.20] } }
      to: 198.51.100.1:80
      http: { host: shop.example, path: /cart }
      arrival: { constant: { rate: 20 } }
      start: 10s
`;
    const result = await run('run', scenarioFile(text), '--json');
    expect(result.code).toBe(0);
    const report = JSON.parse(result.out) as {
      workloads: { service: string | null; successRatio: number; backends: Record<string, unknown> }[];
      services: { service: string; workloads: string[] }[];
    };
    expect(report.workloads[0]).toMatchObject({ service: 'shop/web', successRatio: 1 });
    expect(Object.keys(report.workloads[0]?.backends ?? {}).every((pod) => pod.startsWith('shop/web-'))).toBe(
      true,
    );
    expect(report.services).toMatchObject([{ service: 'shop/web', workloads: ['browsers'] }]);
  });
});

describe('knsim sweep', () => {
  it('runs the cross product of seeds and settings; shards merge to the same rows as one sweep', async () => {
    const file = scenarioFile();
    const dir = mkdtempSync(join(tmpdir(), 'knsim-sweep-'));
    const args = ['sweep', file, '--seeds', '1..3', '--set', 'proxy.mode=iptables,ipvs', '--workers', '1'];
    const whole = await run(...args, '--out', join(dir, 'all'));
    expect(whole.code).toBe(0);
    expect(whole.out).toMatch(/proxy\.mode=iptables: \d\/3 passed/);
    expect(whole.out).toMatch(/load\.successRatio +0\.\d+ ± 0\.\d+ \(95% CI, n=3\)/);
    for (const shard of ['0/2', '1/2']) {
      const part = await run(...args, '--shard', shard, '--out', join(dir, shard.replace('/', '-')));
      expect(part.code).toBe(0);
    }
    const merged = await run(
      'sweep',
      '--merge',
      join(dir, '0-2'),
      join(dir, '1-2'),
      '--out',
      join(dir, 'merged'),
    );
    expect(merged.code).toBe(0);
    const rows = (name: string) =>
      (JSON.parse(readFileSync(join(dir, name, 'runs.json'), 'utf8')) as { rows: unknown[] }).rows;
    expect(rows('merged')).toEqual(rows('all'));
    expect(rows('all')).toHaveLength(6);
    const missing = await run('sweep', '--merge', join(dir, '0-2'));
    expect(missing.code).toBe(2);
    expect(missing.err).toMatch(/the shards miss 3 of 6 runs/);
  });

  it('refuses bad seeds, shards and settings before running anything', async () => {
    const file = scenarioFile();
    expect((await run('sweep', file, '--seeds', '5..1')).code).toBe(2);
    expect((await run('sweep', file, '--shard', '3/3')).code).toBe(2);
    const bad = await run('sweep', file, '--set', 'proxy.mode=iptables,warp');
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/warp/);
  });
});
