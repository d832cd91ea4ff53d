import { describe, expect, it } from 'vitest';
import { parseManifests } from '@knsim/api';
import { SECOND } from '@knsim/core';
import { Cluster, type ClusterConfigSpec } from '@knsim/control-plane';
import { ClusterDns } from '@knsim/dns';
import { DataPlane } from '@knsim/kube-proxy';
import {
  resolveTraffic,
  TrafficEngine,
  TrafficMetrics,
  type ServerSpec,
  type WorkloadSpec,
} from '@knsim/traffic';

const manifests = (servers: number, clients: number) => `
apiVersion: apps/v1
kind: Deployment
metadata: { name: client, namespace: shop }
spec:
  replicas: ${clients}
  selector: { matchLabels: { app: client } }
  template:
    metadata: { labels: { app: client } }
    spec: { containers: [{ name: c, image: curl }] }
---
apiVersion: apps/v1
kind: Deployment
metadata: { name: web, namespace: shop }
spec:
  replicas: ${servers}
  selector: { matchLabels: { app: web } }
  template:
    metadata: { labels: { app: web } }
    spec: { containers: [{ name: web, image: nginx, ports: [{ name: http, containerPort: 8080 }] }] }
---
apiVersion: v1
kind: Service
metadata: { name: web, namespace: shop }
spec: { selector: { app: web }, ports: [{ port: 80, targetPort: http }] }
`;

function run(options: {
  seed: number;
  servers?: number;
  clients?: number;
  workload: Omit<WorkloadSpec, 'name' | 'from' | 'to'> & Partial<Pick<WorkloadSpec, 'to'>>;
  config?: ClusterConfigSpec;
  server?: ServerSpec;
  during?: (cluster: Cluster) => void;
  duration?: number;
}) {
  const cluster = new Cluster({
    seed: options.seed,
    config: { nodes: 4, ...options.config },
    manifests: parseManifests(manifests(options.servers ?? 3, options.clients ?? 2), 'm.yaml').objects,
  });
  const dataPlane = new DataPlane(cluster);
  const dns = new ClusterDns(cluster, {
    reach: (pod, ip, port, protocol) =>
      dataPlane.connect({ kind: 'pod', pod }, { ip, port, protocol }, { trace: false }).result,
  });
  cluster.converge();
  cluster.runFor(10 * SECOND);
  const start = cluster.now;
  const traffic = resolveTraffic({
    workloads: [
      {
        name: 'load',
        from: { pods: { namespace: 'shop', selector: 'app=client' } },
        to: 'web.shop:80',
        ...options.workload,
        start: `${start}us`,
      },
    ],
    servers: options.server === undefined ? [] : [options.server],
  });
  const metrics = new TrafficMetrics();
  const engine = new TrafficEngine({ cluster, dataPlane, dns, metrics, ...traffic });
  engine.start();
  options.during?.(cluster);
  cluster.runFor((options.duration ?? 10) * SECOND);
  return { cluster, metrics, summary: metrics.summary('load'), start };
}

describe('TrafficEngine', () => {
  it('sends Poisson traffic to a Service by DNS name: every request succeeds and the load spreads', () => {
    const { summary } = run({ seed: 1, workload: { arrival: { poisson: { rate: 300 } } } });
    expect(summary.requests).toBeGreaterThan(2500);
    expect(summary.requests).toBeLessThan(3500);
    expect(summary.successRatio).toBe(1);
    // ndots:5 makes a short name cost search-list queries before the answer.
    expect(summary.dnsQueries).toBeGreaterThan(0);
    expect(Object.keys(summary.backends)).toHaveLength(3);
    expect(summary.fairness.requests.jain).toBeGreaterThan(0.98);
    expect(summary.latency.p50!).toBeGreaterThan(1000);
    expect(summary.latency.p50!).toBeLessThan(20_000);
  });

  it('a slow pod raises the tail latency', () => {
    const fast = run({ seed: 2, workload: { arrival: { poisson: { rate: 200 } } } });
    const pods = Object.keys(fast.summary.backends);
    const slow = run({
      seed: 2,
      workload: { arrival: { poisson: { rate: 200 } } },
      server: { overrides: [{ pod: pods[0]!, serviceTime: '200ms' }] },
    });
    expect(slow.summary.latency.p99!).toBeGreaterThan(150_000);
    expect(fast.summary.latency.p99!).toBeLessThan(100_000);
  });

  it('a rollout with slow kube-proxy propagation fails requests sent to pods already gone (stale endpoints)', () => {
    const { summary, cluster } = run({
      seed: 3,
      config: { timings: { proxyPropagation: { uniform: { min: '1s', max: '4s' } } } },
      workload: { arrival: { poisson: { rate: 300 } }, timeout: '1s' },
      during: (c) => c.rollout('Deployment', 'shop', 'web'),
      duration: 30,
    });
    const failures = summary.requests - (summary.outcomes['ok'] ?? 0);
    expect(failures).toBeGreaterThan(0);
    expect(summary.outcomes['timeout'] ?? 0).toBeGreaterThan(0);
    expect(summary.successRatio).toBeGreaterThan(0.8);
    void cluster;
  });

  it('long-lived multiplexed connections leave about (1-1/k)^C of the pods idle (k = C = 10, averaged over seeds)', () => {
    let idle = 0;
    const seeds = 20;
    for (let seed = 1; seed <= seeds; seed++) {
      const { summary } = run({
        seed,
        servers: 10,
        clients: 10,
        workload: { arrival: { poisson: { rate: 200 } }, connection: { mode: 'multiplexed' } },
        duration: 3,
      });
      const counts = Object.values(summary.backends).map((b) => b.requests);
      const missing = 10 - counts.filter((c) => c > 0).length;
      idle += missing / 10;
    }
    const average = idle / seeds;
    expect(average).toBeGreaterThan(0.349 - 0.1);
    expect(average).toBeLessThan(0.349 + 0.1);
  });

  it('a client-side balancer (per request, like gRPC or an Envoy sidecar) keeps every pod busy over multiplexed connections', () => {
    const { summary } = run({
      seed: 4,
      servers: 10,
      clients: 10,
      workload: {
        arrival: { poisson: { rate: 500 } },
        connection: { mode: 'multiplexed' },
        clientBalancer: { policy: 'p2c' },
      },
      duration: 5,
    });
    const counts = Object.values(summary.backends).map((b) => b.requests);
    expect(counts).toHaveLength(10);
    expect(counts.every((c) => c > 0)).toBe(true);
    expect(summary.successRatio).toBe(1);
    expect(summary.fairness.requests.jain).toBeGreaterThan(0.95);
  });

  it('requests to an outside host cost its configured latency; NetworkPolicy denials end as denied', () => {
    const config: ClusterConfigSpec = {
      external: { endpoints: [{ name: 'partner', address: '203.0.113.7', ports: [443], latency: '20ms' }] },
    };
    const outside = run({
      seed: 4,
      config,
      workload: { to: '203.0.113.7:443', arrival: { constant: { rate: 50 } } },
    });
    expect(outside.summary.successRatio).toBe(1);
    expect(Object.keys(outside.summary.backends)).toEqual(['external/partner']);
    // Two round trips (set-up, then request and response) of 2 x 20 ms.
    expect(outside.summary.latency.p50!).toBeGreaterThanOrEqual(80_000);
    expect(outside.summary.latency.p50!).toBeLessThan(82_000);

    const denied = run({
      seed: 4,
      workload: { arrival: { constant: { rate: 50 } }, timeout: '1s' },
      during: (cluster) =>
        cluster.apply({
          apiVersion: 'networking.k8s.io/v1',
          kind: 'NetworkPolicy',
          metadata: { name: 'deny-all', namespace: 'shop' },
          spec: { podSelector: { matchLabels: { app: 'web' } } },
        }),
    });
    // Requests before the agents program the policy get through; the rest time out as denied.
    expect(denied.summary.outcomes['ok']).toBeGreaterThan(0);
    expect(denied.summary.outcomes['denied']).toBeGreaterThan(400);
    const seen = Object.entries(denied.summary.outcomes).filter(([, count]) => count > 0);
    expect(seen.map(([outcome]) => outcome).sort()).toEqual(['denied', 'ok']);
  });

  it('same seed, same metrics', () => {
    const a = run({ seed: 9, workload: { arrival: { poisson: { rate: 100 } } }, duration: 5 });
    const b = run({ seed: 9, workload: { arrival: { poisson: { rate: 100 } } }, duration: 5 });
    expect(JSON.stringify(a.summary)).toBe(JSON.stringify(b.summary));
    expect(a.cluster.sim.log.digest()).toBe(b.cluster.sim.log.digest());
  });
});

describe('TrafficEngine sampled requests', () => {
  it('say why a request failed: dead node, stale endpoint, no endpoints', () => {
    const { cluster } = run({
      seed: 11,
      config: { timings: { proxyPropagation: { uniform: { min: '2s', max: '3s' } } } },
      workload: { arrival: { poisson: { rate: 200 } }, timeout: '500ms', sample: 1 },
      during: (c) => {
        c.runFor(2 * SECOND);
        const pods = [...c.state.pods.values()].filter((p) => p.labels['app'] === 'web');
        const node = pods[0]!.nodeName!;
        c.crashNode(node);
        c.runFor(3 * SECOND);
        c.scale('Deployment', 'shop', 'web', 0);
      },
      duration: 50,
    });
    const sampled = cluster.sim.log.events.filter(
      (e) => e.type === ('RequestSampled' as never),
    ) as unknown as {
      outcome: string;
      reason: string | null;
    }[];
    const reasons = (outcome: string) => sampled.filter((e) => e.outcome === outcome).map((e) => e.reason);
    expect(reasons('ok').every((reason) => reason === null)).toBe(true);
    // Requests sent to the crashed node's pod get no answer; the reason says where they waited.
    expect(reasons('timeout')).toContainEqual(
      expect.stringMatching(/^no answer within 500ms: shop\/web-.*'s node node-\d+ is down$/),
    );
    // Pods deleted while the nodes' rules still list them: stale endpoints.
    expect(reasons('timeout')).toContainEqual(
      expect.stringMatching(/: no pod has 10\.244\.\d+\.\d+ \(stale endpoint/),
    );
    // Once every pod is gone and the nodes have caught up, kube-proxy rejects.
    expect(reasons('no_endpoints')).toContain('no endpoints (REJECT)');
    expect(sampled.filter((e) => e.outcome !== 'ok').every((e) => typeof e.reason === 'string')).toBe(true);
    // Client pods on the crashed node send nothing: no failure is blamed on the source.
    expect(sampled.some((e) => e.reason?.includes('source pod') === true)).toBe(false);
  });

  it('a request whose server dies mid-service and is served again elsewhere ends when the second service does', () => {
    const sampledOf = (cluster: Cluster) =>
      cluster.sim.log.events.filter((e) => e.type === ('RequestSampled' as never)) as unknown as {
        outcome: string;
        latency: number;
        pod: string;
      }[];
    const options = {
      seed: 21,
      servers: 2,
      clients: 1,
      workload: {
        arrival: { constant: { rate: 1 } },
        timeout: '2s',
        retries: { attempts: 3, backoff: '1ms' },
        sample: 1,
      },
      server: { serviceTime: '100ms' },
      duration: 1.5,
    } as const;
    // The same seed sends the first request (at 1 s) to the same pod until something differs.
    const [undisturbed] = sampledOf(run(options).cluster);
    expect(undisturbed?.latency).toBeLessThan(110_000);
    const victim = undisturbed!.pod;
    const { cluster } = run({
      ...options,
      during: (c) => {
        c.runFor(SECOND + 20_000);
        c.killPod('shop', victim.slice('shop/'.length));
      },
    });
    const [first] = sampledOf(cluster);
    // Reset 20 ms into its service, retried, served in full by the other pod: not ended early
    // when the first service would have ended.
    expect(first?.outcome).toBe('ok');
    expect(first?.pod).not.toBe(victim);
    expect(first?.latency).toBeGreaterThan(120_000);
  });

  it("spreads the workload's rate over the clients that can send: none from a crashed node", () => {
    const quiet = run({
      seed: 12,
      clients: 4,
      workload: { arrival: { constant: { rate: 100 } } },
      duration: 20,
    });
    const crashed = run({
      seed: 12,
      clients: 4,
      workload: { arrival: { constant: { rate: 100 } }, timeout: '1s' },
      during: (c) => {
        const client = [...c.state.pods.values()].find((p) => p.labels['app'] === 'client')!;
        c.crashNode(client.nodeName!);
      },
      duration: 20,
    });
    expect(crashed.summary.requests).toBe(quiet.summary.requests);
    // What fails is what was on the dead node (a server endpoint, a CoreDNS pod still listed for
    // a while): timeouts, never a refusal blamed on a dead client.
    for (const [outcome, count] of Object.entries(crashed.summary.outcomes))
      if (!['ok', 'timeout', 'dns_failure'].includes(outcome)) expect(count).toBe(0);
    expect(crashed.summary.successRatio).toBeGreaterThan(0.95);
  });
});
