const TWO_32 = 4294967296;
const TWO_MINUS_32 = 2.3283064365386963e-10;

/**
 * Johannes Baagøe's Mash hash as seedrandom's Alea seeds with it (same arithmetic, so the same
 * doubles): folds `data` into the running state `n` and returns the new state; `n >>> 0` times
 * 2^-32 is the hash's output, a multiple of 2^-32 in [0, 1). A plain function over a number, not
 * a closure: a closure's mutable number is a boxed heap number, written once per character, and
 * seeding a stream cost microseconds (thousands of streams are made on a run's first connections).
 */
function mash(n: number, data: string): number {
  for (let i = 0; i < data.length; i++) {
    n += data.charCodeAt(i);
    let h = 0.02519603282416938 * n;
    n = h >>> 0;
    h -= n;
    h *= n;
    n = h >>> 0;
    h -= n;
    n += h * TWO_32;
  }
  return n;
}

// Alea hashes three spaces first, whatever the seed: that state and its outputs are constants.
const SPACE_1 = mash(0xefc8249d, ' ');
const SPACE_2 = mash(SPACE_1, ' ');
const SPACE_3 = mash(SPACE_2, ' ');

// The ziggurat of the standard normal density exp(-x²/2) in 128 layers of equal area
// ZIGGURAT_V (Marsaglia and Tsang's constants): layer i >= 1 spans [0, X[i]] under heights
// f(X[i])..f(X[i+1]); the base layer is the rectangle up to X[1] = R plus the tail beyond,
// X[0] = V / f(R) its equivalent width. RATIO[i] = X[i+1] / X[i]: below it, a point is under the
// curve whatever its height.
const ZIGGURAT_R = 3.442619855899;
const ZIGGURAT_V = 9.91256303526217e-3;
const ZIGGURAT_X = new Float64Array(129);
const ZIGGURAT_RATIO = new Float64Array(128);
// The spacing of the 25-bit grid across a layer (2 / 2^25).
const ZIGGURAT_U = 2 / 33554432;
{
  let f = Math.exp(-0.5 * ZIGGURAT_R * ZIGGURAT_R);
  ZIGGURAT_X[0] = ZIGGURAT_V / f;
  ZIGGURAT_X[1] = ZIGGURAT_R;
  for (let i = 2; i < 128; i++) {
    const x = Math.sqrt(-2 * Math.log(ZIGGURAT_V / (ZIGGURAT_X[i - 1] as number) + f));
    ZIGGURAT_X[i] = x;
    f = Math.exp(-0.5 * x * x);
  }
  ZIGGURAT_X[128] = 0;
  for (let i = 0; i < 128; i++) ZIGGURAT_RATIO[i] = (ZIGGURAT_X[i + 1] as number) / (ZIGGURAT_X[i] as number);
}

/**
 * One named, seeded source of randomness. Every consumer in a simulation asks for its own stream
 * by name; a stream's sequence depends only on (run seed, stream name), so adding a new consumer
 * never shifts the numbers another one draws.
 *
 * The generator is seedrandom's Alea (2^116 period, string seeds), bit for bit: the same seed
 * gives the same doubles as `seedrandom.alea(seed)` (a test checks it). Its state is kept as small
 * integers instead of doubles, which the engine stores inline in this object: the hot paths draw
 * from thousands of streams (one per balancer), and a draw then reads one object, not a chain of
 * closure, state object and boxed numbers.
 *
 * @example
 * ```ts
 * const streams = new RandomStreams(42);
 * const delays = streams.stream('kube-proxy/node-1');
 * delays.exponential(1_000_000); // a sample with mean 1 s, the same on every run with seed 42
 * ```
 */
export class RandomStream {
  // Alea's state: s0, s1, s2 are multiples of 2^-32 in [0, 1), kept as their 32-bit numerators
  // (stored `| 0`, read `>>> 0`, so they stay small integers), and the carry c < 2091639.
  #s0: number;
  #s1: number;
  #s2: number;
  #c = 1;

  constructor(
    readonly seed: string,
    readonly name: string,
  ) {
    const key = `${seed}\u0000${name}`;
    let s0 = (SPACE_1 >>> 0) * TWO_MINUS_32;
    let s1 = (SPACE_2 >>> 0) * TWO_MINUS_32;
    let s2 = (SPACE_3 >>> 0) * TWO_MINUS_32;
    let n = mash(SPACE_3, key);
    s0 -= (n >>> 0) * TWO_MINUS_32;
    if (s0 < 0) s0 += 1;
    n = mash(n, key);
    s1 -= (n >>> 0) * TWO_MINUS_32;
    if (s1 < 0) s1 += 1;
    n = mash(n, key);
    s2 -= (n >>> 0) * TWO_MINUS_32;
    if (s2 < 0) s2 += 1;
    this.#s0 = (s0 * TWO_32) | 0;
    this.#s1 = (s1 * TWO_32) | 0;
    this.#s2 = (s2 * TWO_32) | 0;
  }

  /** Alea's next output, a multiple of 2^-32 in [0, 1). */
  #next(): number {
    return this.#nextWord() * TWO_MINUS_32;
  }

  /**
   * Alea's step in integers, answering the output's 32-bit numerator: t = 2091639·s0 + c·2^-32 is
   * exact in doubles (below 2^53 · 2^-32).
   */
  #nextWord(): number {
    const t = 2091639 * (this.#s0 >>> 0) + this.#c;
    const carry = Math.floor(t / TWO_32);
    const s2 = t - carry * TWO_32;
    this.#c = carry;
    this.#s0 = this.#s1;
    this.#s1 = this.#s2;
    this.#s2 = s2 | 0;
    return s2;
  }

  /** A uniform number in [0, 1). */
  next(): number {
    return this.#next();
  }

  /** A uniform number in [low, high). */
  uniform(low: number, high: number): number {
    return low + (high - low) * this.#next();
  }

  /** A uniform integer in [low, high], both inclusive. */
  int(low: number, high: number): number {
    if (!Number.isInteger(low) || !Number.isInteger(high) || high < low) {
      throw new RangeError(`int(${low}, ${high}): bounds must be integers with low <= high`);
    }
    return low + Math.floor(this.#next() * (high - low + 1));
  }

  /** True with probability p. */
  bernoulli(p: number): boolean {
    return this.#next() < p;
  }

  /** An exponential sample with the given mean (inverse transform; never Infinity). */
  exponential(mean: number): number {
    return -mean * Math.log(1 - this.#next());
  }

  /**
   * A normal sample, by the ziggurat method (Marsaglia and Tsang): one draw picks a layer (its 7
   * low bits) and a point across it (its 25 high bits); the point is accepted at once when it
   * lies under the curve for the whole layer, which is 98.8% of draws, so a sample usually costs
   * one draw and a multiplication (Box-Muller needs a logarithm, a square root, a sine and a
   * cosine per pair). The wedges and the tail beyond the base layer are sampled exactly.
   */
  normal(mean = 0, stddev = 1): number {
    for (;;) {
      const word = this.#nextWord();
      const layer = word & 127;
      // (-1, 1), symmetric: the 25 high bits, centred on their grid.
      const u = ((word >>> 7) + 0.5) * ZIGGURAT_U - 1;
      const width = ZIGGURAT_X[layer] as number;
      if (Math.abs(u) < (ZIGGURAT_RATIO[layer] as number)) return mean + stddev * u * width;
      const x = u * width;
      if (layer === 0) return mean + stddev * (u < 0 ? -this.#normalTail() : this.#normalTail());
      // A wedge: uniform height within the layer, kept when it is under the density at x.
      const inner = ZIGGURAT_X[layer + 1] as number;
      const low = Math.exp(-0.5 * (width * width - x * x));
      const high = Math.exp(-0.5 * (inner * inner - x * x));
      if (low + this.#next() * (high - low) < 1) return mean + stddev * x;
    }
  }

  /** A sample of the normal tail beyond the base layer's edge (Marsaglia's method), positive. */
  #normalTail(): number {
    for (;;) {
      const x = -Math.log(1 - this.#next()) / ZIGGURAT_R;
      const y = -Math.log(1 - this.#next());
      if (y + y >= x * x) return ZIGGURAT_R + x;
    }
  }

  /** A lognormal sample: exp(normal(mu, sigma)); its median is exp(mu). */
  lognormal(mu: number, sigma: number): number {
    return Math.exp(this.normal(mu, sigma));
  }

  /** One element chosen uniformly. */
  choice<T>(items: readonly T[]): T {
    if (items.length === 0) throw new RangeError('choice() from an empty list');
    return items[Math.floor(this.#next() * items.length)] as T;
  }

  /** One element chosen with probability proportional to its weight (weights >= 0, not all 0). */
  weightedChoice<T>(items: readonly T[], weights: readonly number[]): T {
    if (items.length !== weights.length)
      throw new RangeError('weightedChoice(): items and weights differ in length');
    let total = 0;
    for (const weight of weights) {
      if (!(weight >= 0) || !Number.isFinite(weight))
        throw new RangeError(`weightedChoice(): bad weight ${weight}`);
      total += weight;
    }
    if (total === 0) throw new RangeError('weightedChoice(): all weights are 0');
    let target = this.#next() * total;
    for (let i = 0; i < items.length; i++) {
      target -= weights[i] as number;
      if (target < 0) return items[i] as T;
    }
    // Floating-point rounding can leave target at exactly 0: take the last item of positive weight.
    for (let i = items.length - 1; i >= 0; i--) if ((weights[i] as number) > 0) return items[i] as T;
    throw new RangeError('weightedChoice(): unreachable');
  }

  /** A shuffled copy (Fisher-Yates). */
  shuffle<T>(items: readonly T[]): T[] {
    const out = items.slice();
    for (let i = out.length - 1; i > 0; i--) {
      const j = Math.floor(this.#next() * (i + 1));
      const swap = out[i] as T;
      out[i] = out[j] as T;
      out[j] = swap;
    }
    return out;
  }
}

/** The named streams of one run; `stream(name)` returns the same stream for the same name. */
export class RandomStreams {
  readonly seed: string;
  readonly #streams = new Map<string, RandomStream>();

  constructor(seed: number | string) {
    this.seed = String(seed);
  }

  stream(name: string): RandomStream {
    let stream = this.#streams.get(name);
    if (stream === undefined) {
      stream = new RandomStream(this.seed, name);
      this.#streams.set(name, stream);
    }
    return stream;
  }

  /** Names of the streams used so far, sorted (useful for reports and debugging). */
  names(): string[] {
    return [...this.#streams.keys()].sort();
  }
}
