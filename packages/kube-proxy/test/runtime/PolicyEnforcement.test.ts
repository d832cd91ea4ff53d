import { describe, expect, it } from 'vitest';
import { parseManifests, type KubeObject } from '@knsim/api';
import { SECOND } from '@knsim/core';
import { Cluster, type ClusterConfigSpec } from '@knsim/control-plane';
import { DataPlane } from '../../src/runtime/DataPlane.js';

const workloads = `
apiVersion: v1
kind: Namespace
metadata: { name: shop, labels: { team: shop } }
---
apiVersion: v1
kind: Namespace
metadata: { name: ops, labels: { team: ops } }
---
apiVersion: v1
kind: Pod
metadata: { name: client, namespace: shop, labels: { app: client } }
spec: { nodeName: node-1, containers: [{ name: c, image: curl }] }
---
apiVersion: v1
kind: Pod
metadata: { name: probe, namespace: ops, labels: { app: probe } }
spec: { nodeName: node-1, containers: [{ name: c, image: curl }] }
---
apiVersion: apps/v1
kind: Deployment
metadata: { name: web, namespace: shop }
spec:
  replicas: 2
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

const denyIngress = `
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: { name: default-deny, namespace: shop }
spec: { podSelector: {} }
`;

const allowFromClient = `
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: { name: web-from-client, namespace: shop }
spec:
  podSelector: { matchLabels: { app: web } }
  ingress: [{ from: [{ podSelector: { matchLabels: { app: client } } }], ports: [{ port: http }] }]
`;

function objects(yaml: string): KubeObject[] {
  return [...parseManifests(yaml, 'm.yaml').objects];
}

function setup(extra = '', config: ClusterConfigSpec = { nodes: 3 }) {
  const cluster = new Cluster({ seed: 5, config, manifests: objects(workloads + '---\n' + extra) });
  const dataPlane = new DataPlane(cluster);
  cluster.converge();
  cluster.runFor(10 * SECOND); // every kube-proxy and policy agent has caught up
  const clusterIP = cluster.state.services.get('shop/web')!.service.spec.clusterIP!;
  const webPod = [...cluster.state.pods.values()].find((pod) => pod.labels['app'] === 'web')!;
  return { cluster, dataPlane, clusterIP, webPod };
}

const fromPod = (pod: string) => ({ kind: 'pod' as const, pod });

describe('NetworkPolicy in the data plane', () => {
  it('given no policy, when a pod connects to another, then it connects and no policy is named', () => {
    const { dataPlane, webPod } = setup();
    const result = dataPlane.connect(fromPod('ops/probe'), {
      ip: webPod.podIP!,
      port: 8080,
      protocol: 'TCP',
    });
    expect(result.result).toBe('connected');
    expect(result.policies).toEqual([]);
  });

  it('given a default-deny ingress policy, when a pod connects, then the connection is denied and the policy named', () => {
    const { dataPlane, webPod } = setup(denyIngress);
    const result = dataPlane.connect(fromPod('ops/probe'), {
      ip: webPod.podIP!,
      port: 8080,
      protocol: 'TCP',
    });
    expect(result.result).toBe('denied');
    expect(result.policies).toEqual(['shop/default-deny']);
    expect(result.reason).toMatch(/^denied by policy: /);
    expect(result.hops.at(-1)).toMatch(/network policy on node-\d: DROP \(shop\/default-deny\)/);
  });

  it('judges a connection to a ClusterIP by the backend pod after DNAT, and names the admitting policy', () => {
    const { dataPlane, clusterIP } = setup(denyIngress + '---\n' + allowFromClient);
    const allowed = dataPlane.connect(fromPod('shop/client'), { ip: clusterIP, port: 80, protocol: 'TCP' });
    expect(allowed.result).toBe('connected');
    expect(allowed.policies).toEqual(['shop/web-from-client']);
    const denied = dataPlane.connect(fromPod('ops/probe'), { ip: clusterIP, port: 80, protocol: 'TCP' });
    expect(denied.result).toBe('denied');
    expect(denied.service).toBe('shop/web');
    expect(denied.policies).toEqual(['shop/default-deny', 'shop/web-from-client']);
  });

  it('always admits traffic from the pod’s own node (kubelet probes)', () => {
    const { dataPlane, webPod } = setup(denyIngress);
    const own = dataPlane.connect(
      { kind: 'node', node: webPod.nodeName! },
      { ip: webPod.podIP!, port: 8080, protocol: 'TCP' },
    );
    expect(own.result).toBe('connected');
    const other = ['node-1', 'node-2', 'node-3'].find((node) => node !== webPod.nodeName)!;
    const foreign = dataPlane.connect(
      { kind: 'node', node: other },
      { ip: webPod.podIP!, port: 8080, protocol: 'TCP' },
    );
    expect(foreign.result).toBe('denied');
  });

  it('enforces a new policy only after the node’s agent programs it', () => {
    const { cluster, dataPlane, webPod } = setup();
    const target = { ip: webPod.podIP!, port: 8080, protocol: 'TCP' as const };
    cluster.apply(objects(denyIngress)[0]!);
    expect(dataPlane.connect(fromPod('ops/probe'), target).result).toBe('connected');
    cluster.runFor(6 * SECOND); // beyond the 5 s cap of the default enforcement delay
    expect(dataPlane.connect(fromPod('ops/probe'), target).result).toBe('denied');
  });

  it('keeps a partitioned node enforcing what it had when it was cut off, until it heals', () => {
    const { cluster, dataPlane, webPod } = setup();
    // A client on the web pod's own node: the partition does not stand between them.
    cluster.apply({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'neighbour', namespace: 'ops', labels: { app: 'neighbour' } },
      spec: { nodeName: webPod.nodeName!, containers: [{ name: 'c', image: 'curl' }] },
    });
    cluster.runFor(10 * SECOND);
    const target = { ip: webPod.podIP!, port: 8080, protocol: 'TCP' as const };
    cluster.partitionNode(webPod.nodeName!);
    cluster.apply(objects(denyIngress)[0]!);
    cluster.runFor(10 * SECOND);
    expect(dataPlane.connect(fromPod('ops/neighbour'), target).result).toBe('connected');
    cluster.recoverNode(webPod.nodeName!);
    cluster.runFor(10 * SECOND);
    expect(dataPlane.connect(fromPod('ops/neighbour'), target).result).toBe('denied');
  });

  it('leaves a new pod unprotected until its node has heard of it', () => {
    // A slow agent (3 s) against a pod whose containers start in about 1.4 s.
    const { cluster, dataPlane } = setup(denyIngress, { nodes: 3, timings: { policyEnforcement: '3s' } });
    cluster.scale('Deployment', 'shop', 'web', 3);
    let unprotected = false;
    let protectedLater = false;
    const seen = new Set<string>();
    for (let step = 0; step < 200 && !protectedLater; step++) {
      cluster.runFor(SECOND / 20);
      for (const pod of cluster.state.pods.values()) {
        if (pod.labels['app'] !== 'web' || pod.podIP === undefined || !pod.containersRunning) continue;
        const result = dataPlane.connect(fromPod('ops/probe'), {
          ip: pod.podIP,
          port: 8080,
          protocol: 'TCP',
        });
        if (!seen.has(pod.key) && result.result === 'connected') unprotected = true;
        seen.add(pod.key);
        if (unprotected && result.result === 'denied' && pod.createdAt > 10 * SECOND) protectedLater = true;
      }
    }
    expect(unprotected).toBe(true);
    expect(protectedLater).toBe(true);
  });

  it('applies egress policy to traffic leaving the cluster and to the API server', () => {
    const denyEgress = `
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: { name: egress-to-partner-only, namespace: ops }
spec:
  podSelector: {}
  policyTypes: [Egress]
  egress: [{ to: [{ ipBlock: { cidr: 203.0.113.0/24 } }], ports: [{ port: 443 }] }]
`;
    const { dataPlane } = setup(denyEgress, {
      nodes: 3,
      external: {
        endpoints: [
          { name: 'partner-api', address: '203.0.113.0/24', ports: [443] },
          { name: 'legacy', address: '192.0.2.9', behaviour: 'refuse' },
        ],
      },
    });
    const partner = dataPlane.connect(fromPod('ops/probe'), {
      ip: '203.0.113.7',
      port: 443,
      protocol: 'TCP',
    });
    expect(partner.result).toBe('connected');
    expect(partner.policies).toEqual(['ops/egress-to-partner-only']);
    expect(
      dataPlane.connect(fromPod('ops/probe'), { ip: '192.0.2.9', port: 80, protocol: 'TCP' }).result,
    ).toBe('denied');
    expect(
      dataPlane.connect(fromPod('shop/client'), { ip: '192.0.2.9', port: 80, protocol: 'TCP' }).result,
    ).toBe('refused');
    const kubernetes = dataPlane.connect(fromPod('ops/probe'), {
      ip: '10.96.0.1',
      port: 443,
      protocol: 'TCP',
    });
    expect(kubernetes.result).toBe('denied');
  });

  it('reaches configured external hosts with the pod masqueraded to its node address', () => {
    const { cluster, dataPlane } = setup('', {
      nodes: 3,
      external: {
        endpoints: [
          { address: '203.0.113.7', ports: [443] },
          { address: '198.18.0.0/15', behaviour: 'timeout' },
        ],
      },
    });
    const result = dataPlane.connect(fromPod('shop/client'), {
      ip: '203.0.113.7',
      port: 443,
      protocol: 'TCP',
    });
    expect(result.result).toBe('connected');
    expect(result.backend).toEqual({ ip: '203.0.113.7', port: 443, pod: null });
    expect(result.sourceIPSeenByBackend).toBe(cluster.state.nodes.get('node-1')!.address);
    expect(
      dataPlane.connect(fromPod('shop/client'), { ip: '203.0.113.7', port: 80, protocol: 'TCP' }),
    ).toMatchObject({ result: 'refused', reason: '203.0.113.7 does not listen on 80' });
    expect(
      dataPlane.connect(fromPod('shop/client'), { ip: '192.0.2.200', port: 80, protocol: 'TCP' }).reason,
    ).toMatch(/no route to 192\.0\.2\.200 outside the cluster/);
    expect(
      dataPlane.connect(fromPod('shop/client'), { ip: '198.19.4.4', port: 80, protocol: 'TCP' }).result,
    ).toBe('timeout');
  });

  it('gives cached routes the same verdicts as fresh connections, across an enforcement delay', () => {
    const { cluster, dataPlane, clusterIP } = setup(allowFromClient);
    const route = dataPlane.route(fromPod('ops/probe'), { ip: clusterIP, port: 80, protocol: 'TCP' });
    expect(route.connect().result).toBe('denied'); // web-from-client isolates web pods
    cluster.apply({
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: { name: 'web-from-ops', namespace: 'shop' },
      spec: {
        podSelector: { matchLabels: { app: 'web' } },
        ingress: [{ from: [{ namespaceSelector: { matchLabels: { team: 'ops' } } }] }],
      },
    });
    for (let step = 0; step < 120; step++) {
      cluster.runFor(SECOND / 20);
      const fresh = dataPlane.connect(
        fromPod('ops/probe'),
        { ip: clusterIP, port: 80, protocol: 'TCP' },
        { trace: false },
      );
      const cached = route.connect();
      // Both pick from the same kube-proxy, so compare verdicts on the backend each one reached.
      if (fresh.backend?.pod === cached.backend?.pod) expect(cached.result).toBe(fresh.result);
    }
    expect(route.connect().result).toBe('connected');
  });
});
