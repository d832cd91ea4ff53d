import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { run } from './support.js';

const app = `
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
spec: { selector: { app: web }, ports: [{ name: http, port: 80, targetPort: http }] }
`;

const routes = `
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: { name: shop, namespace: shop }
spec:
  rules:
    - host: shop.example.com
      http:
        paths:
          - { path: /, pathType: Prefix, backend: { service: { name: web, port: { number: 80 } } } }
          - { path: /api, pathType: Prefix, backend: { service: { name: api, port: { name: grpc } } } }
`;

/** A manifest folder (two files) in a fresh temp dir. */
function folder(withIngress = true): string {
  const dir = mkdtempSync(join(tmpdir(), 'knsim-route-'));
  writeFileSync(join(dir, 'app.yaml'), app);
  if (withIngress) writeFileSync(join(dir, 'ingress.yaml'), routes);
  return dir;
}

describe('knsim route', () => {
  it('prints the documented JSON fields first, with the matched Ingress, Service and answering pod', async () => {
    const dir = folder();
    const result = await run('route', '-f', dir, '--host', 'shop.example.com', '--path', '/cart', '--json');
    expect(result.code).toBe(0);
    const json = JSON.parse(result.out) as Record<string, unknown>;
    expect(Object.keys(json).slice(0, 6)).toEqual([
      'status',
      'ingress',
      'rule',
      'service',
      'servicePort',
      'pod',
    ]);
    expect(json).toMatchObject({
      status: 200,
      ingress: 'shop/shop',
      rule: 'host=shop.example.com path=Prefix:/',
      service: 'shop/web',
      servicePort: 80,
    });
    expect(json['pod']).toMatch(/^shop\/web-/);
    expect(json['controllerPod']).toMatch(/^ingress-nginx\/ingress-nginx-controller-/);

    const missing = JSON.parse(
      (await run('route', '-f', dir, '--host', 'shop.example.com', '--path', '/api/x', '--json')).out,
    ) as Record<string, unknown>;
    expect(missing).toMatchObject({ status: 503, service: 'shop/api', servicePort: 'grpc', pod: null });
    const unknown = JSON.parse((await run('route', '-f', dir, '--path', '/', '--json')).out) as Record<
      string,
      unknown
    >;
    expect(unknown).toMatchObject({
      status: 404,
      ingress: null,
      rule: null,
      service: null,
      servicePort: null,
      pod: null,
    });
  });

  it('prints status, rule, Service, pod, controller pod and hops as text', async () => {
    const result = await run(
      'route',
      '-f',
      folder(),
      '--host',
      'shop.example.com',
      '--path',
      '/',
      '--from',
      '198.51.100.4',
    );
    expect(result.code).toBe(0);
    const lines = result.out.trimEnd().split('\n');
    expect(lines[0]).toBe('200: GET shop.example.com/ from 198.51.100.4');
    expect(lines[1]).toBe('  ingress shop/shop, rule host=shop.example.com path=Prefix:/');
    expect(lines[2]).toBe('  service shop/web, port 80');
    expect(lines[3]).toMatch(/^ {2}answered by pod shop\/web-/);
    expect(lines[4]).toMatch(/^ {2}controller pod ingress-nginx\/ingress-nginx-controller-/);
    expect(lines[5]).toMatch(/^ {2}hops: external client 198\.51\.100\.4 -> load balancer /);
  });

  it('exits 2 with one line for user errors', async () => {
    const noIngress = await run('route', '-f', folder(false), '--path', '/');
    expect(noIngress.code).toBe(2);
    expect(noIngress.err).toMatch(/^knsim: no Ingress controller: the manifests have no Ingress/);
    expect(noIngress.err.trimEnd().split('\n')).toHaveLength(1);
    const dir = folder();
    const badPath = await run('route', '-f', dir, '--path', 'cart');
    expect(badPath.code).toBe(2);
    expect(badPath.err).toMatch(/^knsim: invalid --path "cart": it must start with \//);
    const badNode = await run('route', '-f', dir, '--path', '/', '--via', 'node/ghost');
    expect(badNode.code).toBe(2);
    expect(badNode.err).toMatch(/^knsim: --via node\/ghost: no node named ghost/);
  });
});
