import { describe, expect, it } from 'vitest';
import { parseManifests } from '@knsim/api';
import { SECOND } from '@knsim/core';
import { Cluster } from '@knsim/control-plane';
import { DataPlane } from '@knsim/kube-proxy';
import { resolveTraffic, TrafficEngine, TrafficMetrics, type WorkloadSpec } from '@knsim/traffic';

const manifests = `
apiVersion: apps/v1
kind: Deployment
metadata: { name: api, namespace: shop }
spec:
  replicas: 3
  selector: { matchLabels: { app: api } }
  template:
    metadata: { labels: { app: api } }
    spec: { containers: [{ name: api, image: api, ports: [{ name: http, containerPort: 8080 }] }] }
---
apiVersion: v1
kind: Service
metadata: { name: api, namespace: shop }
spec: { selector: { app: api }, ports: [{ name: http, port: 80, targetPort: http }] }
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: { name: shop, namespace: shop }
spec:
  rules:
    - host: shop.example
      http:
        paths: [{ path: /api, pathType: Prefix, backend: { service: { name: api, port: { number: 80 } } } }]
`;

function run(
  workloads: Omit<WorkloadSpec, 'from' | 'to' | 'arrival'>[],
  before?: (cluster: Cluster) => void,
) {
  const cluster = new Cluster({
    seed: 3,
    config: { nodes: 3 },
    manifests: parseManifests(manifests, 'm.yaml').objects,
  });
  const dataPlane = new DataPlane(cluster);
  cluster.converge();
  before?.(cluster);
  cluster.runFor(10 * SECOND);
  const lb = cluster.state.services.get('ingress-nginx/ingress-nginx-controller')?.service.status
    ?.loadBalancer?.ingress?.[0]?.ip;
  expect(lb).toBeDefined();
  const traffic = resolveTraffic({
    workloads: workloads.map((w) => ({
      from: { external: { ips: ['203.0.113.7', '203.0.113.8'] } },
      to: `${lb}:80`,
      arrival: { constant: { rate: 50 } },
      start: `${cluster.now}us`,
      ...w,
    })),
    servers: [],
  });
  const metrics = new TrafficMetrics();
  new TrafficEngine({ cluster, dataPlane, metrics, ...traffic }).start();
  cluster.runFor(10 * SECOND);
  return metrics;
}

describe('TrafficEngine through the Ingress controller', () => {
  it('routes by host and path to the Service’s pods, counting them (not the controller) as backends', () => {
    const metrics = run([{ name: 'api', http: { host: 'shop.example', path: '/api/cart' } }]);
    const summary = metrics.summary('api');
    expect(summary.requests).toBeGreaterThan(450);
    expect(summary.successRatio).toBe(1);
    expect(Object.keys(summary.backends).every((pod) => pod.startsWith('shop/api-'))).toBe(true);
    expect(Object.keys(summary.backends)).toHaveLength(3);
    // ingress-nginx's round robin: an even spread.
    expect(summary.fairness.requests.jain).toBeGreaterThan(0.99);
    // Client -> load balancer -> controller -> pod and back: more than one plain round trip.
    expect(summary.latency.p50).toBeGreaterThan(2_000);
  });

  it('ends unmatched paths as http_404, and upstreams NetworkPolicy drops as http_504', () => {
    // The policy is in force before the controller opens any upstream connection (established
    // keep-alive connections would outlive it, as in a real cluster).
    const metrics = run(
      [
        { name: 'missing', http: { host: 'shop.example', path: '/nothing' } },
        { name: 'api', http: { host: 'shop.example', path: '/api' }, timeout: '10s' },
      ],
      (cluster) =>
        cluster.apply({
          apiVersion: 'networking.k8s.io/v1',
          kind: 'NetworkPolicy',
          metadata: { name: 'deny-all', namespace: 'shop' },
          spec: { podSelector: {} },
        }),
    );
    expect(metrics.summary('missing').outcomes['http_404']).toBe(metrics.summary('missing').requests);
    const api = metrics.summary('api').outcomes;
    expect(api['http_504']).toBeGreaterThan(300);
  });
});
