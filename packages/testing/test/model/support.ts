import type { KubeObject } from '@knsim/api';
import { appsFromManifests } from '../../src/arbitraries/appsFromManifests.js';
import type { App } from '../../src/arbitraries/appArb.js';

/** A small app: 3 nodes' worth of churn targets, one Deployment behind a Service, one client pod. */
export const MANIFESTS: readonly KubeObject[] = [
  { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop' } },
  {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', namespace: 'shop' },
    spec: {
      replicas: 2,
      selector: { matchLabels: { app: 'web' } },
      template: {
        metadata: { labels: { app: 'web' } },
        spec: { containers: [{ name: 'web', image: 'nginx:1.27', ports: [{ containerPort: 8080 }] }] },
      },
    },
  },
  {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 'web', namespace: 'shop' },
    spec: { selector: { app: 'web' }, ports: [{ port: 80, targetPort: 8080 }] },
  },
  {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'client', namespace: 'shop', labels: { app: 'client' } },
    spec: { containers: [{ name: 'client', image: 'curl' }] },
  },
] as unknown as readonly KubeObject[];

export const CONFIG = { nodes: 3 } as const;

/** `shop/web` as the commands see it. */
export const WEB: App = appsFromManifests(MANIFESTS)[0] as App;
