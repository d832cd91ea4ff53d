import { beforeAll, describe, expect, it } from 'vitest';
import type { ScenarioRun } from '@knsim/scenario';
import { monitorInvariants } from '../../src/invariants/monitorInvariants.js';
import { runDocument } from '../../src/runDocument.js';
import { installKnsimMatchers, knsimMatchers } from '../../src/vitest/knsimMatchers.js';
import { demoDocument } from '../invariants/support.js';

installKnsimMatchers();

let monitored: ScenarioRun;
let plain: ScenarioRun;
beforeAll(async () => {
  const monitor = monitorInvariants();
  monitored = await runDocument(demoDocument(), { attach: monitor.attach });
  plain = await runDocument(demoDocument());
});

describe('toKeepStableEndpoints', () => {
  it('given a healthy monitored run, then it passes, and .not fails saying what held', () => {
    expect(monitored).toKeepStableEndpoints();
    expect(() => expect(monitored).not.toKeepStableEndpoints()).toThrow(
      'expected the run to break an invariant, but all invariants held during and at the end of the run',
    );
  });

  it('given a run that was not monitored, then the end-of-run checks run', () => {
    expect(plain).toKeepStableEndpoints({ invariants: ['uniquePodIps', 'replaysToLiveState'] });
    const result = knsimMatchers.toKeepStableEndpoints(plain);
    expect(result.pass).toBe(true);
    expect(result.message()).toContain('at the end of the run');
  });

  it('given a broken data plane, then the message names the invariant, the time and the detail', async () => {
    const run = await runDocument(demoDocument({ timeline: [] }));
    const latest = run.dataPlane.views.latest('demo/web');
    run.dataPlane.views.recordChange('demo/web', run.cluster.now, latest?.service, []);
    expect(() => expect(run).toKeepStableEndpoints({ invariants: ['proxyConvergence'] })).toThrow(
      /expected the run to keep stable endpoints \(proxyConvergence, checked at the end of the run\), but 3 violation\(s\):\n {2}- proxyConvergence at 20s: node node-1's Cluster-policy endpoints for demo\/web:80\/TCP are none/,
    );
  });

  it('given something else than a run, then it fails clearly', () => {
    expect(() => expect({}).toKeepStableEndpoints()).toThrow('expected a ScenarioRun');
  });
});

describe('toBeFairWithin', () => {
  it('given even counts, then they are fair for random at 1e-9; uneven ones are not, with the bound in the message', () => {
    expect([5050, 4950]).toBeFairWithin({ policy: 'random', failureProbability: 1e-9 });
    expect({ a: 4, b: 3, c: 3 }).toBeFairWithin({ policy: 'rr' });
    expect(() => expect([6000, 4000]).toBeFairWithin({ policy: 'random', failureProbability: 1e-9 })).toThrow(
      /expected counts \[6000,4000\] to be fair for random \(binomial: observed 2, bound 0, false-failure probability 1e-9\): .*backend 0 got 6000, outside \[\d+, \d+\]/,
    );
    expect(() => expect([3, 2, 2]).not.toBeFairWithin({ policy: 'maglev' })).toThrow(
      /not to be fair for maglev \(maglev-slots/,
    );
  });
});
