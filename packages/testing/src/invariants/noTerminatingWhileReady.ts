import type { Instant } from '@knsim/core';
import type { CandidateSample } from './eligibleCandidates.js';
import type { Violation } from './Violation.js';

/**
 * The `noTerminatingWhileReady` invariant at one instant, following kube-proxy's
 * `CategorizeEndpoints`: serving-and-terminating endpoints are a fallback, used only when no
 * ready endpoint exists for the traffic policy in force (Cluster: none ready anywhere; Local:
 * none ready on this node). So a candidate that is not ready while a ready endpoint is eligible
 * on that node (under the same policy) is a violation. Every candidate is judged, so this holds
 * for whichever endpoint a balancer would pick.
 *
 * @example
 * ```ts
 * checkNoTerminatingWhileReady(sampleCandidates(run.dataPlane), run.cluster.now); // []
 * ```
 */
export function checkNoTerminatingWhileReady(samples: readonly CandidateSample[], at: Instant): Violation[] {
  const violations: Violation[] = [];
  for (const sample of samples) {
    const local = sample.internalTrafficPolicy === 'Local';
    const ready = sample.endpoints.filter((e) => e.ready && (!local || e.isLocal));
    if (ready.length === 0) continue;
    for (const candidate of sample.candidates) {
      if (candidate.ready) continue;
      const pod = sample.pods.get(candidate.ip)?.key;
      violations.push({
        invariant: 'noTerminatingWhileReady',
        at,
        message:
          `node ${sample.node} may send a new connection for ${sample.service}:${sample.port}/${sample.protocol} to ` +
          `${candidate.terminating ? 'terminating' : 'not-ready'} endpoint ${candidate.endpoint}${pod === undefined ? '' : ` (${pod})`} ` +
          `while ${local ? 'local ' : ''}ready endpoint(s) ${ready.map((e) => e.endpoint).join(', ')} are eligible`,
      });
    }
  }
  return violations;
}
