import { beforeAll, describe, expect, it } from 'vitest';
import type { DnsQueryType } from '@knsim/dns';
import type { ScenarioRun } from '@knsim/scenario';
import { checkDnsMatchesState, type DnsAnswerer } from '../../src/invariants/dnsMatchesState.js';
import { runDocument } from '../../src/runDocument.js';
import { demoDocument } from './support.js';

let run: ScenarioRun;
beforeAll(async () => {
  run = await runDocument(demoDocument({ timeline: [] }));
});

/** Cluster DNS with one name's answer rewritten. */
function tampered(prefix: string, rewrite: (data: string) => string): DnsAnswerer {
  return {
    query: (name: string, type: DnsQueryType) => {
      const response = run.dns.query(name, type);
      if (!name.startsWith(prefix)) return response;
      return { ...response, answer: response.answer.slice(1).map((r) => ({ ...r, data: rewrite(r.data) })) };
    },
  };
}

describe('dnsMatchesState', () => {
  it('given a healthy run, then ClusterIP, headless and ExternalName answers match the state', () => {
    expect(checkDnsMatchesState(run.cluster.state, run.dns, 'cluster.local', run.cluster.now)).toEqual([]);
  });

  it('given DNS that leaves a ready endpoint out of a headless answer, then the headless Service is reported', () => {
    const violations = checkDnsMatchesState(
      run.cluster.state,
      tampered('peers.demo.', (d) => d),
      'cluster.local',
      1,
    );
    expect(violations.map((v) => v.message)).toEqual([
      expect.stringMatching(
        /^peers\.demo\.svc\.cluster\.local\. answers .*, expected headless demo\/peers: ready endpoints 10\.244\./,
      ),
    ]);
  });

  it('given DNS that drops the CNAME of an ExternalName Service, then it is reported', () => {
    const violations = checkDnsMatchesState(
      run.cluster.state,
      tampered('ext.demo.', (d) => d),
      'cluster.local',
      1,
    );
    expect(violations.map((v) => v.message)).toEqual([
      'ext.demo.svc.cluster.local. (ExternalName demo/ext) answers NOERROR (no answer), expected CNAME example.com.',
    ]);
  });

  it('given an ExternalName Service whose in-cluster target Service is deleted, then nothing is reported (CoreDNS drops the CNAME from A answers, not from CNAME ones)', async () => {
    const document = demoDocument({
      timeline: [{ at: '5s', delete: { kind: 'Service', namespace: 'demo', name: 'web' } }],
    });
    const manifests = document.manifests as Record<string, unknown>[];
    manifests.push({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'alias', namespace: 'demo' },
      spec: { type: 'ExternalName', externalName: 'web.demo.svc.cluster.local' },
    });
    const deleted = await runDocument(document);
    const name = 'alias.demo.svc.cluster.local.';
    expect(deleted.dns.query(name, 'A').answer).toEqual([]);
    expect(deleted.dns.query(name, 'CNAME').answer.map((r) => r.data)).toEqual([
      'web.demo.svc.cluster.local.',
    ]);
    expect(
      checkDnsMatchesState(deleted.cluster.state, deleted.dns, 'cluster.local', deleted.cluster.now),
    ).toEqual([]);
  });

  it('given a state where a headless endpoint turned not ready that DNS still answers, then it is reported', () => {
    const state = run.cluster.state;
    const [key, slice] = state.endpointSlices
      .sortedEntries()
      .find(([, s]) => s.metadata.labels?.['kubernetes.io/service-name'] === 'peers')!;
    const endpoints = slice.endpoints.map((e, i) =>
      i === 0 ? { ...e, conditions: { ...e.conditions, ready: false } } : e,
    );
    const changed = { ...state, endpointSlices: state.endpointSlices.set(key, { ...slice, endpoints }) };
    const violations = checkDnsMatchesState(changed, run.dns, 'cluster.local', 1);
    expect(violations).toHaveLength(1);
    expect(violations[0]!.message).toContain('expected headless demo/peers');
  });
});
