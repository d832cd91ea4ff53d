import type { KubeObject } from '@knsim/api';
import { HOUR } from '@knsim/core';
import { Cluster } from '@knsim/control-plane';
import { peakRssMiB, timeSeconds, type Measurement } from './harness.js';

/**
 * Builds and converges 1,000 nodes running 30,000 pods of 2,000 Deployments (15 replicas each)
 * behind 2,000 Services, spread over 100 namespaces.
 */
export function controlPlaneObjects(scale: {
  deployments: number;
  replicas: number;
  namespaces: number;
}): KubeObject[] {
  const objects: KubeObject[] = [];
  for (let i = 0; i < scale.deployments; i++) {
    const namespace = `team-${i % scale.namespaces}`;
    const name = `svc-${i}`;
    const labels = { app: name };
    objects.push({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name, namespace },
      spec: {
        replicas: scale.replicas,
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
    objects.push({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name, namespace },
      spec: { selector: labels, ports: [{ name: 'http', port: 80, targetPort: 'http', protocol: 'TCP' }] },
    });
  }
  return objects;
}

export function controlPlaneBenchmarks(options: { quick: boolean }): Measurement[] {
  const scale = options.quick
    ? { nodes: 100, deployments: 200, replicas: 15, namespaces: 10 }
    : { nodes: 1000, deployments: 2000, replicas: 15, namespaces: 100 };
  const objects = controlPlaneObjects(scale);
  let events = 0;
  let converged = false;
  let pods = 0;
  const seconds = timeSeconds(() => {
    // 1,000 nodes need more /24 pod ranges than a /16 holds: a /14 gives 1,024.
    const cluster = new Cluster({
      seed: 1,
      config: {
        nodes: scale.nodes,
        zones: ['zone-a', 'zone-b', 'zone-c'],
        clusterCIDR: '10.128.0.0/14',
        dns: { enabled: false },
      },
    });
    cluster.applyAll(objects);
    converged = cluster.converge({ until: HOUR }).converged;
    events = cluster.sim.log.length;
    pods = [...cluster.state.pods.values()].filter((p) => p.ready).length;
  });
  if (!converged || pods !== scale.deployments * scale.replicas) {
    throw new Error(`control-plane benchmark did not converge (${pods} ready pods)`);
  }
  const label = `control-plane/${scale.nodes} nodes, ${scale.deployments * scale.replicas} pods, ${scale.deployments} Services`;
  return [
    {
      name: `${label}: build + converge`,
      unit: 's',
      value: seconds,
      ...(options.quick ? {} : { target: '< 10' }),
    },
    { name: `${label}: control-plane events`, unit: 'events/s', value: events / seconds },
    { name: `${label}: events`, unit: 'events', value: events },
    {
      name: `${label}: peak RSS`,
      unit: 'MiB',
      value: peakRssMiB(),
      ...(options.quick ? {} : { target: '< 2048' }),
    },
  ];
}
