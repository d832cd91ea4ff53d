import { describe, expect, it } from 'vitest';
import { applyDefaults, parseManifests, type KubeObject } from '@knsim/api';

/** Loads one object (validated and defaulted). */
function load(object: Record<string, unknown>): KubeObject {
  const [loaded] = parseManifests(JSON.stringify(object), 'd.json').objects;
  if (loaded === undefined) throw new Error('nothing loaded');
  return loaded;
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}

const containers = [{ name: 'app', image: 'nginx', ports: [{ containerPort: 8080, name: 'http' }] }];
const template = { metadata: { labels: { app: 'a' } }, spec: { containers } };
const selector = { matchLabels: { app: 'a' } };

describe('applyDefaults', () => {
  it('puts namespaced objects in default and drops namespaces of cluster-scoped ones', () => {
    expect(
      load({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: { containers } }).metadata
        .namespace,
    ).toBe('default');
    expect(
      load({
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name: 'p', namespace: 'shop' },
        spec: { containers },
      }).metadata.namespace,
    ).toBe('shop');
    expect(
      load({ apiVersion: 'v1', kind: 'Node', metadata: { name: 'n', namespace: 'x' } }).metadata,
    ).toEqual({ name: 'n' });
  });

  it('labels a Namespace with its name', () => {
    expect(
      load({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop', labels: { team: 'a' } } })
        .metadata.labels,
    ).toEqual({
      team: 'a',
      'kubernetes.io/metadata.name': 'shop',
    });
  });

  it('fills pod spec, container port and probe defaults', () => {
    const pod = load({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'p' },
      spec: {
        containers: [
          {
            ...containers[0],
            readinessProbe: { httpGet: { port: 'http' } },
            livenessProbe: { tcpSocket: { port: 8080 }, periodSeconds: 5, timeoutSeconds: 0 },
          },
        ],
      },
    });
    if (pod.kind !== 'Pod') throw new Error('not a pod');
    expect(pod.spec).toMatchObject({
      restartPolicy: 'Always',
      dnsPolicy: 'ClusterFirst',
      terminationGracePeriodSeconds: 30,
      schedulerName: 'default-scheduler',
    });
    const container = pod.spec.containers[0];
    expect(container?.ports).toEqual([{ containerPort: 8080, name: 'http', protocol: 'TCP' }]);
    expect(container?.readinessProbe).toEqual({
      httpGet: { port: 'http', path: '/', scheme: 'HTTP' },
      initialDelaySeconds: 0,
      timeoutSeconds: 1,
      periodSeconds: 10,
      successThreshold: 1,
      failureThreshold: 3,
    });
    expect(container?.livenessProbe).toMatchObject({ periodSeconds: 5, timeoutSeconds: 1 });
  });

  it('sets hostPort to containerPort on the host network', () => {
    const pod = load({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'p' },
      spec: { hostNetwork: true, containers },
    });
    expect(pod.kind === 'Pod' && pod.spec.containers[0]?.ports?.[0]?.hostPort).toBe(8080);
  });

  it('defaults Deployments: replicas, RollingUpdate 25%/25%, history, deadline, template', () => {
    const deployment = load({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'd' },
      spec: { selector, template },
    });
    if (deployment.kind !== 'Deployment') throw new Error('not a deployment');
    expect(deployment.spec).toMatchObject({
      replicas: 1,
      minReadySeconds: 0,
      revisionHistoryLimit: 10,
      progressDeadlineSeconds: 600,
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' } },
    });
    expect(deployment.spec.template.spec).toMatchObject({
      restartPolicy: 'Always',
      terminationGracePeriodSeconds: 30,
    });
    const recreate = load({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'd' },
      spec: { selector, template, strategy: { type: 'Recreate' } },
    });
    expect(recreate.kind === 'Deployment' && recreate.spec.strategy).toEqual({ type: 'Recreate' });
  });

  it('defaults ReplicaSets, StatefulSets and DaemonSets', () => {
    const replicaSet = load({
      apiVersion: 'apps/v1',
      kind: 'ReplicaSet',
      metadata: { name: 'r' },
      spec: { selector, template },
    });
    expect(replicaSet.kind === 'ReplicaSet' && replicaSet.spec.replicas).toBe(1);
    const statefulSet = load({
      apiVersion: 'apps/v1',
      kind: 'StatefulSet',
      metadata: { name: 's' },
      spec: { serviceName: 's', selector, template },
    });
    expect(statefulSet.kind === 'StatefulSet' && statefulSet.spec).toMatchObject({
      replicas: 1,
      podManagementPolicy: 'OrderedReady',
      updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: 0 } },
    });
    const daemonSet = load({
      apiVersion: 'apps/v1',
      kind: 'DaemonSet',
      metadata: { name: 'ds' },
      spec: { selector, template },
    });
    expect(daemonSet.kind === 'DaemonSet' && daemonSet.spec.updateStrategy).toEqual({
      type: 'RollingUpdate',
      rollingUpdate: { maxUnavailable: 1, maxSurge: 0 },
    });
  });

  it('defaults Jobs and CronJobs', () => {
    const jobTemplate = { template: { spec: { containers, restartPolicy: 'Never' } } };
    const job = load({ apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'j' }, spec: jobTemplate });
    expect(job.kind === 'Job' && job.spec).toMatchObject({
      parallelism: 1,
      completions: 1,
      backoffLimit: 6,
      completionMode: 'NonIndexed',
    });
    const workQueue = load({
      apiVersion: 'batch/v1',
      kind: 'Job',
      metadata: { name: 'j' },
      spec: { ...jobTemplate, parallelism: 3 },
    });
    expect(workQueue.kind === 'Job' && workQueue.spec.completions).toBeUndefined();
    const cronJob = load({
      apiVersion: 'batch/v1',
      kind: 'CronJob',
      metadata: { name: 'c' },
      spec: { schedule: '*/5 * * * *', jobTemplate: { spec: jobTemplate } },
    });
    expect(cronJob.kind === 'CronJob' && cronJob.spec).toMatchObject({
      concurrencyPolicy: 'Allow',
      suspend: false,
      successfulJobsHistoryLimit: 3,
      failedJobsHistoryLimit: 1,
      jobTemplate: { spec: { parallelism: 1, completions: 1 } },
    });
  });

  it('defaults Services: type, protocol, targetPort, affinity, traffic policies', () => {
    const service = load({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'web' },
      spec: {
        ports: [{ port: 80 }, { port: 443, targetPort: 'https', name: 'https' }].map((port, i) => ({
          name: `p${i}`,
          ...port,
        })),
      },
    });
    if (service.kind !== 'Service') throw new Error('not a service');
    expect(service.spec).toEqual({
      type: 'ClusterIP',
      ports: [
        { name: 'p0', port: 80, protocol: 'TCP', targetPort: 80 },
        { name: 'https', port: 443, protocol: 'TCP', targetPort: 'https' },
      ],
      sessionAffinity: 'None',
      internalTrafficPolicy: 'Cluster',
    });
  });

  it('defaults LoadBalancer and ClientIP specifics', () => {
    const service = load({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'lb' },
      spec: { type: 'LoadBalancer', sessionAffinity: 'ClientIP', ports: [{ port: 80, targetPort: 0 }] },
    });
    expect(service.kind === 'Service' && service.spec).toMatchObject({
      externalTrafficPolicy: 'Cluster',
      internalTrafficPolicy: 'Cluster',
      allocateLoadBalancerNodePorts: true,
      sessionAffinityConfig: { clientIP: { timeoutSeconds: 10800 } },
      ports: [{ port: 80, targetPort: 80, protocol: 'TCP' }],
    });
    const externalName = load({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'ext' },
      spec: { type: 'ExternalName', externalName: 'db.example.com' },
    });
    expect(externalName.kind === 'Service' && externalName.spec).toEqual({
      type: 'ExternalName',
      externalName: 'db.example.com',
      sessionAffinity: 'None',
    });
  });

  it('defaults NetworkPolicy policyTypes and port protocols', () => {
    const policy = (spec: Record<string, unknown>): KubeObject =>
      load({ apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'np' }, spec });
    const types = (object: KubeObject): unknown => object.kind === 'NetworkPolicy' && object.spec.policyTypes;
    expect(types(policy({ podSelector: {} }))).toEqual(['Ingress']);
    expect(types(policy({ podSelector: {}, egress: [{}] }))).toEqual(['Ingress', 'Egress']);
    expect(types(policy({ podSelector: {}, egress: [] }))).toEqual(['Ingress']);
    expect(types(policy({ podSelector: {}, policyTypes: ['Egress'] }))).toEqual(['Egress']);
    const withPorts = policy({ ingress: [{ ports: [{ port: 80 }, { port: 53, protocol: 'UDP' }] }] });
    expect(withPorts.kind === 'NetworkPolicy' && withPorts.spec).toMatchObject({
      podSelector: {},
      ingress: [
        {
          ports: [
            { port: 80, protocol: 'TCP' },
            { port: 53, protocol: 'UDP' },
          ],
        },
      ],
    });
  });

  it('defaults EndpointSlice ports', () => {
    const slice = load({
      apiVersion: 'discovery.k8s.io/v1',
      kind: 'EndpointSlice',
      metadata: { name: 's' },
      addressType: 'IPv4',
      endpoints: [{ addresses: ['10.0.0.1'] }],
      ports: [{ port: 80 }],
    });
    expect(slice.kind === 'EndpointSlice' && slice.ports).toEqual([{ port: 80, name: '', protocol: 'TCP' }]);
  });

  it('never modifies its input', () => {
    const input = deepFreeze({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'web' },
      spec: { ports: [{ port: 80 }] },
    } as const);
    const before = JSON.stringify(input);
    const output = applyDefaults(input as unknown as KubeObject);
    expect(JSON.stringify(input)).toBe(before);
    expect(output).not.toBe(input);
    expect(output.kind === 'Service' && output.spec.type).toBe('ClusterIP');
  });
});
