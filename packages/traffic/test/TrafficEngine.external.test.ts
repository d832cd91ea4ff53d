import { describe, expect, it } from 'vitest';
import { parseManifests } from '@knsim/api';
import { SECOND } from '@knsim/core';
import { Cluster } from '@knsim/control-plane';
import { DataPlane } from '@knsim/kube-proxy';
import { resolveTraffic, TrafficEngine, TrafficMetrics } from '@knsim/traffic';

// One pod per node behind a Local LoadBalancer: each node's kube-proxy only sends to its own pod,
// so which pods serve an outside client tells which nodes the cloud balancer sent it to.
const manifests = `
apiVersion: apps/v1
kind: DaemonSet
metadata: { name: web, namespace: shop }
spec:
  selector: { matchLabels: { app: web } }
  template:
    metadata: { labels: { app: web } }
    spec: { containers: [{ name: web, image: nginx, ports: [{ name: http, containerPort: 8080 }] }] }
---
apiVersion: v1
kind: Service
metadata: { name: web, namespace: shop }
spec:
  type: LoadBalancer
  externalTrafficPolicy: Local
  selector: { app: web }
  ports: [{ name: http, port: 80, targetPort: http }]
`;

describe('TrafficEngine with outside clients', () => {
  it('opens each connection from a new source port, so a load balancer spreads one client address over its nodes', () => {
    const cluster = new Cluster({
      seed: 8,
      config: { nodes: 3 },
      manifests: parseManifests(manifests, 'm.yaml').objects,
    });
    const dataPlane = new DataPlane(cluster);
    cluster.converge();
    cluster.runFor(10 * SECOND);
    const lb = cluster.state.services.get('shop/web')?.service.status?.loadBalancer?.ingress?.[0]?.ip;
    const traffic = resolveTraffic({
      workloads: [
        {
          name: 'one-address',
          from: { external: { ips: ['203.0.113.9'] } },
          to: `${lb}:80`,
          arrival: { constant: { rate: 30 } },
          start: `${cluster.now}us`,
        },
      ],
      servers: [],
    });
    const metrics = new TrafficMetrics();
    new TrafficEngine({ cluster, dataPlane, metrics, ...traffic }).start();
    cluster.runFor(10 * SECOND);
    const summary = metrics.summary('one-address');
    expect(summary.successRatio).toBe(1);
    const served = Object.entries(summary.backends).filter(([, b]) => b.requests > 0);
    expect(served).toHaveLength(3);
  });
});
