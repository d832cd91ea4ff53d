import { parseManifests } from '@knsim/api';
import { describe, expect, it } from 'vitest';
import { deriveWorkloadPeers, ingressControllerTargets } from '../src/index.js';

const BASE = `
apiVersion: apps/v1
kind: Deployment
metadata: { name: web, namespace: shop }
spec:
  selector: { matchLabels: { app: web } }
  template:
    metadata: { labels: { app: web } }
    spec:
      containers: [{ name: web, image: x, ports: [{ name: http, containerPort: 8080 }, { name: admin, containerPort: 9090 }, { name: q, containerPort: 5000, protocol: UDP }] }]
---
apiVersion: v1
kind: Service
metadata: { name: web, namespace: shop }
spec:
  selector: { app: web }
  ports: [{ name: http, port: 80, targetPort: http }, { name: admin, port: 90, targetPort: 9090 }, { name: udp, port: 70, targetPort: q }, { name: missing, port: 60, targetPort: 6000 }]
`;

function targets(ingress: string): string[] {
  const objects = parseManifests(`${BASE}---\n${ingress}`, 'test.yaml', { strict: false }).objects;
  return ingressControllerTargets(objects, deriveWorkloadPeers(objects)).map(
    (target) => `${target.peer.key} ${target.connections.toString()}`,
  );
}

const ingress = (backend: string) => `
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: { name: web, namespace: shop }
spec:
  rules:
    - http:
        paths: [{ path: /, pathType: Prefix, backend: { service: { name: web, port: ${backend} } } }]
`;

describe('ingressControllerTargets', () => {
  it('given a backend naming a Service port, then its named target port resolves on the pod', () => {
    expect(targets(ingress('{ name: http }'))).toEqual(['shop/web[Deployment] TCP 8080']);
  });

  it('given a backend port number, then the Service port with that number is used', () => {
    expect(targets(ingress('{ number: 90 }'))).toEqual(['shop/web[Deployment] TCP 9090']);
  });

  it('given a UDP container port or a port the pod does not declare, then nothing is routed', () => {
    expect(targets(ingress('{ name: udp }'))).toEqual([]);
    expect(targets(ingress('{ number: 60 }'))).toEqual([]);
  });

  it('given a backend in another namespace than the Service, then nothing is routed', () => {
    expect(targets(ingress('{ name: http }').replace('namespace: shop', 'namespace: other'))).toEqual([]);
  });
});
