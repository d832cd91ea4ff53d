import { beforeAll, describe, expect, it } from 'vitest';
import type { LoggedEvent } from '@knsim/core';
import type { ClusterEvent } from '@knsim/control-plane';
import type { ScenarioRun } from '@knsim/scenario';
import {
  checkServiceDnsAddresses,
  ServiceAddressTracker,
} from '../../src/invariants/stableServiceAddresses.js';
import { runDocument } from '../../src/runDocument.js';
import { demoDocument } from './support.js';

let run: ScenarioRun;
beforeAll(async () => {
  run = await runDocument(demoDocument());
});

function service(ip: string) {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 'web', namespace: 'demo' },
    spec: { clusterIP: ip, clusterIPs: [ip] },
  };
}

describe('stableServiceAddresses', () => {
  it('given a healthy run, then no ClusterIP changed and DNS answers each ClusterIP', () => {
    expect(new ServiceAddressTracker().observe(run.cluster.sim.log.events)).toEqual([]);
    expect(checkServiceDnsAddresses(run.cluster.state, run.dns, 'cluster.local', run.cluster.now)).toEqual(
      [],
    );
  });

  it('given a log where a Service is updated with another ClusterIP, then the change is reported at the update', () => {
    const events = [
      { seq: 1, at: 0, type: 'ServiceCreated', service: service('10.96.0.20'), uid: 'u1' },
      { seq: 2, at: 5_000_000, type: 'ServiceUpdated', service: service('10.96.0.21') },
    ] as unknown as LoggedEvent<ClusterEvent>[];
    const tracker = new ServiceAddressTracker();
    expect(tracker.observe(events.slice(0, 1))).toEqual([]);
    expect(tracker.observe(events)).toEqual([
      {
        invariant: 'stableServiceAddresses',
        at: 5_000_000,
        message: 'Service demo/web (uid u1) changed its ClusterIP from 10.96.0.20 (since 0s) to 10.96.0.21',
      },
    ]);
  });

  it('given a Service deleted and recreated with a new uid and address, then nothing is reported', () => {
    const events = [
      { seq: 1, at: 0, type: 'ServiceCreated', service: service('10.96.0.20'), uid: 'u1' },
      { seq: 2, at: 1, type: 'ServiceDeleted', key: 'demo/web' },
      { seq: 3, at: 2, type: 'ServiceCreated', service: service('10.96.0.22'), uid: 'u2' },
    ] as unknown as LoggedEvent<ClusterEvent>[];
    expect(new ServiceAddressTracker().observe(events)).toEqual([]);
  });

  it("given DNS that answers a stale address for a Service's name, then the DNS side reports it", () => {
    const dns = {
      query: (name: string, type: Parameters<typeof run.dns.query>[1]) => {
        const response = run.dns.query(name, type);
        return name.startsWith('web.demo.')
          ? { ...response, answer: response.answer.map((r) => ({ ...r, data: '10.96.9.9' })) }
          : response;
      },
    };
    const violations = checkServiceDnsAddresses(run.cluster.state, dns, 'cluster.local', 3);
    expect(violations).toEqual([
      {
        invariant: 'stableServiceAddresses',
        at: 3,
        message: expect.stringMatching(
          /^web\.demo\.svc\.cluster\.local\. answers NOERROR 10\.96\.9\.9, expected demo\/web: ClusterIP 10\./,
        ),
      },
    ]);
  });
});
