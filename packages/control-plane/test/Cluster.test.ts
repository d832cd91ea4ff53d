import { describe, expect, it } from 'vitest';
import { fold, MINUTE, SECOND } from '@knsim/core';
import { CommandRejected } from '@knsim/core';
import { clusterSnapshot, evolveCluster, initialClusterState } from '@knsim/control-plane';
import { clusterWith, deployment, endpointsOf, podsOf } from './support.js';

describe('given a fresh cluster', () => {
  it('node IPAM hands out /24s in order and the API server Service gets the first service IP', () => {
    const cluster = clusterWith('', { nodes: 3 });
    cluster.converge();
    const nodes = [...cluster.state.nodes.values()].sort((a, b) => (a.name < b.name ? -1 : 1));
    expect(nodes.map((n) => [n.name, n.podCIDR, n.address])).toEqual([
      ['node-1', '10.244.0.0/24', '172.18.0.2'],
      ['node-2', '10.244.1.0/24', '172.18.0.3'],
      ['node-3', '10.244.2.0/24', '172.18.0.4'],
    ]);
    expect(cluster.state.services.get('default/kubernetes')?.service.spec.clusterIP).toBe('10.96.0.1');
    expect(endpointsOf(cluster.state, 'default/kubernetes')).toEqual(['172.18.0.1:ready']);
  });

  it('a node that exhausts the cluster CIDR gets no podCIDR and a CIDRNotAvailable event', () => {
    const cluster = clusterWith('', { nodes: 3, clusterCIDR: '10.1.0.0/23', nodeCIDRMaskSize: 24 });
    cluster.converge();
    expect([...cluster.state.nodes.values()].filter((n) => n.podCIDR === undefined)).toHaveLength(1);
    expect(cluster.sim.log.events.filter((e) => e.type === 'NodeCIDRNotAvailable')).toHaveLength(1);
  });
});

describe('host-local IPAM on a node', () => {
  it('starts at .2 and does not reuse a released IP until the range wraps', () => {
    const pod = (name: string) => `
apiVersion: v1
kind: Pod
metadata: { name: ${name} }
spec: { nodeName: node-1, containers: [{ name: c, image: i }] }
`;
    const cluster = clusterWith(pod('a') + '---' + pod('b'), { nodes: 1, dns: { enabled: false } });
    cluster.converge();
    expect(podsOf(cluster.state, 'default/').map((p) => p.podIP)).toEqual(['10.244.0.2', '10.244.0.3']);
    cluster.delete('Pod', 'default', 'a');
    cluster.converge();
    cluster.applyAll(parse(pod('c')));
    cluster.converge();
    expect(cluster.state.pods.get('default/c')?.podIP).toBe('10.244.0.4');
  });
});

describe('Services', () => {
  it('honours an explicit clusterIP and rejects a taken one with the API server message', () => {
    const cluster = clusterWith(`
apiVersion: v1
kind: Service
metadata: { name: a }
spec: { clusterIP: 10.96.0.50, ports: [{ port: 80 }] }
`);
    expect(cluster.state.services.get('default/a')?.service.spec.clusterIP).toBe('10.96.0.50');
    expect(() =>
      cluster.applyAll(
        parse(`
apiVersion: v1
kind: Service
metadata: { name: b }
spec: { clusterIP: 10.96.0.50, ports: [{ port: 80 }] }
`),
      ),
    ).toThrow(
      /Service default\/b: spec\.clusterIPs: Invalid value: \["10\.96\.0\.50"\]: failed to allocate IP 10\.96\.0\.50: provided IP is already allocated/,
    );
    expect(cluster.state.services.has('default/b')).toBe(false);
  });

  it('keeps the ClusterIP across updates, refuses to change it, and releases NodePorts when the type goes back to ClusterIP', () => {
    const svc = (type: string, extra = '') => `
apiVersion: v1
kind: Service
metadata: { name: web }
spec: { type: ${type}, selector: { app: web }, ports: [{ port: 80 }]${extra} }
`;
    const cluster = clusterWith(svc('NodePort'));
    const first = cluster.state.services.get('default/web')?.service;
    const nodePort = first?.spec.ports?.[0]?.nodePort as number;
    expect(nodePort).toBeGreaterThanOrEqual(30086);
    expect(cluster.state.nodePorts.get(String(nodePort))).toBe('default/web');
    cluster.applyAll(parse(svc('ClusterIP')));
    const second = cluster.state.services.get('default/web')?.service;
    expect(second?.spec.clusterIP).toBe(first?.spec.clusterIP);
    expect(second?.spec.ports?.[0]?.nodePort).toBeUndefined();
    expect(cluster.state.nodePorts.has(String(nodePort))).toBe(false);
    expect(() => cluster.applyAll(parse(svc('ClusterIP', ', clusterIP: 10.96.9.9')))).toThrow(
      /may not change once set/,
    );
  });

  it('NodePort conflicts and out-of-range ports get the API server messages; one number shared by TCP and UDP', () => {
    const cluster = clusterWith(`
apiVersion: v1
kind: Service
metadata: { name: dns }
spec:
  type: NodePort
  selector: { app: dns }
  ports: [{ name: udp, port: 53, protocol: UDP }, { name: tcp, port: 53, protocol: TCP }]
---
apiVersion: v1
kind: Service
metadata: { name: fixed }
spec: { type: NodePort, ports: [{ port: 80, nodePort: 30001 }] }
`);
    const ports = cluster.state.services.get('default/dns')?.service.spec.ports ?? [];
    expect(ports[0]?.nodePort).toBe(ports[1]?.nodePort);
    expect(() =>
      cluster.applyAll(
        parse(`
apiVersion: v1
kind: Service
metadata: { name: clash }
spec: { type: NodePort, ports: [{ port: 80, nodePort: 30001 }] }
`),
      ),
    ).toThrow(/spec\.ports\[0\]\.nodePort: Invalid value: 30001: provided port is already allocated/);
  });

  it('LoadBalancer Services get a pool address and, with externalTrafficPolicy Local, a health-check NodePort', () => {
    const cluster = clusterWith(`
apiVersion: v1
kind: Service
metadata: { name: lb }
spec: { type: LoadBalancer, externalTrafficPolicy: Local, selector: { app: x }, ports: [{ port: 80 }] }
`);
    const service = cluster.state.services.get('default/lb')?.service;
    expect(service?.status?.loadBalancer?.ingress).toEqual([{ ip: '198.51.100.1' }]);
    expect(service?.spec.healthCheckNodePort).toBeGreaterThanOrEqual(30000);
  });

  it('accepts a user-declared default/kubernetes Service identical to its own, and explains a different one', () => {
    const kubernetes = (ip: string) => `
apiVersion: v1
kind: Service
metadata: { name: kubernetes, namespace: default }
spec: { clusterIP: ${ip}, ports: [{ name: https, port: 443, targetPort: 6443 }] }
`;
    expect(() => clusterWith(kubernetes('10.96.0.1'))).not.toThrow();
    expect(() => clusterWith(kubernetes('10.0.0.1'))).toThrow(
      /differs from this cluster's kubernetes Service address 10\.96\.0\.1.*--service-cidr/,
    );
  });
});

describe('EndpointSlices', () => {
  it('resolve a named targetPort per pod and follow readiness, termination and deletion', () => {
    const cluster = clusterWith(deployment('web', 2));
    cluster.converge();
    const pods = podsOf(cluster.state, 'default/web-');
    expect(endpointsOf(cluster.state, 'default/web')).toEqual(pods.map((p) => `${p.podIP}:ready`).sort());
    const slice = [...cluster.state.endpointSlices.values()].find(
      (s) => s.metadata.labels?.['kubernetes.io/service-name'] === 'web',
    );
    // An unnamed Service port gives an endpoint port named "" (the controller copies the name).
    expect(slice?.ports).toEqual([{ name: '', port: 8080, protocol: 'TCP' }]);
    // Deleting a pod: its endpoint turns terminating (still serving) until the object is gone.
    const victim = pods[0]!;
    cluster.delete('Pod', 'default', victim.name);
    cluster.runFor(1);
    cluster.sim.run({ until: cluster.now + 30 * 1000 });
    expect(endpointsOf(cluster.state, 'default/web')).toContain(`${victim.podIP}:terminating-serving`);
    cluster.converge();
    expect(endpointsOf(cluster.state, 'default/web')).not.toContain(
      expect.stringContaining(`${victim.podIP}:`),
    );
    expect(endpointsOf(cluster.state, 'default/web')).toHaveLength(2);
  });

  it('publishNotReadyAddresses makes not-ready pods ready endpoints', () => {
    const cluster = clusterWith(`
apiVersion: v1
kind: Pod
metadata: { name: p, labels: { app: p } }
spec:
  containers: [{ name: c, image: i, readinessProbe: { tcpSocket: { port: 1 } } }]
---
apiVersion: v1
kind: Service
metadata: { name: p }
spec: { clusterIP: None, publishNotReadyAddresses: true, selector: { app: p }, ports: [{ port: 1 }] }
`);
    const id = cluster.failReadiness('app=p');
    cluster.converge();
    expect(cluster.state.pods.get('default/p')?.ready).toBe(false);
    expect(endpointsOf(cluster.state, 'default/p')).toEqual([
      `${cluster.state.pods.get('default/p')?.podIP}:ready`,
    ]);
    cluster.restoreReadiness(id);
    cluster.converge();
    expect(cluster.state.pods.get('default/p')?.ready).toBe(true);
  });
});

describe('readiness probes and faults', () => {
  it('a failing probe takes failureThreshold periods to turn a ready pod not ready, and the endpoint follows', () => {
    const cluster = clusterWith(
      deployment(
        'api',
        1,
        '          readinessProbe: { httpGet: { path: /, port: http }, periodSeconds: 5, failureThreshold: 3 }',
      ).replace(
        'ports: [{ name: http, containerPort: 8080 }]\n',
        'ports: [{ name: http, containerPort: 8080 }]\n',
      ),
    );
    cluster.converge();
    const pod = podsOf(cluster.state, 'default/api-')[0]!;
    expect(pod.ready).toBe(true);
    const start = cluster.now;
    cluster.failReadiness('app=api');
    cluster.converge();
    const notReady = cluster.sim.log.events.find(
      (e) => e.type === 'PodReadinessChanged' && e.at > start && !(e as { ready: boolean }).ready,
    );
    expect(notReady).toBeDefined();
    // Three consecutive failures at the probe period: between 10 s and 15 s after the fault.
    expect(notReady!.at - start).toBeGreaterThan(10 * SECOND);
    expect(notReady!.at - start).toBeLessThanOrEqual(15 * SECOND);
    expect(endpointsOf(cluster.state, 'default/api')).toEqual([`${pod.podIP}:not-ready`]);
  });
});

describe('pod crashes', () => {
  it('restart in place with the kubelet back-off 0, 10 s, 20 s', () => {
    const cluster = clusterWith(deployment('c', 1));
    cluster.converge();
    const pod = podsOf(cluster.state, 'default/c-')[0]!;
    const starts: number[] = [];
    for (let i = 0; i < 3; i++) {
      cluster.killPod('default', pod.name);
      const killedAt = cluster.now;
      cluster.converge();
      const started = cluster.sim.log.events.filter(
        (e) => e.type === 'PodContainersStarted' && e.at > killedAt,
      );
      starts.push(Math.floor((started[0]!.at - killedAt) / SECOND));
    }
    // Back-off plus the container start time (under a few seconds).
    [0, 10, 20].forEach((backoff, i) => {
      expect(starts[i]).toBeGreaterThanOrEqual(backoff);
      expect(starts[i]).toBeLessThan(backoff + 4);
    });
    expect(cluster.state.pods.get(pod.key)?.restarts).toBe(3);
    expect(() => cluster.killPod('default', 'nope')).toThrow(CommandRejected);
  });
});

describe('node failure', () => {
  it('node Unknown after the grace period, pods not ready, evicted after 300 s and replaced elsewhere', () => {
    const cluster = clusterWith(deployment('web', 3), { nodes: 3 });
    cluster.converge();
    const victimNode = podsOf(cluster.state, 'default/web-')[0]!.nodeName!;
    const onVictim = podsOf(cluster.state, 'default/web-').filter((p) => p.nodeName === victimNode);
    const crashedAt = cluster.now;
    cluster.crashNode(victimNode);
    cluster.converge({ until: crashedAt + 10 * MINUTE });
    const events = cluster.sim.log.events.filter((e) => e.at >= crashedAt);
    const unknown = events.find(
      (e) => e.type === 'NodeReadinessChanged' && (e as { status: string }).status === 'Unknown',
    )!;
    expect(unknown.at - crashedAt).toBeGreaterThanOrEqual(40 * SECOND);
    expect(unknown.at - crashedAt).toBeLessThanOrEqual(65 * SECOND);
    const notReady = events.filter(
      (e) =>
        e.type === 'PodReadinessChanged' &&
        e.at === unknown.at &&
        (e as { pod: string }).pod.startsWith('default/web-'),
    );
    expect(notReady.map((e) => (e as { pod: string }).pod).sort()).toEqual(onVictim.map((p) => p.key).sort());
    const evictions = events.filter(
      (e) => e.type === 'PodDeletionRequested' && (e as { pod: string }).pod.startsWith('default/web-'),
    );
    expect(evictions.map((e) => (e as { reason: string }).reason)).toEqual(
      onVictim.map(() => 'TaintManagerEviction'),
    );
    for (const eviction of evictions) {
      expect(eviction.at - unknown.at).toBeGreaterThanOrEqual(300 * SECOND);
      expect(eviction.at - unknown.at).toBeLessThan(301 * SECOND);
    }
    // Replacements run elsewhere; the evicted pods stay Terminating while the node is down.
    const pods = podsOf(cluster.state, 'default/web-');
    expect(pods.filter((p) => p.ready && p.nodeName !== victimNode)).toHaveLength(3);
    expect(
      pods.filter((p) => p.nodeName === victimNode).every((p) => p.deletionRequestedAt !== undefined),
    ).toBe(true);
    cluster.recoverNode(victimNode);
    cluster.converge();
    expect(podsOf(cluster.state, 'default/web-').filter((p) => p.nodeName === victimNode)).toHaveLength(0);
    expect(cluster.state.nodes.get(victimNode)?.ready).toBe('True');
    expect(cluster.state.nodes.get(victimNode)?.taints).toEqual([]);
  });
});

describe('scheduling', () => {
  it('leaves pods that fit nowhere Pending with the scheduler message', () => {
    const cluster = clusterWith(`
apiVersion: v1
kind: Pod
metadata: { name: picky }
spec: { nodeSelector: { disk: ssd }, containers: [{ name: c, image: i }] }
`);
    cluster.converge();
    const pod = cluster.state.pods.get('default/picky');
    expect(pod?.nodeName).toBeUndefined();
    expect(pod?.waitingReason).toBe(
      "Unschedulable: 0/3 nodes are available: 3 node(s) didn't match Pod's node affinity/selector.",
    );
  });

  it('respects cordon and maxPods, and spreads a Deployment over nodes', () => {
    const cluster = clusterWith(deployment('spread', 6), {
      nodes: [{ name: 'a' }, { name: 'b' }, { name: 'c', maxPods: 1 }],
      dns: { enabled: false },
    });
    cluster.cordon('b');
    cluster.converge();
    const byNode = new Map<string, number>();
    for (const pod of podsOf(cluster.state, 'default/spread-'))
      byNode.set(pod.nodeName ?? '-', (byNode.get(pod.nodeName ?? '-') ?? 0) + 1);
    expect(byNode.get('b')).toBeUndefined();
    expect(byNode.get('c')).toBe(1);
    expect(byNode.get('a')).toBe(5);
  });

  it('drain evicts every non-DaemonSet pod and cordons the node', () => {
    const cluster = clusterWith(deployment('d', 3), { nodes: 2 });
    cluster.converge();
    cluster.drain('node-1');
    cluster.converge();
    expect(cluster.state.nodes.get('node-1')?.unschedulable).toBe(true);
    expect(podsOf(cluster.state, 'default/d-').every((p) => p.nodeName === 'node-2' && p.ready)).toBe(true);
  });
});

describe('workloads', () => {
  it('a rolling update replaces every pod without dropping below maxUnavailable', () => {
    const cluster = clusterWith(deployment('roll', 4));
    cluster.converge();
    const before = new Set(podsOf(cluster.state, 'default/roll-').map((p) => p.revision));
    const start = cluster.sim.log.length;
    cluster.rollout('Deployment', 'default', 'roll');
    cluster.converge();
    const after = podsOf(cluster.state, 'default/roll-');
    expect(after).toHaveLength(4);
    expect(after.every((p) => p.ready && !before.has(p.revision))).toBe(true);
    // Replay the rollout and check availability at every event: at least 4 - 1 ready pods.
    const events = cluster.sim.log.events;
    let state = fold({ initialState: initialClusterState(), evolve: evolveCluster }, events.slice(0, start));
    for (const event of events.slice(start)) {
      state = fold({ initialState: initialClusterState(), evolve: evolveCluster }, [event], state);
      const ready = podsOf(state, 'default/roll-').filter(
        (p) => p.ready && p.deletionRequestedAt === undefined,
      ).length;
      expect(ready).toBeGreaterThanOrEqual(3);
      expect(
        podsOf(state, 'default/roll-').filter((p) => p.deletionRequestedAt === undefined).length,
      ).toBeLessThanOrEqual(5);
    }
  });

  it('a StatefulSet starts its pods in order, each after the previous is ready, with stable names and hostnames', () => {
    const cluster = clusterWith(`
apiVersion: apps/v1
kind: StatefulSet
metadata: { name: db }
spec:
  serviceName: db
  replicas: 3
  selector: { matchLabels: { app: db } }
  template:
    metadata: { labels: { app: db } }
    spec: { containers: [{ name: db, image: pg }] }
`);
    cluster.converge();
    const created = cluster.sim.log.events
      .filter((e) => e.type === 'PodCreated')
      .map((e) => (e as { pod: { name: string } }).pod.name)
      .filter((name) => name.startsWith('db-'));
    expect(created).toEqual(['db-0', 'db-1', 'db-2']);
    const readyAt = (name: string) =>
      cluster.sim.log.events.find(
        (e) => e.type === 'PodReadinessChanged' && (e as { pod: string }).pod === `default/${name}`,
      )!.at;
    const createdAt = (name: string) =>
      cluster.sim.log.events.find(
        (e) => e.type === 'PodCreated' && (e as { pod: { name: string } }).pod.name === name,
      )!.at;
    expect(createdAt('db-1')).toBeGreaterThan(readyAt('db-0'));
    expect(createdAt('db-2')).toBeGreaterThan(readyAt('db-1'));
    expect(cluster.state.pods.get('default/db-1')?.spec).toMatchObject({ hostname: 'db-1', subdomain: 'db' });
    cluster.scale('StatefulSet', 'default', 'db', 1);
    cluster.converge();
    expect(podsOf(cluster.state, 'default/db-').map((p) => p.name)).toEqual(['db-0']);
  });

  it('a DaemonSet runs one pod per node, also on nodes added later', () => {
    const cluster = clusterWith(`
apiVersion: apps/v1
kind: DaemonSet
metadata: { name: agent, namespace: kube-system }
spec:
  selector: { matchLabels: { app: agent } }
  template:
    metadata: { labels: { app: agent } }
    spec: { containers: [{ name: a, image: a }] }
`);
    cluster.converge();
    expect(
      podsOf(cluster.state, 'kube-system/agent-')
        .map((p) => p.nodeName)
        .sort(),
    ).toEqual(['node-1', 'node-2', 'node-3']);
    cluster.apply({ apiVersion: 'v1', kind: 'Node', metadata: { name: 'node-4' } });
    cluster.converge();
    expect(
      podsOf(cluster.state, 'kube-system/agent-')
        .map((p) => p.nodeName)
        .sort(),
    ).toEqual(['node-1', 'node-2', 'node-3', 'node-4']);
  });

  it('a Job runs its pods to completion', () => {
    const cluster = clusterWith(`
apiVersion: batch/v1
kind: Job
metadata: { name: batch }
spec:
  completions: 3
  parallelism: 2
  template:
    spec: { restartPolicy: Never, containers: [{ name: j, image: j }] }
`);
    cluster.converge();
    expect(cluster.state.jobs.get('default/batch')?.completedAt).toBeDefined();
    expect(podsOf(cluster.state, 'default/batch-').filter((p) => p.phase === 'Succeeded')).toHaveLength(3);
  });

  it('refused commands throw and leave the state untouched', () => {
    const cluster = clusterWith(deployment('x', 1));
    cluster.converge();
    const before = cluster.sim.log.length;
    expect(() => cluster.scale('Deployment', 'default', 'missing', 2)).toThrow(
      /deployments "missing" not found/,
    );
    expect(() => cluster.crashNode('nope')).toThrow(/nodes "nope" not found/);
    expect(() => cluster.failReadiness('app in (')).toThrow(CommandRejected);
    expect(cluster.sim.log.length).toBe(before);
  });
});

describe('event sourcing', () => {
  it('folding the log reproduces the live state, and the same seed gives the same log', () => {
    const build = () => {
      const cluster = clusterWith(deployment('web', 3) + '---' + deployment('api', 2), { nodes: 3 }, 7);
      cluster.converge();
      cluster.crashNode('node-2');
      cluster.converge({ until: cluster.now + 2 * MINUTE });
      return cluster;
    };
    const a = build();
    const b = build();
    expect(a.sim.log.digest()).toBe(b.sim.log.digest());
    const replayed = fold({ initialState: initialClusterState(), evolve: evolveCluster }, a.sim.log.events);
    expect(clusterSnapshot(replayed, a.now)).toEqual(clusterSnapshot(a.state, a.now));
    const other = clusterWith(deployment('web', 3) + '---' + deployment('api', 2), { nodes: 3 }, 8);
    other.converge();
    expect(other.sim.log.digest()).not.toBe(a.sim.log.digest());
  });
});

function parse(yaml: string) {
  return clusterWith('', { nodes: 0 }).sim.log.length >= 0 ? parseYaml(yaml) : [];
}

import { parseManifests } from '@knsim/api';
function parseYaml(yaml: string) {
  return [...parseManifests(yaml, 'test.yaml').objects];
}
