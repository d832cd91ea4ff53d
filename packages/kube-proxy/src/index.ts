/**
 * @knsim/kube-proxy: every node's kube-proxy in simulation. Endpoint eligibility exactly as
 * kube-proxy's `CategorizeEndpoints`, the connection verdicts and masquerading its rules produce,
 * iptables/nftables/IPVS balancing and research policies behind one pluggable interface, and
 * the data plane that programs each node's rules after its own propagation delay.
 *
 * @packageDocumentation
 */
export * from './eligibility/index.js';
export * from './policies/index.js';
export * from './runtime/index.js';
