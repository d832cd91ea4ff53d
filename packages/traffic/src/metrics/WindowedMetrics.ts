import { SECOND, type Duration, type Instant } from '@knsim/core';
import { LatencyHistogram, type LatencySummary, type SignificantDigits } from './LatencyHistogram.js';
import { OutcomeCounter, type Outcome } from './OutcomeCounter.js';

/** How {@link WindowedMetrics} cuts time into windows. */
export interface WindowedMetricsOptions {
  /** Window width in µs of virtual time; default 1 s. */
  readonly width?: Duration;
  /** Instant the first window starts; default 0 (the start of the run). */
  readonly origin?: Instant;
  /**
   * Precision of each window's latency histogram; default 2 digits (within 1%), plenty for a
   * chart and about a tenth of the memory of 3 digits, which matters over thousands of windows.
   */
  readonly windowSignificantDigits?: SignificantDigits;
  /** Precision of the whole-run latency histogram; default 3 digits. */
  readonly significantDigits?: SignificantDigits;
}

/** One window of a {@link WindowedMetrics} series: [start, end) in µs and what happened in it. */
export interface WindowPoint {
  readonly index: number;
  readonly start: Instant;
  readonly end: Instant;
  readonly total: number;
  /** Count per outcome; every outcome seen anywhere in the run, so all points share keys. */
  readonly counts: Readonly<Record<string, number>>;
  /** ok / total, or `null` for a window without requests. */
  readonly successRatio: number | null;
  /** Latency percentiles of the window's ok requests in µs, or `null` if it had none. */
  readonly p50: number | null;
  readonly p99: number | null;
}

/** The JSON form of {@link WindowedMetrics}: settings, run totals and the full series. */
export interface WindowedMetricsJSON {
  readonly width: Duration;
  readonly origin: Instant;
  readonly totals: Readonly<Record<string, number>>;
  readonly successRatio: number | null;
  readonly latency: LatencySummary;
  readonly series: readonly WindowPoint[];
}

interface Window {
  readonly outcomes: OutcomeCounter;
  latency: LatencyHistogram | undefined;
}

/**
 * Request outcomes and ok-latencies per window of virtual time, plus run totals, for success-ratio
 * and latency charts. Window i covers [origin + i·width, origin + (i+1)·width). Memory is
 * O(windows), never O(requests): each window holds an {@link OutcomeCounter} and, once it sees an
 * ok request, a small {@link LatencyHistogram}.
 *
 * Callers choose which instant files a request; the completion instant is the natural one (a
 * window then reports what finished in it). Instants may arrive in any order.
 *
 * @example
 * ```ts
 * const metrics = new WindowedMetrics({ width: SECOND });
 * metrics.record(200_000, 'ok', 1_500); // at 0.2 s, ok after 1.5 ms
 * metrics.record(1_300_000, 'timeout');
 * metrics.series();
 * // [{ index: 0, start: 0, end: 1_000_000, total: 1, successRatio: 1, p50: 1_500, … },
 * //  { index: 1, start: 1_000_000, end: 2_000_000, total: 1, successRatio: 0, p50: null, … }]
 * ```
 */
export class WindowedMetrics {
  readonly width: Duration;
  readonly origin: Instant;
  /** Outcome counts over the whole run. */
  readonly totals = new OutcomeCounter();
  /** Latencies of every ok request over the whole run (full precision). */
  readonly latency: LatencyHistogram;
  readonly #windowDigits: SignificantDigits;
  readonly #windows: (Window | undefined)[] = [];
  // The window touched last: consecutive records almost always share it.
  #lastIndex = -1;
  #last: Window | undefined;

  constructor(options: WindowedMetricsOptions = {}) {
    const width = options.width ?? SECOND;
    const origin = options.origin ?? 0;
    if (!Number.isSafeInteger(width) || width < 1)
      throw new RangeError(`window width ${width} must be a positive integer (µs)`);
    if (!Number.isSafeInteger(origin))
      throw new RangeError(`window origin ${origin} must be an integer instant`);
    this.width = width;
    this.origin = origin;
    this.#windowDigits = options.windowSignificantDigits ?? 2;
    this.latency = new LatencyHistogram({ significantDigits: options.significantDigits ?? 3 });
  }

  /** The index of the window holding instant `at`. */
  indexAt(at: Instant): number {
    if (!Number.isSafeInteger(at) || at < this.origin) {
      throw new RangeError(`instant ${at} must be an integer not before the first window (${this.origin})`);
    }
    return Math.floor((at - this.origin) / this.width);
  }

  /**
   * Records one request that ended at `at` with `outcome`; for `ok`, `latency` (µs) also goes into
   * the window's and the run's latency histograms. Latencies of failures are ignored: a timeout's
   * latency is the timeout, and would only distort the percentiles. Hot path: O(1), allocation
   * only when a window is first touched.
   */
  record(at: Instant, outcome: Outcome, latency?: Duration): void {
    const window = this.#window(this.indexAt(at));
    window.outcomes.record(outcome);
    this.totals.record(outcome);
    if (latency !== undefined && outcome === 'ok') {
      this.#latencyOf(window).record(latency);
      this.latency.record(latency);
    }
  }

  /**
   * Records requests that ended `ok`: the k-th at `ats[k]` after `latencies[k]` µs, for k in
   * [from, to). The same as calling {@link WindowedMetrics.record} for each (in any order), but
   * each run of requests in one window is counted and filed into the histograms at once.
   */
  recordOks(ats: ArrayLike<number>, latencies: ArrayLike<number>, from: number, to: number): void {
    let start = from;
    while (start < to) {
      const index = this.indexAt(ats[start] as number);
      let end = start + 1;
      while (end < to && this.indexAt(ats[end] as number) === index) end++;
      const window = this.#window(index);
      // Histograms first: an invalid latency throws before anything is counted.
      this.#latencyOf(window).recordMany(latencies, start, end);
      this.latency.recordMany(latencies, start, end);
      window.outcomes.record('ok', end - start);
      this.totals.record('ok', end - start);
      start = end;
    }
  }

  /** Window `index`, made when first touched (consecutive records almost always share one). */
  #window(index: number): Window {
    let window = index === this.#lastIndex ? this.#last : this.#windows[index];
    if (window === undefined) {
      window = { outcomes: new OutcomeCounter(), latency: undefined };
      this.#windows[index] = window;
    }
    this.#lastIndex = index;
    this.#last = window;
    return window;
  }

  /** A window's latency histogram, made at its first ok request. */
  #latencyOf(window: Window): LatencyHistogram {
    // Sized for the largest latency so far: windows then rarely grow their counts.
    return (window.latency ??= new LatencyHistogram({
      significantDigits: this.#windowDigits,
      counts: 'int32',
      ...(this.latency.count > 0 ? { expectedMax: this.latency.max } : {}),
    }));
  }

  /** Number of windows from the first through the last one recorded into (0 when empty). */
  get windowCount(): number {
    return this.#windows.length;
  }

  /** Outcome counts of window `index` (an empty counter for a window without requests). */
  outcomesIn(index: number): OutcomeCounter {
    return this.#windows[index]?.outcomes ?? new OutcomeCounter();
  }

  /** The ok-latency histogram of window `index` (empty when it had no ok request). */
  latencyIn(index: number): LatencyHistogram {
    return this.#windows[index]?.latency ?? new LatencyHistogram({ significantDigits: this.#windowDigits });
  }

  /** ok / total in window `index`; NaN for a window without requests. */
  successRatio(index: number): number {
    return this.#windows[index]?.outcomes.successRatio() ?? NaN;
  }

  /**
   * Outcomes and ok-latencies of the windows that start in [from, to): a time range rounded to
   * whole windows (choose the width to match the ranges you ask about).
   */
  range(
    from: Instant,
    to: Instant,
  ): { readonly outcomes: OutcomeCounter; readonly latency: LatencyHistogram } {
    const outcomes = new OutcomeCounter();
    const latency = new LatencyHistogram({ significantDigits: this.#windowDigits });
    const first = Math.max(0, Math.ceil((from - this.origin) / this.width));
    const last = Math.min(this.#windows.length, Math.ceil((to - this.origin) / this.width));
    for (let index = first; index < last; index++) {
      const window = this.#windows[index];
      if (window === undefined) continue;
      outcomes.merge(window.outcomes);
      if (window.latency !== undefined) latency.merge(window.latency);
    }
    return { outcomes, latency };
  }

  /** Window `index` as a chart point. */
  point(index: number): WindowPoint {
    if (!Number.isSafeInteger(index) || index < 0)
      throw new RangeError(`window index ${index} must be a non-negative integer`);
    const window = this.#windows[index];
    // fromEntries, not assignment: an outcome named __proto__ must stay a plain key.
    const counts = Object.fromEntries(
      this.totals.outcomes().map((outcome) => [outcome, window?.outcomes.get(outcome) ?? 0] as const),
    );
    const total = window?.outcomes.total ?? 0;
    const latency = window?.latency;
    return {
      index,
      start: this.origin + index * this.width,
      end: this.origin + (index + 1) * this.width,
      total,
      counts,
      successRatio: total === 0 ? null : (window?.outcomes.get('ok') ?? 0) / total,
      p50: latency === undefined ? null : latency.percentile(50),
      p99: latency === undefined ? null : latency.percentile(99),
    };
  }

  /**
   * Every window from the first (at `origin`) through the last recorded, empty ones included so a
   * chart's time axis has no gaps. With `until`, the series extends (or is cut) to the windows
   * starting before that instant, e.g. the end of the run.
   */
  series(options: { readonly until?: Instant } = {}): WindowPoint[] {
    const count =
      options.until === undefined
        ? this.#windows.length
        : Math.max(0, Math.ceil((options.until - this.origin) / this.width));
    const points: WindowPoint[] = [];
    for (let index = 0; index < count; index++) points.push(this.point(index));
    return points;
  }

  /** Settings, run totals, the run's ok-latency summary and the full series. */
  toJSON(): WindowedMetricsJSON {
    const ratio = this.totals.successRatio();
    return {
      width: this.width,
      origin: this.origin,
      totals: this.totals.toJSON(),
      successRatio: Number.isNaN(ratio) ? null : ratio,
      latency: this.latency.summary(),
      series: this.series(),
    };
  }
}
