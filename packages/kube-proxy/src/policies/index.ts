/**
 * Load-balancing policies: kube-proxy's iptables/nftables random selection, the IPVS schedulers,
 * and the L7 balancers (Maglev, ring hash, Envoy least request, Linkerd peak EWMA, nginx smooth
 * WRR), behind one {@link LoadBalancingPolicy} interface and a name registry.
 *
 * @module
 */
export type {
  Backend,
  LoadBalancingPolicy,
  PickContext,
  PolicyFactory,
  PolicyOptions,
} from './LoadBalancingPolicy.js';
export {
  BalancerState,
  expireInactive,
  type BackendCounters,
  type ConnectionCounter,
} from './BalancerState.js';
export { BackendSnapshot, BasePolicy } from './BasePolicy.js';
export { createPolicy, policies, registerPolicy, UnknownPolicyError } from './policyRegistry.js';
export { isPrime, OptionReader, PolicyOptionError } from './policyOptions.js';
export {
  iptablesProbability,
  iptablesRuleProbabilities,
  IptablesRandomPolicy,
  statisticThreshold,
} from './IptablesRandomPolicy.js';
export { NftablesRandomPolicy } from './NftablesRandomPolicy.js';
export { IPVS_INACTIVE_TIMEOUT, IpvsRoundRobinPolicy } from './IpvsRoundRobinPolicy.js';
export { IpvsWeightedRoundRobinPolicy } from './IpvsWeightedRoundRobinPolicy.js';
export { IpvsLeastConnectionPolicy, type IpvsLeastConnectionKind } from './IpvsLeastConnectionPolicy.js';
export {
  fillBuckets,
  hash32to8,
  IPVS_HASH_BUCKETS,
  IpvsSourceHashPolicy,
  type IpvsSourceHashOptions,
} from './IpvsSourceHashPolicy.js';
export { IpvsDestinationHashPolicy } from './IpvsDestinationHashPolicy.js';
export { IPVS_MH_TABLE_SIZES, IpvsMaglevPolicy, type IpvsMaglevOptions } from './IpvsMaglevPolicy.js';
export { IPVS_DRAIN_CHECK_INTERVAL, IpvsGracefulTermination } from './IpvsGracefulTermination.js';
export {
  buildMaglevTable,
  envoyMaglevPermutation,
  MAGLEV_DEFAULT_TABLE_SIZE,
  MaglevPolicy,
  type MaglevEntry,
  type MaglevOptions,
  type MaglevPermutation,
} from './MaglevPolicy.js';
export {
  RING_HASH_DEFAULT_MAX_SIZE,
  RING_HASH_DEFAULT_MIN_SIZE,
  RingHashPolicy,
  type RingHashOptions,
} from './RingHashPolicy.js';
export { LeastRequestPolicy, type LeastRequestOptions } from './LeastRequestPolicy.js';
export {
  PEAK_EWMA_DEFAULT_DECAY,
  PEAK_EWMA_DEFAULT_RTT,
  PeakEwmaPolicy,
  type PeakEwmaOptions,
} from './PeakEwmaPolicy.js';
export { SmoothWeightedRoundRobinPolicy } from './SmoothWeightedRoundRobinPolicy.js';
export { foldAddress, splitHostPort } from './foldAddress.js';
export { xxHash64, xxHash64Bytes, xxHash64Into, type Hash64 } from './xxHash64.js';
export { hsiphash32, sipHash, type SipHashKey } from './sipHash.js';
