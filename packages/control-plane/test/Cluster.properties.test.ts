import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseIpv4, parseIpv4Cidr } from '@knsim/api';
import { CommandRejected, MINUTE, SECOND, fold } from '@knsim/core';
import { evolveCluster, initialClusterState, type Cluster, type ClusterState } from '@knsim/control-plane';
import { clusterWith, deployment } from './support.js';

type Step =
  | { kind: 'scale'; app: number; replicas: number }
  | { kind: 'rollout'; app: number }
  | { kind: 'deletePod'; pick: number }
  | { kind: 'killPod'; pick: number }
  | { kind: 'failReadiness'; app: number }
  | { kind: 'restoreReadiness' }
  | { kind: 'crashNode'; node: number }
  | { kind: 'partitionNode'; node: number }
  | { kind: 'recoverNode'; node: number }
  | { kind: 'wait'; seconds: number }
  | { kind: 'settle' };

const APPS = ['web', 'api', 'db'];
const NODES = 4;

const step: fc.Arbitrary<Step> = fc.oneof(
  fc.record({ kind: fc.constant('scale' as const), app: fc.nat(2), replicas: fc.nat(5) }),
  fc.record({ kind: fc.constant('rollout' as const), app: fc.nat(2) }),
  fc.record({ kind: fc.constant('deletePod' as const), pick: fc.nat() }),
  fc.record({ kind: fc.constant('killPod' as const), pick: fc.nat() }),
  fc.record({ kind: fc.constant('failReadiness' as const), app: fc.nat(2) }),
  fc.record({ kind: fc.constant('restoreReadiness' as const) }),
  fc.record({ kind: fc.constant('crashNode' as const), node: fc.nat(NODES - 1) }),
  fc.record({ kind: fc.constant('partitionNode' as const), node: fc.nat(NODES - 1) }),
  fc.record({ kind: fc.constant('recoverNode' as const), node: fc.nat(NODES - 1) }),
  fc.record({ kind: fc.constant('wait' as const), seconds: fc.integer({ min: 1, max: 400 }) }),
  fc.record({ kind: fc.constant('settle' as const) }),
);

function apply(cluster: Cluster, s: Step, faults: string[]): void {
  const pods = [...cluster.state.pods.keys()].filter((k) => k.startsWith('default/')).sort();
  try {
    switch (s.kind) {
      case 'scale':
        return cluster.scale('Deployment', 'default', APPS[s.app]!, s.replicas);
      case 'rollout':
        return cluster.rollout('Deployment', 'default', APPS[s.app]!);
      case 'deletePod':
        if (pods.length > 0)
          cluster.delete('Pod', 'default', pods[s.pick % pods.length]!.slice('default/'.length));
        return;
      case 'killPod':
        if (pods.length > 0) cluster.killPod('default', pods[s.pick % pods.length]!.slice('default/'.length));
        return;
      case 'failReadiness':
        faults.push(cluster.failReadiness(`app=${APPS[s.app]}`, 'default'));
        return;
      case 'restoreReadiness': {
        const id = faults.shift();
        if (id !== undefined) cluster.restoreReadiness(id);
        return;
      }
      case 'crashNode':
        return cluster.crashNode(`node-${s.node + 1}`);
      case 'partitionNode':
        return cluster.partitionNode(`node-${s.node + 1}`);
      case 'recoverNode':
        return cluster.recoverNode(`node-${s.node + 1}`);
      case 'wait':
        cluster.converge({ until: cluster.now + s.seconds * SECOND });
        return;
      case 'settle':
        // Everything in flight finishes (down nodes stay down): a quiescent state to check.
        cluster.converge({ until: cluster.now + 30 * MINUTE });
        return;
    }
  } catch (error) {
    // Commands the cluster refuses (a pod that is gone, a node already down) change nothing.
    if (!(error instanceof CommandRejected)) throw error;
  }
}

function checkAddresses(state: ClusterState): void {
  const seen = new Map<string, string>();
  for (const pod of state.pods.values()) {
    if (pod.podIP === undefined || pod.spec.hostNetwork === true) continue;
    const holder = seen.get(pod.podIP);
    expect(holder, `${pod.key} and ${holder} share ${pod.podIP}`).toBeUndefined();
    seen.set(pod.podIP, pod.key);
    const cidr = state.nodes.get(pod.nodeName ?? '')?.podCIDR;
    expect(cidr).toBeDefined();
    expect(
      parseIpv4Cidr(cidr!).contains(parseIpv4(pod.podIP)!),
      `${pod.key} ${pod.podIP} outside ${cidr}`,
    ).toBe(true);
  }
}

function checkEndpoints(state: ClusterState): void {
  for (const app of APPS) {
    const expected = [...state.pods.values()]
      .filter(
        (p) =>
          p.labels['app'] === app && p.podIP !== undefined && p.phase !== 'Succeeded' && p.phase !== 'Failed',
      )
      .map(
        (p) =>
          `${p.podIP} ready=${p.ready && p.deletionRequestedAt === undefined} serving=${p.ready} terminating=${p.deletionRequestedAt !== undefined}`,
      )
      .sort();
    const actual = [...state.endpointSlices.values()]
      .filter((s) => s.metadata.labels?.['kubernetes.io/service-name'] === app)
      .flatMap((s) => s.endpoints ?? [])
      .map(
        (e) =>
          `${e.addresses[0]} ready=${e.conditions?.ready} serving=${e.conditions?.serving} terminating=${e.conditions?.terminating}`,
      )
      .sort();
    expect(actual, `endpoints of ${app}`).toEqual(expected);
  }
}

const SEED = 424242;
const runs = process.env['KNSIM_DEEP'] === '1' ? 200 : 25;

describe('control plane under arbitrary churn', () => {
  it(`keeps pod IPs unique inside node podCIDRs, ClusterIPs stable, and EndpointSlices equal to the pods (seed ${SEED})`, () => {
    fc.assert(
      fc.property(
        fc.array(step, { minLength: 1, maxLength: 25 }),
        fc.integer({ min: 1, max: 1000 }),
        (steps, seed) => {
          const cluster = clusterWith(
            APPS.map((app, i) => deployment(app, i + 1)).join('---\n'),
            { nodes: NODES },
            seed,
          );
          cluster.converge();
          const faults: string[] = [];
          for (const s of steps) {
            apply(cluster, s, faults);
            checkAddresses(cluster.state);
            if (cluster.quiescent) checkEndpoints(cluster.state);
          }
          // Quiescence: heal every node and fault, then let everything settle.
          for (const fault of faults) cluster.restoreReadiness(fault);
          for (const node of cluster.state.nodes.values())
            if (node.kubelet !== 'running') cluster.recoverNode(node.name);
          const result = cluster.converge({ until: cluster.now + 30 * MINUTE });
          expect(result.converged).toBe(true);
          checkAddresses(cluster.state);
          checkEndpoints(cluster.state);
          // A Service's ClusterIP never changes while it exists.
          const clusterIPs = new Map<string, string>();
          for (const event of cluster.sim.log.events) {
            if (event.type !== 'ServiceCreated' && event.type !== 'ServiceUpdated') continue;
            const service = (
              event as unknown as {
                service: { metadata: { namespace: string; name: string }; spec: { clusterIP: string } };
              }
            ).service;
            const key = `${service.metadata.namespace}/${service.metadata.name}`;
            const first = clusterIPs.get(key) ?? service.spec.clusterIP;
            expect(service.spec.clusterIP, key).toBe(first);
            clusterIPs.set(key, first);
          }
          // The log replays to the live state.
          const replayed = fold(
            { initialState: initialClusterState(), evolve: evolveCluster },
            cluster.sim.log.events,
          );
          expect([...replayed.pods.keys()]).toEqual([...cluster.state.pods.keys()]);
          expect([...replayed.endpointSlices.values()]).toEqual([...cluster.state.endpointSlices.values()]);
        },
      ),
      { seed: SEED, numRuns: runs },
    );
  });
});
