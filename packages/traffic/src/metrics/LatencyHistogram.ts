import { HOUR, type Duration } from '@knsim/core';
import { Float64Histogram, Int32Histogram } from 'hdr-histogram-js';

type Hdr = Float64Histogram | Int32Histogram;

const TWO_TO_32 = 2 ** 32;
// Values where a mistake in the fast index would show: bucket edges, powers of two, the top.
// prettier-ignore
const PROBES = [
  0, 1, 2, 3, 127, 128, 255, 256, 1023, 1024, 2047, 2048, 2049, 4095, 4096, 65_535, 1_000_000, 123_456_789,
  2 ** 31 - 1, 2 ** 31, TWO_TO_32 - 1,
];

// HdrHistogram's bucket index for lowestDiscernibleValue 1 and values below 2^32, with integer ops
// (clz32 and shifts) where the library uses Math.log2 and Math.pow: about 15x faster.
function fastIndex(value: number, halfMagnitude: number, halfCount: number): number {
  const highBit = 31 - Math.clz32(value);
  const bucket = highBit > halfMagnitude ? highBit - halfMagnitude : 0;
  return ((bucket + 1) << halfMagnitude) + (value >>> bucket) - halfCount;
}

// The fast path writes the library's public counters directly, so it is only taken when this
// version of hdr-histogram-js is laid out as expected and indexes every probe the same way;
// otherwise record() falls back to recordValue (correct, just slower). The answer depends on the
// library and the precision only: asked once per precision and counter width (a run makes a
// histogram per workload and time window).
const agreement = new Map<string, boolean>();
function fastPathAgreesFor(histogram: Hdr, key: string): boolean {
  let agrees = agreement.get(key);
  if (agrees === undefined) agreement.set(key, (agrees = fastPathAgrees(histogram)));
  return agrees;
}

function fastPathAgrees(histogram: Hdr): boolean {
  if (histogram.unitMagnitude !== 0 || !ArrayBuffer.isView(histogram._counts)) return false;
  if (typeof histogram._totalCount !== 'number' || typeof histogram.maxValue !== 'number') return false;
  return PROBES.every(
    (value) =>
      fastIndex(value, histogram.subBucketHalfCountMagnitude, histogram.subBucketHalfCount) ===
      histogram.countsArrayIndex(value),
  );
}

/** Significant decimal digits an HdrHistogram keeps: 3 means values within 0.1%. */
export type SignificantDigits = 1 | 2 | 3 | 4 | 5;

/** How a {@link LatencyHistogram} is sized. */
export interface LatencyHistogramOptions {
  /** Relative precision as significant decimal digits; default 3 (within 0.1%). */
  readonly significantDigits?: SignificantDigits;
  /**
   * Highest value tracked, in µs; default 1 hour. Larger values are counted at this value and
   * tallied in {@link LatencyHistogram.clamped} (min, max and mean still use the exact value).
   */
  readonly highest?: Duration;
  /**
   * Width of each bucket's counter: `float64` (default) counts exactly to 2^53; `int32` halves the
   * memory but wraps past 2^32 in one bucket, which is ample for one time window.
   */
  readonly counts?: 'float64' | 'int32';
  /**
   * A value the histogram will likely see, µs: its counts array starts large enough for it
   * instead of growing step by step (sizing only: values and results are the same).
   */
  readonly expectedMax?: Duration;
}

/** The usual latency statistics in µs; `null` where the histogram is empty. */
export interface LatencySummary {
  readonly count: number;
  readonly min: number | null;
  readonly mean: number | null;
  readonly p50: number | null;
  readonly p90: number | null;
  readonly p99: number | null;
  readonly p999: number | null;
  readonly max: number | null;
}

/**
 * The JSON form of a {@link LatencyHistogram}: the summary plus the sparse non-empty buckets, so a
 * report carries readable percentiles and can still be merged or re-analysed later
 * ({@link LatencyHistogram.fromJSON} rebuilds the histogram exactly).
 */
export interface LatencyHistogramJSON extends LatencySummary {
  readonly unit: 'us';
  readonly significantDigits: SignificantDigits;
  readonly highest: number;
  /** Exact sum of the recorded values (µs), for an exact mean after merging. */
  readonly sum: number;
  readonly clamped: number;
  /** `[lowest value of the bucket in µs, count]` for every non-empty bucket, in increasing value. */
  readonly buckets: ReadonlyArray<readonly [value: number, count: number]>;
}

/**
 * Latencies in integer microseconds, 1 µs to 1 hour at 3 significant digits by default, in an
 * HdrHistogram (pure-JS implementation: no WebAssembly, so runs are portable and bit-identical).
 * Recording is O(1) and allocation-free; the counts array starts small and grows by power-of-two
 * buckets only up to the largest value seen, so an idle histogram costs a few KB.
 *
 * Percentiles carry HdrHistogram's precision (the reported value is the top of the bucket holding
 * the exact percentile, at most 10^-digits above it) and are clamped to the exact [min, max], so a
 * p100 is never above the true maximum. Min, max and mean are exact.
 *
 * Statistics of an empty histogram are NaN; the JSON forms say `null` instead.
 *
 * @example
 * ```ts
 * const latency = new LatencyHistogram();
 * for (const us of [120, 250, 250, 900, 40_000]) latency.record(us);
 * latency.percentile(50); // 250
 * latency.max; // 40_000
 * latency.summary(); // { count: 5, min: 120, mean: 8304, p50: 250, … }
 * ```
 */
export class LatencyHistogram {
  readonly significantDigits: SignificantDigits;
  /** Values above this (µs) are counted here; see {@link LatencyHistogramOptions.highest}. */
  readonly highest: Duration;
  readonly #counts: 'float64' | 'int32';
  readonly #histogram: Hdr;
  readonly #fast: boolean;
  readonly #halfMagnitude: number;
  readonly #halfCount: number;
  #sum = 0;
  #min = Infinity;
  #max = -Infinity;
  #clamped = 0;

  constructor(options: LatencyHistogramOptions = {}) {
    const digits = options.significantDigits ?? 3;
    const highest = options.highest ?? HOUR;
    if (![1, 2, 3, 4, 5].includes(digits)) throw new RangeError(`significantDigits ${digits} must be 1..5`);
    if (!Number.isSafeInteger(highest) || highest < 2)
      throw new RangeError(`highest ${highest} must be an integer >= 2`);
    this.significantDigits = digits;
    this.highest = highest;
    this.#counts = options.counts ?? 'float64';
    // Start at the smallest size (highest trackable 2, or the expected maximum) and let
    // HdrHistogram grow on demand: record() never passes a value above `highest`, which bounds
    // the growth.
    const initial = Math.min(highest, Math.max(2, Math.floor(options.expectedMax ?? 2)));
    this.#histogram =
      this.#counts === 'int32'
        ? new Int32Histogram(1, initial, digits)
        : new Float64Histogram(1, initial, digits);
    this.#histogram.autoResize = true;
    this.#fast = fastPathAgreesFor(this.#histogram, `${this.#counts}/${digits}`);
    this.#halfMagnitude = this.#histogram.subBucketHalfCountMagnitude;
    this.#halfCount = this.#histogram.subBucketHalfCount;
  }

  /** Rebuilds a histogram from its {@link LatencyHistogram.toJSON} form. */
  static fromJSON(json: LatencyHistogramJSON): LatencyHistogram {
    const histogram = new LatencyHistogram({
      significantDigits: json.significantDigits,
      highest: json.highest,
    });
    for (const [value, count] of json.buckets) histogram.#histogram.recordValueWithCount(value, count);
    if (json.count > 0) {
      histogram.#sum = json.sum;
      histogram.#min = json.min ?? Infinity;
      histogram.#max = json.max ?? -Infinity;
    }
    histogram.#clamped = json.clamped;
    return histogram;
  }

  /**
   * Records one latency in integer µs (>= 0). Hot path: O(1), no allocation.
   *
   * @throws RangeError for a negative or non-integer value (virtual time is integer µs, so either
   * is a bug upstream).
   */
  record(us: Duration): void {
    if (!Number.isSafeInteger(us) || us < 0) {
      throw new RangeError(`latency ${us} must be a non-negative integer number of microseconds`);
    }
    this.#sum += us;
    if (us < this.#min) this.#min = us;
    if (us > this.#max) this.#max = us;
    let value = us;
    if (value > this.highest) {
      this.#clamped++;
      value = this.highest;
    }
    const histogram = this.#histogram;
    if (this.#fast && value < TWO_TO_32) {
      const index = fastIndex(value, this.#halfMagnitude, this.#halfCount);
      const counts = histogram._counts;
      if (index < counts.length) {
        // What recordValue does for lowestDiscernibleValue 1, minus the floating-point indexing.
        counts[index] = (counts[index] as number) + 1;
        histogram._totalCount++;
        if (value > histogram.maxValue) histogram.maxValue = value;
        if (value !== 0 && value < histogram.minNonZeroValue) histogram.minNonZeroValue = value;
        return;
      }
    }
    // Outside the counts array (the library grows it) or no fast path: the library's own way.
    histogram.recordValue(value);
  }

  /**
   * Records `values[from]` .. `values[to - 1]`, as many calls of {@link LatencyHistogram.record}
   * would (nothing is recorded if one of them is invalid). For a caller with many values at once:
   * the checks and statistics come first, then the counts, in a loop of independent increments
   * that the processor overlaps (the buckets of a large histogram are rarely in the cache).
   */
  recordMany(values: ArrayLike<number>, from = 0, to: number = values.length): void {
    let sum = this.#sum;
    let min = this.#min;
    let max = this.#max;
    let top = 0;
    let bottom = Infinity;
    for (let k = from; k < to; k++) {
      const us = values[k] as number;
      if (!Number.isSafeInteger(us) || us < 0) {
        throw new RangeError(`latency ${us} must be a non-negative integer number of microseconds`);
      }
      sum += us;
      if (us < min) min = us;
      if (us > max) max = us;
      if (us > top) top = us;
      if (us !== 0 && us < bottom) bottom = us;
    }
    this.#sum = sum;
    this.#min = min;
    this.#max = max;
    const histogram = this.#histogram;
    const counts = histogram._counts;
    if (
      !this.#fast ||
      top > this.highest ||
      top >= TWO_TO_32 ||
      fastIndex(top, this.#halfMagnitude, this.#halfCount) >= counts.length
    ) {
      // Some value is clamped or outside the counts array: one at a time, the library's way.
      for (let k = from; k < to; k++) {
        let value = values[k] as number;
        if (value > this.highest) {
          this.#clamped++;
          value = this.highest;
        }
        histogram.recordValue(value);
      }
      return;
    }
    // Every index is below the largest value's, which is in range.
    const halfMagnitude = this.#halfMagnitude;
    const halfCount = this.#halfCount;
    for (let k = from; k < to; k++) {
      const index = fastIndex(values[k] as number, halfMagnitude, halfCount);
      counts[index] = (counts[index] as number) + 1;
    }
    histogram._totalCount += to - from;
    if (to > from) {
      if (top > histogram.maxValue) histogram.maxValue = top;
      if (bottom < histogram.minNonZeroValue) histogram.minNonZeroValue = bottom;
    }
  }

  /** Whether record() uses the integer fast path (see fastPathAgrees); exposed for tests. */
  get fastPath(): boolean {
    return this.#fast;
  }

  /** Number of values recorded. */
  get count(): number {
    return this.#histogram.totalCount;
  }

  /** How many recorded values exceeded {@link LatencyHistogram.highest} and were counted there. */
  get clamped(): number {
    return this.#clamped;
  }

  /** Exact smallest value recorded (NaN when empty). */
  get min(): number {
    return this.count === 0 ? NaN : this.#min;
  }

  /** Exact largest value recorded (NaN when empty). */
  get max(): number {
    return this.count === 0 ? NaN : this.#max;
  }

  /** Exact mean of the values recorded (NaN when empty). */
  get mean(): number {
    return this.count === 0 ? NaN : this.#sum / this.count;
  }

  /** Exact sum of the values recorded, in µs. */
  get sum(): number {
    return this.#sum;
  }

  /**
   * The value at percentile `p` in [0, 100] (50 for the median, 99.9 for p99.9): the smallest
   * recorded value (to HdrHistogram's precision) that `p`% of the values do not exceed. NaN when
   * empty. O(buckets): meant for reports, not the hot path.
   */
  percentile(p: number): number {
    if (!(p >= 0 && p <= 100)) throw new RangeError(`percentile ${p} must lie in [0, 100]`);
    if (this.count === 0) return NaN;
    const value = this.#histogram.getValueAtPercentile(p);
    return Math.min(Math.max(value, this.#min), this.#max);
  }

  /**
   * Adds every value of `other` to this histogram (as if they had been recorded here) and returns
   * this. `other` is unchanged. Merging histograms of different precision keeps this one's.
   */
  merge(other: LatencyHistogram): this {
    if (other.count === 0) return this;
    this.#histogram.add(other.#histogram);
    this.#sum += other.#sum;
    if (other.#min < this.#min) this.#min = other.#min;
    if (other.#max > this.#max) this.#max = other.#max;
    this.#clamped += other.#clamped;
    return this;
  }

  /** A new histogram with the same options and contents. */
  clone(): LatencyHistogram {
    const copy = new LatencyHistogram({
      significantDigits: this.significantDigits,
      highest: this.highest,
      counts: this.#counts,
    });
    return copy.merge(this);
  }

  /** Forgets every value recorded. */
  reset(): void {
    this.#histogram.reset();
    this.#sum = 0;
    this.#min = Infinity;
    this.#max = -Infinity;
    this.#clamped = 0;
  }

  /** Count, exact min/mean/max and p50, p90, p99, p99.9 in µs; `null` statistics when empty. */
  summary(): LatencySummary {
    const empty = this.count === 0;
    const at = (p: number): number | null => (empty ? null : this.percentile(p));
    return {
      count: this.count,
      min: empty ? null : this.#min,
      mean: empty ? null : this.#sum / this.count,
      p50: at(50),
      p90: at(90),
      p99: at(99),
      p999: at(99.9),
      max: empty ? null : this.#max,
    };
  }

  /**
   * The {@link LatencyHistogramJSON} form: the summary, exact sum, precision and sparse bucket
   * counts. Deterministic: the same recorded values always give the same JSON.
   */
  toJSON(): LatencyHistogramJSON {
    const histogram = this.#histogram;
    const buckets: [number, number][] = [];
    for (let index = 0; index < histogram.countsArrayLength; index++) {
      const count = histogram.getCountAtIndex(index);
      if (count > 0) buckets.push([histogram.valueFromIndex(index), count]);
    }
    return {
      unit: 'us',
      significantDigits: this.significantDigits,
      highest: this.highest,
      ...this.summary(),
      sum: this.#sum,
      clamped: this.#clamped,
      buckets,
    };
  }
}
