import { describe, expect, it } from 'vitest';
import { SECOND } from '@knsim/core';
import { firstDifference } from '../../src/invariants/firstDifference.js';
import { runDocument } from '../../src/runDocument.js';
import {
  AdvanceTimeCommand,
  ConvergeCommand,
  CrashNodeCommand,
  createClusterModel,
  DrainCommand,
  FailReadinessCommand,
  KillPodCommand,
  LiveCluster,
  PartitionNodeCommand,
  RecoverNodeCommand,
  RestoreReadinessCommand,
  RolloutCommand,
  ScaleCommand,
  UncordonCommand,
} from '../../src/model/index.js';
import { CONFIG, MANIFESTS, WEB } from './support.js';

describe('LiveCluster', () => {
  it('given the manifests, when started, then it is converged, at a half second, and breaks no invariant', () => {
    const live = LiveCluster.start({ seed: 3, config: CONFIG, manifests: MANIFESTS });
    expect(live.converged).toBe(true);
    expect(live.now % SECOND).toBe(SECOND / 2);
    expect(live.nodeNames()).toEqual(['node-1', 'node-2', 'node-3']);
    expect(live.violations()).toEqual([]);
    // Default timings: 5s propagation + 1s minSyncPeriod + 20ms controller sync + 1s + 5s policy enforcement.
    expect(live.settleTime).toBe(12_020_000);
  });

  it('given every kind of command, when its recorded timeline is run as a scenario, then the scenario ends in exactly the live state', async () => {
    const live = LiveCluster.start({ seed: 3, config: CONFIG, manifests: MANIFESTS });
    const model = createClusterModel([WEB], live);
    const commands = [
      new ScaleCommand(WEB, 4),
      new RolloutCommand(WEB, 3),
      new KillPodCommand(WEB, 1),
      new FailReadinessCommand(WEB),
      new CrashNodeCommand('node-2'),
      new AdvanceTimeCommand(70 * SECOND),
      new RestoreReadinessCommand(0),
      new DrainCommand('node-3'),
      new RecoverNodeCommand('node-2'),
      new RolloutCommand(WEB, undefined),
      new UncordonCommand('node-3'),
      new PartitionNodeCommand('node-1'),
      new ConvergeCommand(),
    ];
    for (const command of commands) {
      expect(command.check(model), command.toString()).toBe(true);
      await command.run(model, live);
    }
    const document = live.scenario('fidelity');
    expect(document.timeline?.map((step) => Object.keys(step)[1])).toEqual([
      'scale',
      'rollout',
      'killPod',
      'failReadiness',
      'crashNode',
      'drainNode',
      'recoverNode',
      'rollout',
      'uncordonNode',
      'partitionNode',
    ]);
    // The restore became the fault's duration: 70 s of AdvanceTime plus the steps around it.
    expect(document.timeline?.[3]).toEqual({
      at: '5.5s',
      failReadiness: { namespace: 'shop', selector: 'app=web', duration: '1m12s' },
    });
    const run = await runDocument(document);
    expect(run.cluster.now).toBe(live.now);
    expect(firstDifference(run.cluster.state, live.cluster.state)).toBeUndefined();
  });
});
