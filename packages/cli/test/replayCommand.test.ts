import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { run, webApp } from './support.js';

const manifests = webApp();

async function recordedLog(): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'knsim-replay-'));
  writeFileSync(join(dir, 'app.yaml'), manifests);
  const result = await run('cluster', '-f', join(dir, 'app.yaml'), '--out', join(dir, 'out'));
  expect(result.code).toBe(0);
  return join(dir, 'out', 'events.ndjson');
}

describe('knsim replay', () => {
  it('given a recorded run, when replayed to its end, then it shows the live state with proxy views and DNS records', async () => {
    const log = await recordedLog();
    const live = JSON.parse((await run('log', 'verify', log, '--json')).out) as { digest: string };
    // Past the last event: every kube-proxy has had time to program the final versions.
    const result = await run('replay', log, '--at', '10m', '--json');
    expect(result.code).toBe(0);
    const view = JSON.parse(result.out) as {
      digest: string;
      pods: { name: string; ip: string | null; ready: boolean }[];
      proxy: Record<string, { service: string; version: number; latest: number; endpoints: string[] }[]>;
      dns: string[];
    };
    expect(view.digest).toBe(live.digest);
    const web = view.pods.filter((pod) => pod.name.startsWith('web-'));
    expect(web.map((pod) => pod.ready)).toEqual([true, true]);
    for (const entries of Object.values(view.proxy)) {
      const entry = entries.find((e) => e.service === 'shop/web')!;
      expect(entry.version).toBe(entry.latest);
      expect(entry.endpoints).toEqual(web.map((pod) => `${pod.ip}:8080 (http)`).sort());
    }
    expect(view.dns.some((line) => /^web\.shop\.svc\.cluster\.local\. 30 A 10\./.test(line))).toBe(true);
  });

  it('shows the cluster at an earlier instant, and what changed between two instants', async () => {
    const log = await recordedLog();
    const early = JSON.parse((await run('replay', log, '--at', '0s', '--json')).out) as {
      at: number;
      pods: { phase: string }[];
    };
    expect(early.at).toBe(0);
    expect(early.pods.every((pod) => pod.phase === 'Pending')).toBe(true);
    const diff = await run('replay', log, '--diff', '0s', '1m');
    expect(diff.code).toBe(0);
    expect(diff.out).toMatch(/^\+ pod shop\/web-[a-z0-9-]+$/m);
    expect(diff.out).toMatch(/^~ node node-1: podCIDR null -> "10\.244\.0\.0\/24"/m);
    expect(diff.out).toMatch(/~ proxy node-\d shop\/web: version/);
  });

  it('refuses a broken log with its line number, and bad times, as user errors', async () => {
    const log = await recordedLog();
    const broken = join(mkdtempSync(join(tmpdir(), 'knsim-replay-')), 'broken.ndjson');
    const lines = readFileSync(log, 'utf8').split('\n');
    lines[3] = '{"seq": 99, "at": 0, "type": "Oops"}';
    writeFileSync(broken, lines.join('\n'));
    const result = await run('replay', broken);
    expect(result.code).toBe(2);
    expect(result.err).toMatch(/line 4/);
    expect((await run('replay', log, '--at', 'soon')).code).toBe(2);
    expect((await run('replay', log, '--diff', '1s')).code).toBe(2);
  });
});
