import { describe, expect, it } from 'vitest';
import { checkProxyConvergence } from '../../src/invariants/proxyConvergence.js';
import { runDocument } from '../../src/runDocument.js';
import { demoDocument } from './support.js';

describe('proxyConvergence', () => {
  it('given a run whose last change is long before the end, then every node has the latest rules', async () => {
    const run = await runDocument(demoDocument());
    expect(checkProxyConvergence(run.dataPlane)).toEqual([]);
  });

  it('given a scale-down 100 ms before the end and no time to settle, then the nodes still on the old version are reported', async () => {
    const run = await runDocument(
      demoDocument({
        duration: '20s',
        cluster: { nodes: 3, timings: { proxyPropagation: '2s' } },
        timeline: [{ at: '19900ms', scale: { deployment: 'demo/web', replicas: 1 } }],
      }),
    );
    const violations = checkProxyConvergence(run.dataPlane, { settle: 0 });
    expect(violations.length).toBeGreaterThan(0);
    expect(violations[0]!.message).toMatch(
      /^node node-\d has programmed version \d+ \(at .*\) of demo\/(peers|web) 0s after the end, not the latest, version \d+/,
    );
    // Given the propagation bound to settle, they catch up.
    expect(checkProxyConvergence(run.dataPlane)).toEqual([]);
  });

  it('given a data plane whose record of a Service lost its endpoints, then the endpoint lists differ from the state', async () => {
    const run = await runDocument(demoDocument({ timeline: [] }));
    const latest = run.dataPlane.views.latest('demo/web');
    run.dataPlane.views.recordChange('demo/web', run.cluster.now, latest?.service, []);
    const messages = checkProxyConvergence(run.dataPlane).map((v) => v.message);
    expect(messages).toHaveLength(3); // one per node, Cluster policy list
    expect(messages[0]).toMatch(
      /^node node-1's Cluster-policy endpoints for demo\/web:80\/TCP are none, but the state's slices make 10\.244\.\d+\.\d+:80, .* eligible$/,
    );
  });
});
