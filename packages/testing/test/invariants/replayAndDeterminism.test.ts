import { describe, expect, it } from 'vitest';
import { BasePolicy, registerPolicy, type Backend } from '@knsim/kube-proxy';
import { checkReplaysToLiveState } from '../../src/invariants/replaysToLiveState.js';
import { firstDifference } from '../../src/invariants/firstDifference.js';
import { sameSeedSameLog } from '../../src/invariants/sameSeedSameLog.js';
import { runDocument } from '../../src/runDocument.js';
import { demoDocument } from './support.js';

// A deliberately non-deterministic policy: it keeps state across runs (module level), so the
// second run of a seed picks other backends than the first. A pseudo-random sequence, not a
// counter: a counter's picks would repeat whenever a run made a multiple of the backends' count.
let flakyState = 1;
class FlakyPolicy extends BasePolicy {
  readonly name = 'knsim-test-flaky';
  pick(backends: readonly Backend[]): Backend | undefined {
    const live = backends.filter((b) => b.weight > 0);
    flakyState = (flakyState * 48_271) % 2_147_483_647;
    return live[flakyState % Math.max(1, live.length)];
  }
}
registerPolicy('knsim-test-flaky', () => new FlakyPolicy());

describe('replaysToLiveState', () => {
  it('given a run, then folding its log gives the live state', async () => {
    const run = await runDocument(demoDocument());
    expect(checkReplaysToLiveState(run.cluster.sim.log, run.cluster.state, run.cluster.now)).toEqual([]);
  });

  it('given a live state that lost a pod, then the first difference names it', async () => {
    const run = await runDocument(demoDocument());
    const state = run.cluster.state;
    const broken = { ...state, pods: state.pods.delete('demo/client') };
    const [violation] = checkReplaysToLiveState(run.cluster.sim.log, broken, 5);
    expect(violation?.invariant).toBe('replaysToLiveState');
    expect(violation?.message).toMatch(
      /first difference \(replayed vs live\) at pods\["demo\/client"\]: present vs missing$/,
    );
  });

  it('firstDifference compares nested values', () => {
    expect(firstDifference({ a: [1, 2] }, { a: [1, 3] })).toBe('a[1]: 2 vs 3');
    expect(firstDifference({ a: 1, b: undefined }, { a: 1 })).toBeUndefined();
    expect(firstDifference(new Uint8Array([1]), new Uint8Array([1]))).toBeUndefined();
  });
});

describe('sameSeedSameLog', () => {
  it('given a deterministic scenario, then two runs give the same log', async () => {
    expect(
      await sameSeedSameLog(
        demoDocument({
          duration: '8s',
          timeline: [{ at: '5s', rollout: { deployment: 'demo/web', restart: true } }],
        }),
      ),
    ).toEqual([]);
  });

  it('given a policy that keeps state between runs, then the logs differ and the first differing line is shown', async () => {
    const document = demoDocument({
      duration: '8s',
      timeline: [],
      cluster: { nodes: 3, proxy: { policy: 'knsim-test-flaky' } },
    });
    const [violation] = await sameSeedSameLog(document);
    expect(violation?.invariant).toBe('sameSeedSameLog');
    expect(violation?.message).toMatch(
      /^two runs of seed 3 gave different logs \(sha256:\w+ vs sha256:\w+\); first difference at line \d+:\n .*RequestSampled/,
    );
  });
});
