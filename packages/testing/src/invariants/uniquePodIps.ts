import { parseIpv4, parseIpv4Cidr } from '@knsim/api';
import type { Instant } from '@knsim/core';
import type { ClusterState } from '@knsim/control-plane';
import type { Violation } from './Violation.js';

/**
 * The `uniquePodIps` invariant on one cluster state: no two live pods (pods in the state with an
 * IP, host-network pods excepted, as they share their node's address) have the same IP, and each
 * pod's IP lies inside its node's podCIDR. A pod whose node is gone from the state is not judged
 * against a CIDR (the pod garbage collector removes it).
 *
 * @example
 * ```ts
 * checkUniquePodIps(run.cluster.state, run.cluster.now); // [] on a healthy cluster
 * ```
 */
export function checkUniquePodIps(state: ClusterState, at: Instant): Violation[] {
  const violations: Violation[] = [];
  const holders = new Map<string, string>();
  for (const [, pod] of state.pods.sortedEntries()) {
    if (pod.podIP === undefined || pod.spec.hostNetwork === true) continue;
    const holder = holders.get(pod.podIP);
    if (holder !== undefined)
      violations.push({
        invariant: 'uniquePodIps',
        at,
        message: `${holder} and ${pod.key} share ${pod.podIP}`,
      });
    else holders.set(pod.podIP, pod.key);
    const node = pod.nodeName === undefined ? undefined : state.nodes.get(pod.nodeName);
    if (node === undefined) continue;
    const address = parseIpv4(pod.podIP);
    if (node.podCIDR === undefined) {
      violations.push({
        invariant: 'uniquePodIps',
        at,
        message: `${pod.key} has ${pod.podIP} but its node ${node.name} has no podCIDR`,
      });
    } else if (address !== undefined && !parseIpv4Cidr(node.podCIDR).contains(address)) {
      violations.push({
        invariant: 'uniquePodIps',
        at,
        message: `${pod.key} has ${pod.podIP}, outside its node ${node.name}'s podCIDR ${node.podCIDR}`,
      });
    }
  }
  return violations;
}
