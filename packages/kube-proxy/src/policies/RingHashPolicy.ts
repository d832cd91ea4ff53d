import { BackendSnapshot, BasePolicy } from './BasePolicy.js';
import type { Backend, PickContext } from './LoadBalancingPolicy.js';
import { xxHash64Into, type Hash64 } from './xxHash64.js';

/** Envoy's default minimum ring size (`RingHashLoadBalancer::DefaultMinRingSize`), 1024 points. */
export const RING_HASH_DEFAULT_MIN_SIZE = 1024;
/** Envoy's default maximum ring size (`DefaultMaxRingSize`), 8M points. */
export const RING_HASH_DEFAULT_MAX_SIZE = 8 * 1024 * 1024;

/**
 * Options of {@link RingHashPolicy}.
 *
 * @example
 * ```ts
 * new RingHashPolicy({ minRingSize: 4096 });
 * ```
 */
export interface RingHashOptions {
  readonly minRingSize?: number;
  readonly maxRingSize?: number;
}

/** A built ring: points sorted by 64-bit hash, each naming a position in the backend list. */
interface Ring {
  readonly hi: Uint32Array;
  readonly lo: Uint32Array;
  readonly backend: Int32Array;
}

/**
 * Envoy's ring hash (ketama; `ring_hash_lb.cc`). Each backend gets points `xxHash64("<id>_<i>")`
 * for i = 0, 1, ...; the ring is scaled so the lightest backend gets a whole number of points,
 * scale = min(ceil(minWeight * minRingSize) / minWeight, maxRingSize) over normalized weights,
 * and points are assigned with running sums so fractional shares stay stable. A request hashes
 * its key (`hashKey`, else the source address) with xxHash64 and takes the first point at or after
 * it, wrapping to the first point (binary search). Defaults: min 1024, max 8M points; equal weights
 * over N backends give ceil(1024 / N) points each. Weight-0 backends get no points.
 *
 * @example
 * ```ts
 * const ring = new RingHashPolicy();
 * ring.pick(backends, { sourceIp: '10.244.3.7', hashKey: 'session-9', now: 0 });
 * ring.ringSize(backends); // 1026 for 3 equal backends
 * ```
 */
export class RingHashPolicy extends BasePolicy {
  readonly name: string = 'ring_hash';
  readonly minRingSize: number;
  readonly maxRingSize: number;
  readonly #snapshot = new BackendSnapshot();
  #ring: Ring = { hi: new Uint32Array(0), lo: new Uint32Array(0), backend: new Int32Array(0) };
  readonly #hash: Hash64 = { hi: 0, lo: 0 };

  constructor(options: RingHashOptions = {}) {
    super();
    this.minRingSize = options.minRingSize ?? RING_HASH_DEFAULT_MIN_SIZE;
    this.maxRingSize = options.maxRingSize ?? RING_HASH_DEFAULT_MAX_SIZE;
    if (!(this.minRingSize >= 1) || !(this.maxRingSize >= this.minRingSize)) {
      throw new RangeError(
        `ring hash: need 1 <= minRingSize <= maxRingSize, got ${this.minRingSize} and ${this.maxRingSize}`,
      );
    }
  }

  /** Number of points on the ring built for `backends`. */
  ringSize(backends: readonly Backend[]): number {
    return this.#refresh(backends).hi.length;
  }

  /** Points per backend id on the ring built for `backends`. */
  pointsPerBackend(backends: readonly Backend[]): Map<string, number> {
    const ring = this.#refresh(backends);
    const counts = new Map<string, number>();
    for (const index of ring.backend) {
      const id = (backends[index] as Backend).id;
      counts.set(id, (counts.get(id) ?? 0) + 1);
    }
    return counts;
  }

  pick(backends: readonly Backend[], context: PickContext): Backend | undefined {
    const ring = this.#refresh(backends);
    const size = ring.hi.length;
    if (size === 0) return undefined;
    const hash = xxHash64Into(context.hashKey ?? context.sourceIp, 0, this.#hash);
    // Lower bound: the first point with (hi, lo) >= hash; past the end wraps to point 0.
    let low = 0;
    let high = size;
    while (low < high) {
      const mid = (low + high) >>> 1;
      const midHi = ring.hi[mid] as number;
      if (midHi < hash.hi || (midHi === hash.hi && (ring.lo[mid] as number) < hash.lo)) low = mid + 1;
      else high = mid;
    }
    // Positions, not objects: an equal list rebuilt by the caller gets its own objects back.
    return backends[ring.backend[low === size ? 0 : low] as number];
  }

  #refresh(backends: readonly Backend[]): Ring {
    if (this.#snapshot.changed(backends))
      this.#ring = buildRing(backends, this.minRingSize, this.maxRingSize);
    return this.#ring;
  }
}

function buildRing(backends: readonly Backend[], minRingSize: number, maxRingSize: number): Ring {
  const positions: number[] = [];
  for (let i = 0; i < backends.length; i++) if ((backends[i] as Backend).weight > 0) positions.push(i);
  if (positions.length === 0)
    return { hi: new Uint32Array(0), lo: new Uint32Array(0), backend: new Int32Array(0) };
  let sum = 0;
  for (const position of positions) sum += (backends[position] as Backend).weight;
  let minWeight = Infinity;
  const normalized = positions.map((position) => {
    const weight = (backends[position] as Backend).weight / sum;
    minWeight = Math.min(minWeight, weight);
    return weight;
  });
  const scale = Math.min(Math.ceil(minWeight * minRingSize) / minWeight, maxRingSize);
  const points: { hi: number; lo: number; backend: number }[] = [];
  const hash: Hash64 = { hi: 0, lo: 0 };
  // Running sums across all hosts, exactly as Envoy keeps them (current_hashes / target_hashes).
  let current = 0;
  let target = 0;
  for (let b = 0; b < positions.length; b++) {
    target += scale * (normalized[b] as number);
    const position = positions[b] as number;
    const prefix = `${(backends[position] as Backend).id}_`;
    for (let i = 0; current < target; i++, current++) {
      xxHash64Into(prefix + i, 0, hash);
      points.push({ hi: hash.hi, lo: hash.lo, backend: position });
    }
  }
  // Envoy's std::sort is not stable; ties (64-bit collisions) are broken by insertion order here.
  points.sort((a, b) => a.hi - b.hi || a.lo - b.lo || a.backend - b.backend);
  const ring = {
    hi: new Uint32Array(points.length),
    lo: new Uint32Array(points.length),
    backend: new Int32Array(points.length),
  };
  for (let i = 0; i < points.length; i++) {
    const point = points[i] as { hi: number; lo: number; backend: number };
    ring.hi[i] = point.hi;
    ring.lo[i] = point.lo;
    ring.backend[i] = point.backend;
  }
  return ring;
}
