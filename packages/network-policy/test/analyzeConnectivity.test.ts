import { parseManifests } from '@knsim/api';
import { describe, expect, it } from 'vitest';
import { analyzeConnectivity, formatConnectionList } from '../src/index.js';

const deployment = (name: string, ns: string, port: number) => `
apiVersion: apps/v1
kind: Deployment
metadata: { name: ${name}, namespace: ${ns} }
spec:
  selector: { matchLabels: { app: ${name} } }
  template:
    metadata: { labels: { app: ${name} } }
    spec: { containers: [{ name: c, image: x, ports: [{ name: http, containerPort: ${port} }] }] }
`;

function analyze(yaml: string, explain = false) {
  return analyzeConnectivity(parseManifests(yaml, 'test.yaml', { strict: false }).objects, { explain });
}

const POLICIES = `
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: { name: backend-in, namespace: shop }
spec:
  podSelector: { matchLabels: { app: backend } }
  ingress:
    - from: [{ podSelector: { matchLabels: { app: frontend } } }]
      ports: [{ port: http }]
    - from: [{ ipBlock: { cidr: 10.0.0.0/8, except: [10.1.0.0/16] } }]
      ports: [{ port: 9000, endPort: 9001 }]
`;

describe('analyzeConnectivity', () => {
  it('given no policy, then every pair (workloads and the whole IPv4 space) has all connections', () => {
    const text = formatConnectionList(analyze(`${deployment('a', 'x', 80)}---${deployment('b', 'x', 80)}`));
    expect(text).toBe(
      [
        '0.0.0.0-255.255.255.255[External] => x/a[Deployment] : All Connections',
        '0.0.0.0-255.255.255.255[External] => x/b[Deployment] : All Connections',
        'x/a[Deployment] => 0.0.0.0-255.255.255.255[External] : All Connections',
        'x/a[Deployment] => x/b[Deployment] : All Connections',
        'x/b[Deployment] => 0.0.0.0-255.255.255.255[External] : All Connections',
        'x/b[Deployment] => x/a[Deployment] : All Connections',
        '',
      ].join('\n'),
    );
  });

  it('given an ingress policy, then sources are cut by its ipBlocks and ports resolved on the destination', () => {
    const lines = formatConnectionList(
      analyze(`${deployment('frontend', 'shop', 80)}---${deployment('backend', 'shop', 8080)}---${POLICIES}`),
    ).split('\n');
    expect(lines.filter((line) => line.includes('=> shop/backend'))).toEqual([
      '10.0.0.0-10.0.255.255[External] => shop/backend[Deployment] : TCP 9000-9001',
      '10.2.0.0-10.255.255.255[External] => shop/backend[Deployment] : TCP 9000-9001',
      'shop/frontend[Deployment] => shop/backend[Deployment] : TCP 8080',
    ]);
    // Destinations are cut only by egress ipBlocks: there are none.
    expect(lines).toContain(
      'shop/backend[Deployment] => 0.0.0.0-255.255.255.255[External] : All Connections',
    );
  });

  it('given an IPv6 ipBlock, then IPv6 ranges are listed too', () => {
    const v6 = POLICIES.replace('10.0.0.0/8, except: [10.1.0.0/16]', 'fd00::/8');
    const entries = analyze(`${deployment('backend', 'shop', 8080)}---${v6}`);
    expect(entries.map((entry) => `${entry.src} : ${entry.conn}`)).toContain(
      'fd00::-fdff:ffff:ffff:ffff:ffff:ffff:ffff:ffff[External] : TCP 9000-9001',
    );
  });

  it('given explain, then each line says which rule of which policy admits it', () => {
    const entries = analyze(
      `${deployment('frontend', 'shop', 80)}---${deployment('backend', 'shop', 8080)}---${POLICIES}`,
      true,
    );
    const text = formatConnectionList(
      entries.filter((entry) => entry.src === 'shop/frontend[Deployment]'),
      { explain: true },
    );
    expect(text).toBe(
      [
        'shop/frontend[Deployment] => 0.0.0.0-255.255.255.255[External] : All Connections',
        '    egress:  shop/frontend[Deployment] is not isolated (no policy selects it for egress)',
        '    ingress: 0.0.0.0-255.255.255.255[External] is outside the cluster (no policy applies)',
        'shop/frontend[Deployment] => shop/backend[Deployment] : TCP 8080',
        '    egress:  shop/frontend[Deployment] is not isolated (no policy selects it for egress)',
        '    ingress: shop/backend-in ingress rule #1 admits TCP 8080',
        '',
      ].join('\n'),
    );
  });

  it('given an Ingress, then {ingress-controller} lines list what policies let through', () => {
    const objects = `${deployment('backend', 'shop', 8080)}---${POLICIES}---
apiVersion: v1
kind: Service
metadata: { name: backend, namespace: shop }
spec: { selector: { app: backend }, ports: [{ port: 80, targetPort: http }] }
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: { name: web, namespace: shop }
spec: { defaultBackend: { service: { name: backend, port: { number: 80 } } } }
`;
    // backend-in admits only frontend pods and 10/8 on 9000-9001: the controller is refused.
    expect(analyze(objects).filter((entry) => entry.src === '{ingress-controller}')).toEqual([]);
    const open = analyze(
      `${objects}---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: { name: from-cluster, namespace: shop }
spec:
  podSelector: {}
  ingress: [{ from: [{ namespaceSelector: {} }] }]
`,
      true,
    );
    const line = open.find((entry) => entry.src === '{ingress-controller}');
    expect(line).toMatchObject({ dst: 'shop/backend[Deployment]', conn: 'TCP 8080' });
    expect(line?.explanation).toEqual([
      'route:   Ingress shop/web -> Service backend port 80 -> TCP 8080',
      'ingress: shop/from-cluster ingress rule #1 admits All Connections',
    ]);
  });

  it('given no pod at all, then the list is empty', () => {
    expect(analyze(POLICIES)).toEqual([]);
  });
});
