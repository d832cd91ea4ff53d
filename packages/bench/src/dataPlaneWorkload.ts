import type * as Core from '@knsim/core';
import type * as ControlPlane from '@knsim/control-plane';
import type * as KubeProxy from '@knsim/kube-proxy';
import type * as Traffic from '@knsim/traffic';
import type { controlPlaneObjects } from './controlPlane.js';

/** The modules of one knsim build the data-plane workload runs on (see `compare.ts`). */
export interface KnsimBuild {
  readonly core: Pick<typeof Core, 'HOUR' | 'SECOND'>;
  readonly controlPlane: Pick<typeof ControlPlane, 'Cluster'>;
  readonly kubeProxy: Pick<typeof KubeProxy, 'DataPlane'>;
  readonly traffic: Pick<typeof Traffic, 'resolveTraffic' | 'TrafficEngine' | 'TrafficMetrics'>;
  readonly controlPlaneObjects: typeof controlPlaneObjects;
}

/** The data-plane benchmark's cluster with its traffic started, ready to run. */
export interface DataPlaneWorkload {
  readonly cluster: ControlPlane.Cluster;
  readonly metrics: Traffic.TrafficMetrics;
  /** Simulated seconds of traffic, then 10 more for the last requests to end. */
  readonly simulatedSeconds: number;
  /** Requests sent and requests ended ok so far. */
  counts(): { sent: number; ok: number };
}

/**
 * 100 nodes, 2,000 pods and 200 Services; every Deployment's pods call the next Service by its
 * ClusterIP with a new connection per request (keep-alive off), open loop, `requests` in all over
 * 100 simulated seconds. Converged and started, not run.
 */
export function dataPlaneWorkload(build: KnsimBuild, requests: number): DataPlaneWorkload {
  const { HOUR, SECOND } = build.core;
  const services = 200;
  const simulated = 100; // seconds
  const cluster = new build.controlPlane.Cluster({
    seed: 1,
    config: { nodes: 100, zones: ['zone-a', 'zone-b'], dns: { enabled: false } },
    manifests: build.controlPlaneObjects({ deployments: services, replicas: 10, namespaces: 10 }),
    retainEvents: true,
  });
  const dataPlane = new build.kubeProxy.DataPlane(cluster);
  if (!cluster.converge({ until: HOUR }).converged)
    throw new Error('data-plane benchmark: the cluster did not converge');
  cluster.runFor(10 * SECOND);
  const rate = requests / simulated / services;
  const start = cluster.now;
  const traffic = build.traffic.resolveTraffic({
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
  const metrics = new build.traffic.TrafficMetrics({ window: 10 * SECOND });
  new build.traffic.TrafficEngine({ cluster, dataPlane, metrics, ...traffic }).start();
  return {
    cluster,
    metrics,
    simulatedSeconds: simulated + 10,
    counts: () => {
      let sent = 0;
      let ok = 0;
      for (const name of metrics.workloads()) {
        const summary = metrics.summary(name);
        sent += summary.requests;
        ok += summary.outcomes['ok'] ?? 0;
      }
      return { sent, ok };
    },
  };
}
