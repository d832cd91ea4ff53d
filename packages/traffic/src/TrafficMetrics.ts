import type { Duration, Instant } from '@knsim/core';
import { BackendCounters } from './metrics/BackendCounters.js';
import { fairnessReport, type FairnessReport } from './metrics/fairness.js';
import type { LatencySummary } from './metrics/LatencyHistogram.js';
import { WindowedMetrics, type WindowPoint } from './metrics/WindowedMetrics.js';

// Outcomes filed per batch (see `TrafficMetrics.#file`).
const PENDING = 4096;

interface WorkloadMetrics {
  /** Its position in `#byId`: outcomes in a batch are filed grouped by it. */
  readonly id: number;
  readonly windows: WindowedMetrics;
  readonly pods: BackendCounters;
  dnsQueries: number;
  /** Failed requests by `outcome NUL reason`. */
  readonly reasons: Map<string, number>;
}

/** How many failed requests ended with one outcome for one reason. */
export interface FailureReason {
  readonly outcome: string;
  readonly reason: string;
  readonly count: number;
}

/** The most frequent failure reasons a summary lists per workload. */
export const TOP_FAILURE_REASONS = 20;

/** Records one workload's requests (see {@link TrafficMetrics.recorder}). */
export interface WorkloadRecorder {
  /** A request ended; a failure may say why (its `reason` is counted per outcome). */
  outcome(outcome: string, latency: Duration, at: Instant, reason?: string): void;
  request(pod: string): void;
  connection(pod: string): void;
  /** The counters of one backend pod, for a path that records to it many times. */
  backend(pod: string): BackendCounter;
}

/** One workload's counters of one backend pod (see {@link WorkloadRecorder.backend}). */
export interface BackendCounter {
  /** Counts a request sent to the pod. */
  request(): void;
  /** Counts a connection opened to the pod. */
  connection(): void;
}

/** What a workload did, for reports. */
export interface WorkloadSummary {
  readonly name: string;
  readonly requests: number;
  readonly outcomes: Readonly<Record<string, number>>;
  readonly successRatio: number;
  /** Latency of successful requests, µs, from the intended send time. */
  readonly latency: LatencySummary;
  readonly dnsQueries: number;
  /** Requests and connections per backend pod. */
  readonly backends: Readonly<Record<string, { readonly requests: number; readonly connections: number }>>;
  readonly fairness: { readonly requests: FairnessReport; readonly connections: FairnessReport };
  readonly series: readonly WindowPoint[];
  /**
   * The most frequent reasons of failed requests (at most {@link TOP_FAILURE_REASONS}), most
   * frequent first, then by outcome and reason; `otherFailures` counts the failures left out
   * (and those recorded without a reason).
   */
  readonly failureReasons: readonly FailureReason[];
  readonly otherFailures: number;
}

/**
 * The aggregate metrics of a run: per workload, outcome counts, latency histograms (whole run
 * and per time window), DNS queries, and request and connection counts per backend pod. Memory
 * grows with windows and backends, never with requests.
 */
export class TrafficMetrics {
  readonly #window: Duration;
  readonly #workloads = new Map<string, WorkloadMetrics>();
  // Outcomes recorded through recorders wait here and are filed in batches: the per-request path
  // then writes to a few hot arrays instead of touching one workload's counters and histograms
  // (a dozen cold cache lines) each time, and a batch is filed workload by workload, so those
  // lines are fetched once per batch rather than once per request. Everything that reads, or
  // records otherwise, files them first. Each workload's outcomes keep their order and nothing
  // a workload records depends on another's, so results are exactly those of filing each at once.
  readonly #pendingIds = new Int32Array(PENDING);
  readonly #order = new Int32Array(PENDING);
  #starts = new Int32Array(1);
  readonly #byId: WorkloadMetrics[] = [];
  readonly #pendingOutcomes: string[] = new Array<string>(PENDING).fill('');
  readonly #pendingAt = new Float64Array(PENDING);
  readonly #pendingLatency = new Float64Array(PENDING);
  readonly #pendingReasons: (string | undefined)[] = new Array<string | undefined>(PENDING);
  #pendingCount = 0;

  constructor(options: { window?: Duration } = {}) {
    this.#window = options.window ?? 1_000_000;
  }

  #enqueue(id: number, outcome: string, latency: Duration, at: Instant, reason: string | undefined): void {
    const i = this.#pendingCount;
    this.#pendingIds[i] = id;
    this.#pendingReasons[i] = reason;
    this.#pendingOutcomes[i] = outcome;
    this.#pendingAt[i] = at;
    this.#pendingLatency[i] = latency;
    this.#pendingCount = i + 1;
    if (i + 1 === PENDING) this.#file();
  }

  /** Files the pending outcomes into their workloads' windows and histograms. */
  #file(): void {
    const count = this.#pendingCount;
    this.#pendingCount = 0;
    // A stable counting sort of the batch by workload.
    const workloads = this.#byId.length;
    if (this.#starts.length < workloads + 1) this.#starts = new Int32Array(2 * workloads + 1);
    const starts = this.#starts;
    const ids = this.#pendingIds;
    const order = this.#order;
    starts.fill(0, 0, workloads + 1);
    for (let i = 0; i < count; i++) {
      const next = (ids[i] as number) + 1;
      starts[next] = (starts[next] as number) + 1;
    }
    for (let w = 0; w < workloads; w++) starts[w + 1] = (starts[w + 1] as number) + (starts[w] as number);
    for (let i = 0; i < count; i++) {
      const id = ids[i] as number;
      const at = starts[id] as number;
      order[at] = i;
      starts[id] = at + 1;
    }
    // Workload by workload (`starts[w]` is now the end of w's run in `order`): failures filed one
    // by one, the ok ones gathered and filed together (nothing they count depends on their order
    // among the failures).
    const okAt = this.#okAt;
    const okLatency = this.#okLatency;
    let begin = 0;
    for (let w = 0; w < workloads; w++) {
      const end = starts[w] as number;
      if (end === begin) continue;
      const metrics = this.#byId[w] as WorkloadMetrics;
      let oks = 0;
      for (let k = begin; k < end; k++) {
        const i = order[k] as number;
        const outcome = this.#pendingOutcomes[i] as string;
        if (outcome === 'ok') {
          this.#pendingReasons[i] = undefined;
          okAt[oks] = this.#pendingAt[i] as number;
          okLatency[oks] = this.#pendingLatency[i] as number;
          oks++;
          continue;
        }
        metrics.windows.record(this.#pendingAt[i] as number, outcome);
        const reason = this.#pendingReasons[i];
        if (reason !== undefined) countReason(metrics, outcome, reason);
        this.#pendingReasons[i] = undefined;
      }
      if (oks > 0) metrics.windows.recordOks(okAt, okLatency, 0, oks);
      begin = end;
    }
  }

  // A workload's ok outcomes of one batch, gathered (see `#file`).
  readonly #okAt = new Float64Array(PENDING);
  readonly #okLatency = new Float64Array(PENDING);

  #of(workload: string): WorkloadMetrics {
    if (this.#pendingCount > 0) this.#file();
    let metrics = this.#workloads.get(workload);
    if (metrics === undefined) {
      metrics = {
        id: this.#byId.length,
        windows: new WindowedMetrics({ width: this.#window }),
        pods: new BackendCounters(),
        dnsQueries: 0,
        reasons: new Map(),
      };
      this.#workloads.set(workload, metrics);
      this.#byId.push(metrics);
    }
    return metrics;
  }

  /**
   * The recorder of one workload, for a hot path that records many requests: the same effects as
   * {@link TrafficMetrics.outcome}, `request` and `connection`, without looking the workload up.
   */
  recorder(workload: string): WorkloadRecorder {
    const metrics = this.#of(workload);
    return new this.#Recorder(this, metrics.id, metrics);
  }

  // One object per workload (not closures over it): recording an outcome reads the recorder and
  // the pending arrays, nothing of the workload's metrics. Declared in the class body to reach
  // `#enqueue`.
  readonly #Recorder = class implements WorkloadRecorder {
    constructor(
      readonly owner: TrafficMetrics,
      readonly id: number,
      readonly metrics: WorkloadMetrics,
    ) {}

    outcome(outcome: string, latency: Duration, at: Instant, reason?: string): void {
      this.owner.#enqueue(this.id, outcome, latency, at, reason);
    }

    request(pod: string): void {
      this.metrics.pods.recordRequest(pod);
    }

    connection(pod: string): void {
      this.metrics.pods.recordConnectionOpen(pod);
    }

    backend(pod: string): BackendCounter {
      return this.metrics.pods.tally(pod);
    }
  };

  outcome(
    workload: string,
    outcome: string,
    latency: Duration,
    at: Instant,
    _backend?: string,
    reason?: string,
  ): void {
    const metrics = this.#of(workload);
    metrics.windows.record(at, outcome, outcome === 'ok' ? latency : undefined);
    if (reason !== undefined && outcome !== 'ok') countReason(metrics, outcome, reason);
  }

  connection(workload: string, _backend: string, pod: string): void {
    this.#of(workload).pods.recordConnectionOpen(pod);
  }

  request(workload: string, _backend: string, pod: string): void {
    this.#of(workload).pods.recordRequest(pod);
  }

  dnsQueries(workload: string, count: number): void {
    this.#of(workload).dnsQueries += count;
  }

  /** Registers backends that should count even if they never get traffic (for fairness). */
  expectBackends(workload: string, pods: Iterable<string>): void {
    const metrics = this.#of(workload);
    for (const pod of pods) metrics.pods.register(pod);
  }

  /** Width of the time windows, µs. */
  get window(): Duration {
    return this.#window;
  }

  /**
   * A workload's requests that ended in [from, to) (rounded to whole windows): outcome counts,
   * success ratio and ok-latency summary.
   */
  range(
    workload: string,
    from: Instant,
    to: Instant,
  ): {
    readonly requests: number;
    readonly outcomes: Readonly<Record<string, number>>;
    readonly successRatio: number;
    readonly latency: LatencySummary;
  } {
    const { outcomes, latency } = this.#of(workload).windows.range(from, to);
    const counts = outcomes.toJSON();
    const requests = outcomes.total;
    return {
      requests,
      outcomes: counts,
      successRatio: requests === 0 ? 1 : (counts['ok'] ?? 0) / requests,
      latency: latency.summary(),
    };
  }

  /** Requests and connections per backend pod so far (subtract two of these for a time range). */
  backendCounts(
    workload: string,
  ): Record<string, { readonly requests: number; readonly connections: number }> {
    const pods = this.#of(workload).pods;
    const out: Record<string, { requests: number; connections: number }> = {};
    for (const pod of pods.backends()) {
      const stats = pods.get(pod);
      out[pod] = { requests: stats?.requests ?? 0, connections: stats?.connections ?? 0 };
    }
    return out;
  }

  workloads(): string[] {
    if (this.#pendingCount > 0) this.#file();
    return [...this.#workloads.keys()].sort();
  }

  summary(workload: string, until?: Instant): WorkloadSummary {
    const metrics = this.#of(workload);
    const outcomes: Record<string, number> = {};
    let total = 0;
    for (const outcome of metrics.windows.totals.outcomes()) {
      const count = metrics.windows.totals.get(outcome);
      outcomes[outcome] = count;
      total += count;
    }
    const pods = metrics.pods.backends();
    const backends: Record<string, { requests: number; connections: number }> = {};
    for (const pod of pods) {
      const stats = metrics.pods.get(pod);
      backends[pod] = { requests: stats?.requests ?? 0, connections: stats?.connections ?? 0 };
    }
    return {
      name: workload,
      requests: total,
      outcomes,
      successRatio: total === 0 ? 1 : (outcomes['ok'] ?? 0) / total,
      latency: metrics.windows.latency.summary(),
      dnsQueries: metrics.dnsQueries,
      backends,
      fairness: {
        requests: fairnessReport(metrics.pods.counts('requests', pods)),
        connections: fairnessReport(metrics.pods.counts('connections', pods)),
      },
      series: metrics.windows.series(until === undefined ? {} : { until }),
      ...topReasons(metrics, total - (outcomes['ok'] ?? 0)),
    };
  }
}

function countReason(metrics: WorkloadMetrics, outcome: string, reason: string): void {
  const key = `${outcome}\u0000${reason}`;
  metrics.reasons.set(key, (metrics.reasons.get(key) ?? 0) + 1);
}

function topReasons(
  metrics: WorkloadMetrics,
  failures: number,
): { failureReasons: FailureReason[]; otherFailures: number } {
  const all: FailureReason[] = [];
  for (const [key, count] of metrics.reasons) {
    const split = key.indexOf('\u0000');
    all.push({ outcome: key.slice(0, split), reason: key.slice(split + 1), count });
  }
  all.sort((a, b) =>
    b.count !== a.count
      ? b.count - a.count
      : a.outcome !== b.outcome
        ? a.outcome < b.outcome
          ? -1
          : 1
        : a.reason < b.reason
          ? -1
          : a.reason > b.reason
            ? 1
            : 0,
  );
  const top = all.slice(0, TOP_FAILURE_REASONS);
  return { failureReasons: top, otherFailures: failures - top.reduce((sum, r) => sum + r.count, 0) };
}
