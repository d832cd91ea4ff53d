import type { ScenarioDocument } from '../../src/ScenarioDocument.js';

/** A small shop: web (3 replicas) behind a ClusterIP, a headless and an ExternalName Service, a client. */
export function demoDocument(extra: Partial<ScenarioDocument> = {}): ScenarioDocument {
  return {
    apiVersion: 'knsim.dev/v1alpha1',
    kind: 'Scenario',
    metadata: { name: 'invariants-demo' },
    seed: 3,
    duration: '20s',
    cluster: { nodes: 3 },
    manifests: [
      { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'demo' } },
      {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name: 'web', namespace: 'demo' },
        spec: {
          replicas: 3,
          selector: { matchLabels: { app: 'web' } },
          template: {
            metadata: { labels: { app: 'web' } },
            spec: { containers: [{ name: 'web', image: 'nginx', ports: [{ containerPort: 80 }] }] },
          },
        },
      },
      {
        apiVersion: 'v1',
        kind: 'Service',
        metadata: { name: 'web', namespace: 'demo' },
        spec: { selector: { app: 'web' }, ports: [{ port: 80 }] },
      },
      {
        apiVersion: 'v1',
        kind: 'Service',
        metadata: { name: 'peers', namespace: 'demo' },
        spec: { clusterIP: 'None', selector: { app: 'web' }, ports: [{ port: 80 }] },
      },
      {
        apiVersion: 'v1',
        kind: 'Service',
        metadata: { name: 'ext', namespace: 'demo' },
        spec: { type: 'ExternalName', externalName: 'example.com' },
      },
      {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name: 'client', namespace: 'demo', labels: { app: 'client' } },
        spec: { containers: [{ name: 'c', image: 'curl' }] },
      },
    ],
    traffic: {
      workloads: [
        {
          name: 'load',
          from: { pods: { namespace: 'demo', selector: 'app=client' } },
          to: 'web.demo.svc.cluster.local:80',
          arrival: { poisson: { rate: 50 } },
          start: '2s',
          sample: 1,
        },
      ],
      servers: [{ namespace: 'demo', selector: 'app=web', serviceTime: '5ms' }],
    },
    timeline: [
      { at: '5s', rollout: { deployment: 'demo/web', restart: true } },
      { at: '12s', scale: { deployment: 'demo/web', replicas: 2 } },
    ],
    ...extra,
  };
}
