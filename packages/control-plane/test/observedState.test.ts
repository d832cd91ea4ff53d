import { describe, expect, it } from 'vitest';
import { ClusterApplyError } from '@knsim/control-plane';
import { CommandRejected } from '@knsim/core';
import { clusterWith, endpointsOf, podsOf } from './support.js';

// What `kubectl get nodes,pods,svc -o yaml` of a live cluster carries.
const dump = `
apiVersion: v1
kind: List
items:
  - apiVersion: v1
    kind: Node
    metadata: { name: worker-a, labels: { topology.kubernetes.io/zone: eu-1a } }
    spec: { podCIDR: 10.244.7.0/24, podCIDRs: [10.244.7.0/24] }
    status: { addresses: [{ type: InternalIP, address: 172.18.0.9 }] }
  - apiVersion: v1
    kind: Node
    metadata: { name: worker-b }
    spec: { podCIDR: 10.244.3.0/24 }
    status: { addresses: [{ type: InternalIP, address: 172.18.0.10 }] }
  - apiVersion: v1
    kind: Pod
    metadata: { name: web-1, namespace: shop, labels: { app: web } }
    spec: { nodeName: worker-a, containers: [{ name: web, image: nginx, ports: [{ containerPort: 80 }] }] }
    status: { phase: Running, podIP: 10.244.7.23, podIPs: [{ ip: 10.244.7.23 }] }
  - apiVersion: v1
    kind: Service
    metadata: { name: web, namespace: shop }
    spec: { type: LoadBalancer, clusterIP: 10.96.44.1, clusterIPs: [10.96.44.1], selector: { app: web }, ports: [{ port: 80, nodePort: 31080 }] }
    status: { loadBalancer: { ingress: [{ ip: 203.0.113.7 }] } }
`;

describe('manifests dumped from a live cluster', () => {
  it('keep the real addresses: node podCIDRs and IPs, pod IPs, ClusterIPs, NodePorts and load-balancer IPs', () => {
    const cluster = clusterWith(dump, {});
    cluster.converge();
    const nodes = [...cluster.state.nodes.values()].map((n) => [n.name, n.podCIDR, n.address, n.zone]).sort();
    expect(nodes).toEqual([
      ['worker-a', '10.244.7.0/24', '172.18.0.9', 'eu-1a'],
      ['worker-b', '10.244.3.0/24', '172.18.0.10', undefined],
    ]);
    expect(cluster.state.pods.get('shop/web-1')).toMatchObject({
      nodeName: 'worker-a',
      podIP: '10.244.7.23',
      ready: true,
    });
    const service = cluster.state.services.get('shop/web')?.service;
    expect(service?.spec.clusterIP).toBe('10.96.44.1');
    expect(service?.spec.ports?.[0]?.nodePort).toBe(31080);
    expect(service?.status?.loadBalancer?.ingress).toEqual([{ ip: '203.0.113.7' }]);
    expect(endpointsOf(cluster.state, 'shop/web')).toEqual(['10.244.7.23:ready']);
    // Without --nodes, the manifests' nodes are the cluster's only nodes.
    expect(cluster.state.nodes.size).toBe(2);
  });

  it('say why inconsistent addresses cannot be kept', () => {
    const bad = dump
      .replace('podCIDR: 10.244.3.0/24', 'podCIDR: 10.9.0.0/24')
      .replace('clusterIP: 10.96.44.1, clusterIPs: [10.96.44.1]', 'clusterIP: 192.168.0.1');
    let error: unknown;
    try {
      clusterWith(bad, {});
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ClusterApplyError);
    expect((error as Error).message).toMatch(
      /Node worker-b: spec\.podCIDR 10\.9\.0\.0\/24: cidr 10\.9\.0\.0\/24 is out the range of cluster cidr 10\.244\.0\.0\/16/,
    );
    expect((error as Error).message).toMatch(/Service shop\/web: .*192\.168\.0\.1 is not in the valid range/);
  });

  it('a pod IP outside its node range is not kept: the node allocates one', () => {
    const cluster = clusterWith(
      dump.replace('podIP: 10.244.7.23, podIPs: [{ ip: 10.244.7.23 }]', 'podIP: 10.1.1.1'),
      {},
    );
    cluster.converge();
    expect(cluster.state.pods.get('shop/web-1')?.podIP).toBe('10.244.7.2');
  });
});

describe('patch', () => {
  it('relabelling a pod moves it out of a Service; an invalid patch is refused with its field path', () => {
    const cluster = clusterWith(dump, {});
    cluster.converge();
    cluster.patch('Pod', 'shop', 'web-1', { metadata: { labels: { app: 'other' } } });
    cluster.converge();
    expect(endpointsOf(cluster.state, 'shop/web')).toEqual([]);
    expect(() => cluster.patch('Service', 'shop', 'web', { spec: { ports: [{ port: 70000 }] } })).toThrow(
      CommandRejected,
    );
    expect(() => cluster.patch('Service', 'shop', 'web', { spec: { ports: [{ port: 70000 }] } })).toThrow(
      /spec\.ports\[0\]\.port/,
    );
    expect(() => cluster.patch('Service', 'shop', 'nope', { spec: {} })).toThrow(/services "nope" not found/);
    expect(() =>
      cluster.patch('Pod', 'shop', 'web-1', { spec: { containers: [{ name: 'x', image: 'y' }] } }),
    ).toThrow(/pod updates may not change fields/);
  });

  it('patching a node label makes a pending pod with a nodeSelector schedulable', () => {
    const cluster = clusterWith(`
apiVersion: v1
kind: Pod
metadata: { name: gpu-job }
spec: { nodeSelector: { gpu: "true" }, containers: [{ name: c, image: i }] }
`);
    cluster.converge();
    expect(cluster.state.pods.get('default/gpu-job')?.nodeName).toBeUndefined();
    cluster.patch('Node', undefined, 'node-2', { metadata: { labels: { gpu: 'true' } } });
    cluster.converge();
    expect(podsOf(cluster.state, 'default/gpu-job')[0]?.nodeName).toBe('node-2');
  });
});
