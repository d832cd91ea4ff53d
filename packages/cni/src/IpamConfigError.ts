import { UserError } from '@knsim/core';

/**
 * A pod-network configuration that the real component refuses at start-up: a cluster CIDR and
 * node mask size that kube-controller-manager rejects, or a podCIDR too small for host-local.
 * The message is the real component's text, so it reads as the cluster would report it.
 *
 * @example
 * ```ts
 * try {
 *   new HostLocalIpam('10.244.1.0/31');
 * } catch (error) {
 *   // IpamConfigError: invalid range set 0: Network 10.244.1.0/31 too small to allocate from
 * }
 * ```
 */
export class IpamConfigError extends UserError {
  override readonly name = 'IpamConfigError';
}
