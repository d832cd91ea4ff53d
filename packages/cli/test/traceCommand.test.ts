import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { webApp } from './support.js';
import { parseManifests } from '@knsim/api';
import { SECOND } from '@knsim/core';
import { Cluster } from '@knsim/control-plane';
import { DataPlane } from '@knsim/kube-proxy';
import { resolveTraffic, TrafficEngine, TrafficMetrics } from '@knsim/traffic';
import { bufferIo, main } from '@knsim/cli';
import { chromeTrace, type TraceEvent } from '../src/traceCommand.js';

const manifests = `${webApp()}---
apiVersion: v1
kind: Pod
metadata: { name: client, namespace: shop, labels: { app: client } }
spec: { nodeName: node-1, containers: [{ name: c, image: curl }] }
`;

function recordedRun(): Cluster {
  const cluster = new Cluster({
    seed: 2,
    config: { nodes: 3, dns: { enabled: false } },
    manifests: parseManifests(manifests, 'm.yaml').objects,
  });
  const dataPlane = new DataPlane(cluster);
  cluster.converge();
  cluster.runFor(5 * SECOND);
  const traffic = resolveTraffic({
    workloads: [
      {
        name: 'load',
        from: { pods: { namespace: 'shop', selector: 'app=client' } },
        to: 'service/shop/web:80',
        arrival: { constant: { rate: 20 } },
        start: `${cluster.now}us`,
        stop: `${cluster.now + 2 * SECOND}us`,
        sample: 1,
        timeout: '500ms',
      },
    ],
    servers: [],
  });
  new TrafficEngine({ cluster, dataPlane, metrics: new TrafficMetrics(), ...traffic }).start();
  cluster.runFor(SECOND);
  cluster.crashNode('node-3');
  cluster.runFor(2 * SECOND);
  return cluster;
}

describe('chromeTrace', () => {
  it('gives every node a process, every pod a track with its lifecycle, proxy syncs, faults and request flows', () => {
    const cluster = recordedRun();
    const trace = chromeTrace(cluster.sim.log.header, cluster.sim.log.events);
    const names = (ph: TraceEvent['ph'], name: string) =>
      trace.filter((e) => e.ph === ph && e.name === name).map((e) => e.args?.['name']);
    expect(names('M', 'process_name').sort()).toEqual([
      'cluster',
      'node node-1',
      'node node-2',
      'node node-3',
    ]);
    expect(names('M', 'thread_name')).toContain('shop/client');
    const lifecycle = trace.filter((e) => e.cat === 'pod').map((e) => e.name);
    expect(new Set(lifecycle)).toEqual(
      new Set(['Pending', 'ContainerCreating', 'Running (not ready)', 'Running (ready)']),
    );
    expect(trace.some((e) => e.cat === 'kube-proxy' && e.name.startsWith('kube-proxy sync shop/web v'))).toBe(
      true,
    );
    const crash = trace.find((e) => e.ph === 'i' && e.name === 'node crashed');
    expect(crash?.pid).toBe(trace.find((e) => e.args?.['name'] === 'node node-3')?.pid);
    const requests = trace.filter((e) => e.cat === 'request' && e.ph === 'X');
    expect(requests.length).toBeGreaterThan(20);
    // Requests to the crashed node's pod time out, and say so; successful ones carry no reason.
    expect(requests.map((e) => e.args?.['reason'])).toContainEqual(
      expect.stringMatching(/^no answer within 500ms: shop\/web-.*'s node node-3 is down$/),
    );
    for (const e of requests.filter((e) => e.name === 'load: ok')) expect(e.args?.['reason']).toBeUndefined();
    const starts = trace.filter((e) => e.ph === 's').length;
    expect(trace.filter((e) => e.ph === 'f')).toHaveLength(starts);
    expect(starts).toBeGreaterThan(0);
    for (const e of trace.filter((e) => e.ph === 'X')) expect(e.dur).toBeGreaterThanOrEqual(0);
  });
});

describe('knsim trace', () => {
  it('writes the trace JSON of a log to --out', async () => {
    const cluster = recordedRun();
    const dir = mkdtempSync(join(tmpdir(), 'knsim-trace-'));
    writeFileSync(join(dir, 'events.ndjson'), cluster.sim.log.toNdjson());
    const io = bufferIo();
    const code = await main(['trace', join(dir, 'events.ndjson'), '--out', join(dir, 'trace.json')], io);
    expect(code).toBe(0);
    const json = JSON.parse(readFileSync(join(dir, 'trace.json'), 'utf8')) as {
      traceEvents: TraceEvent[];
      otherData: { seed: string };
    };
    expect(json.otherData.seed).toBe('2');
    expect(json.traceEvents.length).toBeGreaterThan(100);
  });
});
