import seedrandom from 'seedrandom';

/**
 * One named, seeded source of randomness. Every consumer in a simulation asks for its own stream
 * by name; a stream's sequence depends only on (run seed, stream name), so adding a new consumer
 * never shifts the numbers another one draws.
 *
 * Built on seedrandom's Alea generator (fast, 2^116 period, string seeds).
 *
 * @example
 * ```ts
 * const streams = new RandomStreams(42);
 * const delays = streams.stream('kube-proxy/node-1');
 * delays.exponential(1_000_000); // a sample with mean 1 s, the same on every run with seed 42
 * ```
 */
export class RandomStream {
  readonly #next: () => number;
  #spareNormal: number | undefined;

  constructor(
    readonly seed: string,
    readonly name: string,
  ) {
    this.#next = seedrandom.alea(`${seed}\u0000${name}`);
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

  /** A normal sample (Box-Muller; the second value of each pair is kept for the next call). */
  normal(mean = 0, stddev = 1): number {
    if (this.#spareNormal !== undefined) {
      const spare = this.#spareNormal;
      this.#spareNormal = undefined;
      return mean + stddev * spare;
    }
    let u = 0;
    while (u === 0) u = this.#next();
    const v = this.#next();
    const radius = Math.sqrt(-2 * Math.log(u));
    this.#spareNormal = radius * Math.sin(2 * Math.PI * v);
    return mean + stddev * radius * Math.cos(2 * Math.PI * v);
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
