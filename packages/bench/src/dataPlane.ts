import { HOUR, SECOND } from '@knsim/core';
import { Cluster } from '@knsim/control-plane';
import { DataPlane } from '@knsim/kube-proxy';
import { resolveTraffic, TrafficEngine, TrafficMetrics } from '@knsim/traffic';
import { controlPlaneObjects } from './controlPlane.js';
import { peakRssMiB, timeSeconds, type Measurement } from './harness.js';

/**
 * 100 nodes, 2,000 pods and 200 Services; every Deployment's pods call the next Service by its
 * ClusterIP with a new connection per request (keep-alive off), open loop, until 10^6 requests
 * (10^5 with --quick) have been sent. Reports simulated requests per wall second and compares it
 * with the kernel's bare-heap limit measured in the same process.
 */
export function dataPlaneBenchmarks(
  options: { quick: boolean },
  bareHeapEventsPerSecond: number | undefined,
): Measurement[] {
  const services = 200;
  const requests = options.quick ? 100_000 : 1_000_000;
  const simulated = 100; // seconds
  const cluster = new Cluster({
    seed: 1,
    config: { nodes: 100, zones: ['zone-a', 'zone-b'], dns: { enabled: false } },
    manifests: controlPlaneObjects({ deployments: services, replicas: 10, namespaces: 10 }),
    retainEvents: true,
  });
  const dataPlane = new DataPlane(cluster);
  if (!cluster.converge({ until: HOUR }).converged)
    throw new Error('data-plane benchmark: the cluster did not converge');
  cluster.runFor(10 * SECOND);
  const rate = requests / simulated / services;
  const start = cluster.now;
  const traffic = resolveTraffic({
    workloads: Array.from({ length: services }, (_, i) => ({
      name: `svc-${i}`,
      from: { pods: { namespace: `team-${i % 10}`, selector: `app=svc-${i}` } },
      to: `service/team-${(i + 1) % 10}/svc-${(i + 1) % services}:80`,
      arrival: { poisson: { rate } },
      start: `${start}us`,
      stop: `${start + simulated * SECOND}us`,
    })),
    servers: [{ serviceTime: { exponential: { mean: '2ms' } }, concurrency: 32 }],
  });
  // 10 s windows: 200 workloads x 110 windows of histograms stays small.
  const metrics = new TrafficMetrics({ window: 10 * SECOND });
  const engine = new TrafficEngine({ cluster, dataPlane, metrics, ...traffic });
  engine.start();
  const rssBefore = peakRssMiB();
  const seconds = timeSeconds(() => cluster.runFor((simulated + 10) * SECOND));
  let sent = 0;
  let ok = 0;
  for (const name of metrics.workloads()) {
    const summary = metrics.summary(name);
    sent += summary.requests;
    ok += summary.outcomes['ok'] ?? 0;
  }
  if (ok < sent * 0.99) throw new Error(`data-plane benchmark: only ${ok} of ${sent} requests succeeded`);
  const perSecond = sent / seconds;
  const label = `data-plane/100 nodes, 2000 pods, 200 Services, ${sent.toLocaleString('en-US')} requests, keep-alive off`;
  return [
    {
      name: `${label}: simulated requests`,
      unit: 'requests/s',
      value: perSecond,
      ...(bareHeapEventsPerSecond === undefined
        ? {}
        : { baseline: 'kernel bare-heap limit (events/s)', ratio: perSecond / bareHeapEventsPerSecond }),
      ...(options.quick ? {} : { target: '>= 500,000' }),
    },
    { name: `${label}: wall time`, unit: 's', value: seconds },
    { name: `${label}: peak RSS growth during traffic`, unit: 'MiB', value: peakRssMiB() - rssBefore },
  ];
}
