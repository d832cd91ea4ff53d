import type { EventLog, Instant } from '@knsim/core';
import { Cluster, type ClusterState } from '@knsim/control-plane';
import { firstDifference } from './firstDifference.js';
import type { Violation } from './Violation.js';

/**
 * The `replaysToLiveState` invariant: `Cluster.replay(log.header, log.events).state`, the fold
 * of the recorded log, deep-equals the live state. The log must be retained in memory (the
 * default). Reports the first difference.
 *
 * @example
 * ```ts
 * checkReplaysToLiveState(run.cluster.sim.log, run.cluster.state, run.cluster.now); // []
 * ```
 */
export function checkReplaysToLiveState(
  log: Pick<EventLog, 'header' | 'events'>,
  state: ClusterState,
  at: Instant,
): Violation[] {
  let events;
  try {
    events = log.events;
  } catch (error) {
    return [
      {
        invariant: 'replaysToLiveState',
        at,
        message: `the log is not retained: ${(error as Error).message}`,
      },
    ];
  }
  const replayed = Cluster.replay(log.header, events).state;
  const difference = firstDifference(replayed, state);
  return difference === undefined
    ? []
    : [
        {
          invariant: 'replaysToLiveState',
          at,
          message: `folding the ${events.length} logged events does not give the live state; first difference (replayed vs live) at ${difference}`,
        },
      ];
}
