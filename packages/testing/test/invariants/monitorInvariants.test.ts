import { describe, expect, it } from 'vitest';
import { SECOND } from '@knsim/core';
import { monitorInvariants, monitorOf } from '../../src/invariants/monitorInvariants.js';
import { formatViolation } from '../../src/invariants/Violation.js';
import { runDocument } from '../../src/runDocument.js';
import { demoDocument } from './support.js';

describe('monitorInvariants', () => {
  it('given a healthy run with churn, when monitored every 500 ms, then no invariant is violated', async () => {
    const monitor = monitorInvariants({ period: '500ms' });
    const run = await runDocument(demoDocument(), { attach: monitor.attach });
    expect(monitor.check(run).map(formatViolation)).toEqual([]);
    expect(monitorOf(run.cluster)).toBe(monitor);
  });

  it('given the same document, when run with and without a monitor, then the log digest and every traffic count are identical', async () => {
    // Every request is sampled into the log (sample: 1), so a probe that consumed a balancer's
    // random stream would change the backends in the log, and so its digest.
    const plain = await runDocument(demoDocument());
    const monitor = monitorInvariants({ period: '250ms' });
    const monitored = await runDocument(demoDocument(), { attach: monitor.attach });
    expect(monitored.report.logDigest).toBe(plain.report.logDigest);
    expect(monitored.report.workloads).toEqual(plain.report.workloads);
  });

  it('given a probe that balances (a plain connect), when run, then the log changes: the control for the test above', async () => {
    const plain = await runDocument(demoDocument());
    const perturbed = await runDocument(demoDocument(), {
      attach: ({ cluster, dataPlane }) => {
        for (let at = SECOND; at < 20 * SECOND; at += SECOND / 4)
          cluster.sim.at(at, () => {
            const web = cluster.state.services.get('demo/web')?.service.spec.clusterIP;
            if (web === undefined) return;
            for (const node of cluster.state.nodes.keys())
              dataPlane.connect({ kind: 'node', node }, { ip: web, port: 80, protocol: 'TCP' });
          });
      },
    });
    expect(plain.cluster.sim.log.events.some((event) => (event.type as string) === 'RequestSampled')).toBe(
      true,
    );
    expect(perturbed.report.logDigest).not.toBe(plain.report.logDigest);
  });

  it('given a run that was not attached, when checked, then the end-of-run checks run and pass', async () => {
    const run = await runDocument(demoDocument());
    expect(monitorInvariants().check(run)).toEqual([]);
    expect(monitorOf(run.cluster)).toBeUndefined();
  });

  it('given a selection, when a broken fact concerns another invariant, then only the selected ones report', async () => {
    const run = await runDocument(demoDocument());
    // Break the data plane's record of demo/web: its latest version now has no endpoints.
    const latest = run.dataPlane.views.latest('demo/web');
    run.dataPlane.views.recordChange('demo/web', run.cluster.now, latest?.service, []);
    expect(monitorInvariants({ invariants: ['uniquePodIps', 'dnsMatchesState'] }).check(run)).toEqual([]);
    const violations = monitorInvariants({ invariants: ['proxyConvergence'] }).check(run);
    expect(violations.length).toBeGreaterThan(0);
    expect(violations.every((v) => v.invariant === 'proxyConvergence')).toBe(true);
  });
});
