import { beforeAll, describe, expect, it } from 'vitest';
import type { ScenarioRun } from '@knsim/scenario';
import { checkUniquePodIps } from '../../src/invariants/uniquePodIps.js';
import { runDocument } from '../../src/runDocument.js';
import { demoDocument } from './support.js';

let run: ScenarioRun;
beforeAll(async () => {
  run = await runDocument(demoDocument({ timeline: [] }));
});

describe('uniquePodIps', () => {
  it('given a healthy cluster, then every pod IP is unique and inside its node podCIDR', () => {
    expect(checkUniquePodIps(run.cluster.state, run.cluster.now)).toEqual([]);
  });

  it('given two pods with the same IP, then the duplicate is reported with both pods', () => {
    const state = run.cluster.state;
    const [a, b] = [...state.pods.values()].filter((pod) => pod.key.startsWith('demo/web-'));
    const pods = state.pods.set(b!.key, { ...b!, podIP: a!.podIP, nodeName: a!.nodeName });
    const violations = checkUniquePodIps({ ...state, pods }, 7);
    expect(violations).toEqual([
      { invariant: 'uniquePodIps', at: 7, message: expect.stringContaining(`share ${a!.podIP}`) },
    ]);
  });

  it("given a pod whose IP is outside its node's podCIDR, then it is reported with the CIDR", () => {
    const state = run.cluster.state;
    const pod = state.pods.get('demo/client')!;
    const violations = checkUniquePodIps(
      { ...state, pods: state.pods.set(pod.key, { ...pod, podIP: '10.99.0.1' }) },
      0,
    );
    expect(violations.map((v) => v.message)).toEqual([
      expect.stringMatching(
        /demo\/client has 10\.99\.0\.1, outside its node node-\d's podCIDR 10\.244\.\d+\.0\/24/,
      ),
    ]);
  });
});
