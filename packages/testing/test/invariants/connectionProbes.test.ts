import { describe, expect, it } from 'vitest';
import type { LoggedEvent } from '@knsim/core';
import type { ClusterEvent } from '@knsim/control-plane';
import type { ProxyEndpoint } from '@knsim/kube-proxy';
import { sampleCandidates, type CandidateSample } from '../../src/invariants/eligibleCandidates.js';
import { checkNoStaleConnections } from '../../src/invariants/noStaleConnections.js';
import { checkNoTerminatingWhileReady } from '../../src/invariants/noTerminatingWhileReady.js';
import { PodDeletions } from '../../src/invariants/podDeletions.js';
import { propagationBound } from '../../src/invariants/propagationBound.js';
import { runDocument } from '../../src/runDocument.js';
import { demoDocument } from './support.js';

function endpoint(ip: string, flags: Partial<ProxyEndpoint> = {}): ProxyEndpoint {
  return {
    endpoint: `${ip}:80`,
    ip,
    port: 80,
    ready: true,
    serving: true,
    terminating: false,
    isLocal: false,
    zoneHints: [],
    nodeHints: [],
    nodeName: 'node-2',
    zone: '',
    ...flags,
  };
}

function sample(endpoints: ProxyEndpoint[], candidates: ProxyEndpoint[], local = false): CandidateSample {
  return {
    node: 'node-1',
    service: 'demo/web',
    port: 80,
    protocol: 'TCP',
    internalTrafficPolicy: local ? 'Local' : 'Cluster',
    endpoints,
    candidates,
    pods: new Map(endpoints.map((e, i) => [e.ip, { key: `demo/web-${i}`, uid: `uid-${i}` }])),
  };
}

describe('sampleCandidates', () => {
  it("given a converged cluster, then each node's candidates for demo/web are the three ready web pods", async () => {
    const run = await runDocument(demoDocument({ timeline: [] }));
    const samples = sampleCandidates(run.dataPlane, { services: ['demo/web'] });
    expect(samples.map((s) => s.node)).toEqual(['node-1', 'node-2', 'node-3']);
    const webIps = [...run.cluster.state.pods.values()]
      .filter((p) => p.key.startsWith('demo/web-'))
      .map((p) => `${p.podIP}:80`);
    for (const s of samples) expect(s.candidates.map((c) => c.endpoint).sort()).toEqual(webIps.sort());
  });
});

describe('noStaleConnections', () => {
  const terminated = [
    { seq: 1, at: 0, type: 'PodCreated', pod: { key: 'demo/web-0', uid: 'uid-0' } },
    { seq: 2, at: 1_000_000, type: 'PodDeleted', pod: 'demo/web-0' },
  ] as unknown as LoggedEvent<ClusterEvent>[];

  it('given a candidate whose pod was deleted longer ago than the bound, then it is reported with where its address leads', async () => {
    const run = await runDocument(demoDocument({ timeline: [] }));
    const deletions = new PodDeletions();
    deletions.observe(terminated);
    const candidates = [endpoint('10.244.9.9')];
    const violations = checkNoStaleConnections(
      [sample(candidates, candidates)],
      deletions,
      run.cluster.state,
      2_000_000,
      4_000_000,
    );
    expect(violations).toEqual([
      {
        invariant: 'noStaleConnections',
        at: 4_000_000,
        message:
          'node node-1 may send a new connection for demo/web:80/TCP to 10.244.9.9:80, whose pod demo/web-0 was deleted at 1s, more than 2s (the propagation bound) ago; that address now reaches no pod',
      },
    ]);
  });

  it('given the same candidate within the bound, then nothing is reported (kube-proxy may lag that long)', async () => {
    const run = await runDocument(demoDocument({ timeline: [] }));
    const deletions = new PodDeletions();
    deletions.observe(terminated);
    const candidates = [endpoint('10.244.9.9')];
    expect(
      checkNoStaleConnections(
        [sample(candidates, candidates)],
        deletions,
        run.cluster.state,
        5_000_000,
        4_000_000,
      ),
    ).toEqual([]);
  });

  it('given the default configuration, then the bound is max propagation + minSyncPeriod + controller sync + 1 s', async () => {
    const run = await runDocument(demoDocument({ timeline: [] }));
    const config = run.cluster.config;
    expect(propagationBound(config)).toBe(5_000_000 + config.proxy.minSyncPeriod + 20_000 + 1_000_000);
    expect(propagationBound(config, 0)).toBe(5_000_000 + config.proxy.minSyncPeriod);
  });
});

describe('noTerminatingWhileReady', () => {
  const ready = endpoint('10.244.1.1');
  const terminating = endpoint('10.244.2.2', { ready: false, serving: true, terminating: true });

  it('given a terminating candidate while a ready endpoint is eligible, then it is reported', () => {
    const violations = checkNoTerminatingWhileReady([sample([ready, terminating], [ready, terminating])], 9);
    expect(violations).toEqual([
      {
        invariant: 'noTerminatingWhileReady',
        at: 9,
        message:
          'node node-1 may send a new connection for demo/web:80/TCP to terminating endpoint 10.244.2.2:80 (demo/web-1) while ready endpoint(s) 10.244.1.1:80 are eligible',
      },
    ]);
  });

  it('given only serving-terminating endpoints, then falling back to them is allowed', () => {
    expect(checkNoTerminatingWhileReady([sample([terminating], [terminating])], 9)).toEqual([]);
  });

  it('given Local policy with a ready endpoint on another node only, then the local terminating fallback is allowed', () => {
    const localTerminating = { ...terminating, isLocal: true };
    expect(
      checkNoTerminatingWhileReady([sample([ready, localTerminating], [localTerminating], true)], 9),
    ).toEqual([]);
  });

  it('given Local policy with a local ready endpoint, then a local terminating candidate is reported', () => {
    const localReady = { ...ready, isLocal: true };
    const localTerminating = { ...terminating, isLocal: true };
    expect(
      checkNoTerminatingWhileReady(
        [sample([localReady, localTerminating], [localReady, localTerminating], true)],
        9,
      ),
    ).toHaveLength(1);
  });
});
