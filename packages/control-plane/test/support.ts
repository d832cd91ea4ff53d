import { parseManifests } from '@knsim/api';
import { Cluster, type ClusterConfigSpec, type ClusterState, type PodRecord } from '@knsim/control-plane';

/** A cluster with the manifests applied (YAML text), not yet run. */
export function clusterWith(
  yaml: string,
  config: ClusterConfigSpec = { nodes: 3 },
  seed: number | string = 1,
): Cluster {
  return new Cluster({
    seed,
    config,
    manifests: yaml.trim() === '' ? [] : parseManifests(yaml, 'test.yaml').objects,
  });
}

export function podsOf(state: ClusterState, prefix: string): PodRecord[] {
  return [...state.pods.values()]
    .filter((p) => p.key.startsWith(prefix))
    .sort((a, b) => (a.key < b.key ? -1 : 1));
}

/** Endpoint addresses of a Service with their conditions, e.g. `10.244.0.2:ready`. */
export function endpointsOf(state: ClusterState, service: string): string[] {
  const out: string[] = [];
  for (const slice of state.endpointSlices.values()) {
    if (`${slice.metadata.namespace}/${slice.metadata.labels?.['kubernetes.io/service-name']}` !== service)
      continue;
    for (const e of slice.endpoints ?? []) {
      const c = e.conditions ?? {};
      out.push(
        `${e.addresses[0]}:${c.ready === true ? 'ready' : c.terminating === true ? (c.serving === true ? 'terminating-serving' : 'terminating') : 'not-ready'}`,
      );
    }
  }
  return out.sort();
}

export const deployment = (name: string, replicas: number, extra = '') => `
apiVersion: apps/v1
kind: Deployment
metadata: { name: ${name}, namespace: default }
spec:
  replicas: ${replicas}
  selector: { matchLabels: { app: ${name} } }
  template:
    metadata: { labels: { app: ${name} } }
    spec:
      containers:
        - name: main
          image: app:1
          ports: [{ name: http, containerPort: 8080 }]
${extra}
---
apiVersion: v1
kind: Service
metadata: { name: ${name}, namespace: default }
spec:
  selector: { app: ${name} }
  ports: [{ port: 80, targetPort: http }]
`;
