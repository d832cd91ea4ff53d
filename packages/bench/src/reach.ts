import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadManifests, type KubeObject } from '@knsim/api';
import { HOUR, SECOND } from '@knsim/core';
import { Cluster } from '@knsim/control-plane';
import { DataPlane, reachability } from '@knsim/kube-proxy';
import { analyzeConnectivity, formatConnectionList } from '@knsim/network-policy';
import { timeSeconds, type Measurement } from './harness.js';

const NAMESPACES = 10;
const APPS = 40; // x 5 replicas = 200 pods

/**
 * 200 pods (40 Deployments of 5 in 10 labelled namespaces) and 100 NetworkPolicies: a default
 * deny per namespace, an allow per app (from the next app, by pod selector, on a named port),
 * one from a namespace tier per app, and an egress policy per namespace.
 */
export function reachObjects(): KubeObject[] {
  const objects: KubeObject[] = [];
  for (let n = 0; n < NAMESPACES; n++) {
    objects.push({
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: `team-${n}`, labels: { tier: n % 2 === 0 ? 'front' : 'back' } },
    });
  }
  for (let i = 0; i < APPS; i++) {
    const namespace = `team-${i % NAMESPACES}`;
    const labels = { app: `app-${i}` };
    objects.push({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: `app-${i}`, namespace },
      spec: {
        replicas: 5,
        selector: { matchLabels: labels },
        template: {
          metadata: { labels },
          spec: {
            containers: [
              {
                name: 'app',
                image: 'app:1',
                ports: [{ name: 'http', containerPort: 8080, protocol: 'TCP' }],
              },
            ],
          },
        },
      },
    });
  }
  const policy = (namespace: string, name: string, spec: object): KubeObject =>
    ({
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: { name, namespace },
      spec,
    }) as KubeObject;
  for (let n = 0; n < NAMESPACES; n++) {
    objects.push(policy(`team-${n}`, 'default-deny', { podSelector: {} }));
    objects.push(
      policy(`team-${n}`, 'egress-in-cluster', {
        podSelector: {},
        policyTypes: ['Egress'],
        egress: [
          { to: [{ namespaceSelector: {} }] },
          { to: [{ ipBlock: { cidr: '0.0.0.0/0', except: ['169.254.0.0/16'] } }], ports: [{ port: 443 }] },
        ],
      }),
    );
  }
  for (let i = 0; i < APPS; i++) {
    const namespace = `team-${i % NAMESPACES}`;
    objects.push(
      policy(namespace, `app-${i}-from-peer`, {
        podSelector: { matchLabels: { app: `app-${i}` } },
        ingress: [
          {
            from: [{ podSelector: { matchLabels: { app: `app-${i + NAMESPACES}` } } }],
            ports: [{ port: 'http' }],
          },
        ],
      }),
    );
    objects.push(
      policy(namespace, `app-${i}-from-tier`, {
        podSelector: { matchExpressions: [{ key: 'app', operator: 'In', values: [`app-${i}`] }] },
        ingress: [
          {
            from: [
              {
                namespaceSelector: { matchLabels: { tier: i % 3 === 0 ? 'front' : 'back' } },
                podSelector: { matchExpressions: [{ key: 'app', operator: 'Exists' }] },
              },
            ],
            ports: [{ port: 8000, endPort: 8100, protocol: 'TCP' }],
          },
        ],
      }),
    );
  }
  return objects;
}

// One size only: it runs in well under a second, so --quick changes nothing.
export async function reachBenchmarks(_options: { quick: boolean }): Promise<Measurement[]> {
  const cluster = new Cluster({
    seed: 1,
    config: { nodes: 20, dns: { enabled: false } },
    manifests: reachObjects(),
  });
  const dataPlane = new DataPlane(cluster);
  if (!cluster.converge({ until: HOUR }).converged) throw new Error('reach benchmark: no convergence');
  cluster.runFor(10 * SECOND);
  const everyone = () => true;
  let pairs = 0;
  let denied = 0;
  const seconds = timeSeconds(() => {
    const results = reachability(cluster, dataPlane, { from: everyone, to: everyone, via: 'pod' });
    pairs = results.length;
    denied = results.filter((r) => r.result === 'denied').length;
  });
  if (denied === 0 || denied === pairs) throw new Error(`reach benchmark: ${denied} of ${pairs} denied`);
  const label = `reach/200 pods, 100 policies, ${pairs.toLocaleString('en-US')} pairs through the data plane`;
  return [
    { name: `${label}: pairs`, unit: 'pairs/s', value: pairs / seconds },
    { name: `${label}: wall time`, unit: 's', value: seconds, target: '< 2' },
    ...(await staticBenchmark()),
  ];
}

/** `reach --static` over the largest netpol-analyzer corpus case (by bytes). */
async function staticBenchmark(): Promise<Measurement[]> {
  const corpus = fileURLToPath(
    new URL('../../../../shared/conformance/netpol-analyzer/tests/', import.meta.url),
  );
  if (!existsSync(corpus)) return []; // the corpus lives next to the repository
  const size = (path: string): number =>
    statSync(path).isDirectory()
      ? readdirSync(path).reduce((total, entry) => total + size(join(path, entry)), 0)
      : statSync(path).size;
  const largest = readdirSync(corpus)
    .map((name) => ({ name, bytes: size(join(corpus, name)) }))
    .sort((a, b) => b.bytes - a.bytes)[0];
  if (largest === undefined) return [];
  const { objects } = await loadManifests([join(corpus, largest.name)], { strict: false });
  let entries = 0;
  let pairs = 0;
  const seconds = timeSeconds(() => {
    const list = analyzeConnectivity(objects);
    entries = list.length;
    pairs = formatConnectionList(list).length > 0 ? list.length : 0;
  });
  const label = `reach --static/${largest.name} (${Math.round(largest.bytes / 1024)} KiB, ${entries} allowed pairs)`;
  return [
    { name: `${label}: wall time`, unit: 's', value: seconds },
    { name: `${label}: listed pairs`, unit: 'pairs/s', value: pairs / seconds },
  ];
}
