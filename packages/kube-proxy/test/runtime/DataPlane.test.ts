import { describe, expect, it } from 'vitest';
import { parseManifests } from '@knsim/api';
import { MILLISECOND, SECOND } from '@knsim/core';
import { Cluster, type ClusterConfigSpec } from '@knsim/control-plane';
import { DataPlane } from '../../src/runtime/DataPlane.js';

const manifests = (web: number, extra = '') => `
apiVersion: v1
kind: Pod
metadata: { name: client, namespace: shop, labels: { app: client } }
spec: { nodeName: node-1, containers: [{ name: c, image: curl }] }
---
apiVersion: apps/v1
kind: Deployment
metadata: { name: web, namespace: shop }
spec:
  replicas: ${web}
  selector: { matchLabels: { app: web } }
  template:
    metadata: { labels: { app: web } }
    spec: { containers: [{ name: web, image: nginx, ports: [{ name: http, containerPort: 8080 }] }] }
---
apiVersion: v1
kind: Service
metadata: { name: web, namespace: shop }
spec: { selector: { app: web }, ports: [{ port: 80, targetPort: http }]${extra} }
`;

function setup(web: number, extra = '', config: ClusterConfigSpec = { nodes: 3 }) {
  const cluster = new Cluster({
    seed: 3,
    config,
    manifests: parseManifests(manifests(web, extra), 'm.yaml').objects,
  });
  const dataPlane = new DataPlane(cluster);
  cluster.converge();
  cluster.runFor(10 * SECOND); // let every kube-proxy catch up
  const service = cluster.state.services.get('shop/web')!.service;
  return { cluster, dataPlane, clusterIP: service.spec.clusterIP!, service };
}

describe('DataPlane.connect', () => {
  it('connects a pod to a ClusterIP through its node kube-proxy, keeping the pod IP as source', () => {
    const { cluster, dataPlane, clusterIP } = setup(3);
    const result = dataPlane.connect(
      { kind: 'pod', pod: 'shop/client' },
      { ip: clusterIP, port: 80, protocol: 'TCP' },
    );
    expect(result.result).toBe('connected');
    expect(result.node).toBe('node-1');
    expect(result.service).toBe('shop/web');
    expect(result.candidates).toHaveLength(3);
    expect(result.backend?.port).toBe(8080);
    expect(result.backend?.pod).toMatch(/^shop\/web-/);
    expect(result.masqueraded).toBe(false);
    expect(result.sourceIPSeenByBackend).toBe(cluster.state.pods.get('shop/client')?.podIP);
  });

  it('refuses (REJECT) when the Service has no endpoints, and refuses an undeclared port on a pod', () => {
    const { cluster, dataPlane, clusterIP } = setup(0);
    expect(
      dataPlane.connect({ kind: 'pod', pod: 'shop/client' }, { ip: clusterIP, port: 80, protocol: 'TCP' }),
    ).toMatchObject({ result: 'refused', reason: 'no endpoints (REJECT)' });
    const web = setup(1);
    const pod = [...web.cluster.state.pods.values()].find((p) => p.key.startsWith('shop/web-'))!;
    expect(
      web.dataPlane.connect(
        { kind: 'pod', pod: 'shop/client' },
        { ip: pod.podIP!, port: 9999, protocol: 'TCP' },
      ).result,
    ).toBe('refused');
    void cluster;
  });

  it('drops NodePort traffic on a node without local endpoints under externalTrafficPolicy Local, and preserves the client IP', () => {
    const { cluster, dataPlane, service } = setup(1, ', type: NodePort, externalTrafficPolicy: Local');
    const nodePort = service.spec.ports![0]!.nodePort!;
    const podNode = [...cluster.state.pods.values()].find((p) => p.key.startsWith('shop/web-'))!.nodeName!;
    const other = [...cluster.state.nodes.values()].find((n) => n.name !== podNode)!;
    const here = cluster.state.nodes.get(podNode)!;
    expect(
      dataPlane.connect(
        { kind: 'external', ip: '198.18.0.5' },
        { ip: other.address, port: nodePort, protocol: 'TCP' },
      ),
    ).toMatchObject({ result: 'dropped' });
    const ok = dataPlane.connect(
      { kind: 'external', ip: '198.18.0.5' },
      { ip: here.address, port: nodePort, protocol: 'TCP' },
    );
    expect(ok).toMatchObject({
      result: 'connected',
      masqueraded: false,
      sourceIPSeenByBackend: '198.18.0.5',
    });
  });

  it('SNATs external NodePort traffic to the node under externalTrafficPolicy Cluster', () => {
    const { cluster, dataPlane, service } = setup(2, ', type: NodePort');
    const node = cluster.state.nodes.get('node-3')!;
    const result = dataPlane.connect(
      { kind: 'external' },
      { ip: node.address, port: service.spec.ports![0]!.nodePort!, protocol: 'TCP' },
    );
    expect(result).toMatchObject({
      result: 'connected',
      masqueraded: true,
      sourceIPSeenByBackend: node.address,
      node: 'node-3',
    });
  });

  it('keeps sending to a deleted pod until the node kube-proxy has caught up (stale endpoint)', () => {
    const { cluster, dataPlane, clusterIP } = setup(1, '', {
      nodes: 2,
      timings: { proxyPropagation: '2s' },
    });
    const pod = [...cluster.state.pods.values()].find((p) => p.key.startsWith('shop/web-'))!;
    cluster.delete('Pod', 'shop', pod.name);
    cluster.runFor(1500 * MILLISECOND); // the pod is gone (stopped after ~1 s), the rules are not updated yet
    const stale = dataPlane.connect(
      { kind: 'pod', pod: 'shop/client' },
      { ip: clusterIP, port: 80, protocol: 'TCP' },
    );
    expect(stale.candidates).toContain(`${pod.podIP}:8080`);
    cluster.converge();
    cluster.runFor(10 * SECOND);
    const fresh = dataPlane.connect(
      { kind: 'pod', pod: 'shop/client' },
      { ip: clusterIP, port: 80, protocol: 'TCP' },
    );
    expect(fresh.candidates).not.toContain(`${pod.podIP}:8080`);
    expect(fresh.result).toBe('connected');
  });

  it('pins a client to one backend with sessionAffinity ClientIP', () => {
    const { dataPlane, clusterIP } = setup(5, ', sessionAffinity: ClientIP');
    const backends = new Set(
      Array.from(
        { length: 20 },
        () =>
          dataPlane.connect({ kind: 'pod', pod: 'shop/client' }, { ip: clusterIP, port: 80, protocol: 'TCP' })
            .backend?.ip,
      ),
    );
    expect(backends.size).toBe(1);
  });

  it('IPVS mh: a deleted endpoint with open connections drains at weight 0, keeping its table slots (connections hashing there are refused) until the periodic check deletes it', () => {
    const { cluster, dataPlane, clusterIP } = setup(3, '', {
      nodes: 3,
      proxy: { mode: 'ipvs', ipvs: { scheduler: 'mh' } },
    });
    const connectFrom = (sourcePort: number) =>
      dataPlane.connect(
        { kind: 'pod', pod: 'shop/client' },
        { ip: clusterIP, port: 80, protocol: 'TCP', sourcePort },
      );
    const ports = Array.from({ length: 300 }, (_, i) => 20_000 + i);
    const before = ports.map(connectFrom);
    expect(before.every((r) => r.result === 'connected')).toBe(true);
    // Scale down (no replacement pod joins the table): the removed pod's connections stay open.
    const webPods = () => [...cluster.state.pods.keys()].filter((key) => key.startsWith('shop/web-'));
    const all = webPods();
    cluster.scale('Deployment', 'shop', 'web', 2);
    cluster.converge();
    const victimPod = all.find((key) => !webPods().includes(key))!;
    const held = before.filter((r) => r.backend?.pod === victimPod);
    for (const r of before) if (r.backend?.pod !== victimPod) r.release?.(cluster.now, 0, true);
    cluster.runFor(10 * SECOND);
    const draining = ports.map(connectFrom);
    ports.forEach((_, i) => {
      const was = before[i]!;
      const now = draining[i]!;
      if (was.backend?.pod === victimPod) {
        expect(now).toMatchObject({ result: 'refused', reason: 'no endpoint could be picked' });
      } else {
        // Maglev keeps every other flow where it was.
        expect(now.result).toBe('connected');
        expect(now.backend?.pod).toBe(was.backend?.pod);
      }
      now.release?.(cluster.now, 0, true);
    });
    expect(held.length).toBeGreaterThan(50);

    // The held connections end; after IPVS's inactive timeout (120 s) and the next 1-minute check
    // the real server is deleted and the table is rebuilt over the two remaining endpoints.
    for (const r of held) r.release?.(cluster.now, 0, true);
    cluster.runFor(200 * SECOND);
    connectFrom(1).release?.(cluster.now, 0, true); // the first connection after the check
    const after = ports.map(connectFrom);
    expect(after.every((r) => r.result === 'connected' && r.backend?.pod !== victimPod)).toBe(true);
  });

  it('in iptables mode a deleted endpoint simply leaves the rules: no connection is refused', () => {
    const { cluster, dataPlane, clusterIP } = setup(3);
    const held = dataPlane.connect(
      { kind: 'pod', pod: 'shop/client' },
      { ip: clusterIP, port: 80, protocol: 'TCP' },
    );
    const [namespace, name] = held.backend!.pod!.split('/') as [string, string];
    cluster.delete('Pod', namespace, name);
    cluster.converge();
    cluster.runFor(10 * SECOND);
    const results = Array.from({ length: 100 }, () =>
      dataPlane.connect({ kind: 'pod', pod: 'shop/client' }, { ip: clusterIP, port: 80, protocol: 'TCP' }),
    );
    expect(results.every((r) => r.result === 'connected' && r.backend?.pod !== held.backend?.pod)).toBe(true);
  });

  it('spreads connections over every backend in iptables mode', () => {
    const { dataPlane, clusterIP } = setup(4);
    const backends = new Set(
      Array.from(
        { length: 200 },
        () =>
          dataPlane.connect({ kind: 'pod', pod: 'shop/client' }, { ip: clusterIP, port: 80, protocol: 'TCP' })
            .backend?.ip,
      ),
    );
    expect(backends.size).toBe(4);
  });
});
