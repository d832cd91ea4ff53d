import { parseManifests } from '@knsim/api';
import { describe, expect, it } from 'vitest';
import { deriveWorkloadPeers } from '../src/index.js';

const MANIFESTS = `
apiVersion: apps/v1
kind: Deployment
metadata: { name: web, namespace: shop }
spec:
  replicas: 3
  selector: { matchLabels: { app: web } }
  template:
    metadata: { labels: { app: web } }
    spec:
      initContainers: [{ name: init, image: x, ports: [{ containerPort: 9999 }] }]
      containers: [{ name: web, image: x, ports: [{ name: http, containerPort: 8080 }, { containerPort: 53, protocol: UDP }] }]
---
apiVersion: batch/v1
kind: CronJob
metadata: { name: nightly, namespace: shop }
spec:
  schedule: "0 0 * * *"
  jobTemplate:
    spec:
      template:
        metadata: { labels: { app: nightly } }
        spec: { restartPolicy: Never, containers: [{ name: job, image: x }] }
---
apiVersion: v1
kind: Pod
metadata:
  name: web-abc-1
  namespace: shop
  labels: { app: web }
  ownerReferences: [{ apiVersion: apps/v1, kind: ReplicaSet, name: web-abc, uid: u1, controller: true }]
spec: { containers: [{ name: web, image: x }] }
status: { podIP: 10.0.0.5, podIPs: [{ ip: 10.0.0.5 }] }
---
apiVersion: v1
kind: Pod
metadata:
  name: web-abc-2
  namespace: shop
  labels: { app: web, extra: "1" }
  ownerReferences: [{ apiVersion: apps/v1, kind: ReplicaSet, name: web-abc, uid: u1, controller: true }]
spec: { containers: [{ name: web, image: x }] }
---
apiVersion: v1
kind: Pod
metadata:
  name: etcd-node1
  namespace: kube-system
  ownerReferences: [{ apiVersion: v1, kind: Node, name: node1, uid: u2, controller: true }]
spec: { containers: [{ name: etcd, image: x }] }
---
apiVersion: v1
kind: Pod
metadata: { name: toolbox }
spec: { containers: [{ name: t, image: x }] }
`;

describe('deriveWorkloadPeers', () => {
  const objects = parseManifests(MANIFESTS, 'test.yaml', { strict: false }).objects;

  it('given workloads and pods, then each workload is one endpoint named namespace/name[Kind], sorted', () => {
    expect(deriveWorkloadPeers(objects).map((peer) => peer.key)).toEqual([
      'default/toolbox[Pod]',
      'kube-system/etcd-node1[Pod]',
      'shop/nightly[CronJob]',
      'shop/web-abc[ReplicaSet]',
      'shop/web[Deployment]',
    ]);
  });

  it("given a template, then the pod has its labels and its app containers' ports (protocol defaulted)", () => {
    const web = deriveWorkloadPeers(objects).find((peer) => peer.key === 'shop/web[Deployment]');
    expect(web?.pod.labels).toEqual({ app: 'web' });
    expect(web?.pod.containerPorts).toEqual([
      { name: 'http', containerPort: 8080, protocol: 'TCP' },
      { containerPort: 53, protocol: 'UDP' },
    ]);
  });

  it('given pods of one owner, then the first loaded represents them', () => {
    const replicaSet = deriveWorkloadPeers(objects).find((peer) => peer.key === 'shop/web-abc[ReplicaSet]');
    expect(replicaSet?.pod.labels).toEqual({ app: 'web' });
  });

  it('given podIpsFromStatus, then Pod objects keep their status IPs (and templates have none)', () => {
    expect(deriveWorkloadPeers(objects).every((peer) => peer.pod.ips.length === 0)).toBe(true);
    const withIps = deriveWorkloadPeers(objects, { podIpsFromStatus: true });
    expect(withIps.find((peer) => peer.key === 'shop/web-abc[ReplicaSet]')?.pod.ips).toEqual(['10.0.0.5']);
  });
});
