import { formatDuration, type Duration, type Instant } from '@knsim/core';
import type { ClusterState } from '@knsim/control-plane';
import type { CandidateSample } from './eligibleCandidates.js';
import type { PodDeletions } from './podDeletions.js';
import type { Violation } from './Violation.js';

/**
 * The `noStaleConnections` invariant at one instant: no candidate endpoint of any sampled
 * (node, Service port) belongs to a pod deleted more than `bound` ago (see
 * {@link propagationBound}). Every candidate is judged, not one random pick, so a stale endpoint
 * a balancer could pick is found whichever it would pick. The message says where the address
 * leads now (nowhere, or to another pod that reused it).
 *
 * @example
 * ```ts
 * const deletions = new PodDeletions();
 * deletions.observe(run.cluster.sim.log.events);
 * checkNoStaleConnections(sampleCandidates(run.dataPlane), deletions, run.cluster.state, propagationBound(run.cluster.config), run.cluster.now);
 * ```
 */
export function checkNoStaleConnections(
  samples: readonly CandidateSample[],
  deletions: Pick<PodDeletions, 'deletedAt'>,
  state: ClusterState,
  bound: Duration,
  at: Instant,
): Violation[] {
  const violations: Violation[] = [];
  let owners: Map<string, string> | undefined;
  for (const sample of samples) {
    for (const candidate of sample.candidates) {
      const pod = sample.pods.get(candidate.ip);
      if (pod === undefined) continue;
      const deleted = deletions.deletedAt(pod);
      if (deleted === undefined || at - deleted <= bound) continue;
      if (owners === undefined) {
        owners = new Map();
        for (const [, record] of state.pods.sortedEntries())
          if (record.podIP !== undefined && record.spec.hostNetwork !== true)
            owners.set(record.podIP, record.key);
      }
      const now = owners.get(candidate.ip);
      violations.push({
        invariant: 'noStaleConnections',
        at,
        message:
          `node ${sample.node} may send a new connection for ${sample.service}:${sample.port}/${sample.protocol} to ` +
          `${candidate.endpoint}, whose pod ${pod.key} was deleted at ${formatDuration(deleted)}, more than ` +
          `${formatDuration(bound)} (the propagation bound) ago; that address now ${now === undefined ? 'reaches no pod' : `belongs to ${now}`}`,
      });
    }
  }
  return violations;
}
