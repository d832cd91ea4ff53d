import type { RandomStream } from '@knsim/core';
import { BasePolicy } from './BasePolicy.js';
import type { Backend, PickContext } from './LoadBalancingPolicy.js';

const TWO_32 = 0x100000000;

/**
 * kube-proxy's nftables mode: `numgen random mod N vmap { 0 : goto endpoint-0, ... }`. The kernel
 * (`nft_ng_random_eval`) maps a random u32 to [0, N) with `reciprocal_scale`, i.e.
 * `(u64)r * N >> 32`; so does this, in one draw per pick. Exact for N < 2^21 endpoints. Positive
 * weights are ignored (the verdict map has none); weight-0 backends are left out of the map.
 *
 * @example
 * ```ts
 * const policy = new NftablesRandomPolicy(sim.rng('kube-proxy/node-1/web'));
 * policy.pick(backends, { sourceIp: '10.244.3.7', now: 0 });
 * ```
 */
export class NftablesRandomPolicy extends BasePolicy {
  readonly name: string = 'nftables';

  constructor(readonly rng: RandomStream) {
    super();
  }

  pick(backends: readonly Backend[], _context: PickContext): Backend | undefined {
    const map = this.positive(backends);
    const n = map.length;
    if (n === 0) return undefined;
    return map[nftablesElement(this.rng, n)];
  }
}

/**
 * The element of a `numgen random mod n` map (n >= 1) a new connection gets: one u32 draw scaled
 * to n (`reciprocal_scale`). What {@link NftablesRandomPolicy.pick} does, for a caller that knows
 * its map.
 */
export function nftablesElement(rng: RandomStream, n: number): number {
  const r = Math.floor(rng.next() * TWO_32);
  return Math.floor((r * n) / TWO_32);
}
