/**
 * @knsim/cni: knsim's pod network addressing. Node podCIDRs carved from the cluster CIDR the way
 * kube-controller-manager's range allocator does it, and pod IPs handed out on each node the way
 * the CNI host-local IPAM plugin does it. Both are pure functions over immutable state values
 * that can live inside the simulation's immer state.
 *
 * @packageDocumentation
 */
export {
  HostLocalIpam,
  type HostLocalIpamOptions,
  type HostLocalIpamState,
  type IpamFailure,
  type IpamFailureReason,
  type IpamRelease,
  type IpamResult,
  type IpamSuccess,
} from './HostLocalIpam.js';
export { IpamConfigError } from './IpamConfigError.js';
export {
  NO_REMAINING_CIDRS_ERROR,
  NodeCidrAllocator,
  type NodeCidrAllocatorOptions,
  type NodeCidrAllocatorState,
  type NodeCidrFailure,
  type NodeCidrFailureReason,
  type NodeCidrResult,
  type NodeCidrSuccess,
} from './NodeCidrAllocator.js';
