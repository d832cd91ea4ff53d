import type { Duration, Instant } from '@knsim/core';
import type { FailureReason, FairnessReport, LatencySummary } from '@knsim/traffic';

/** Where in the scenario file something was written: `file:line:column (path)`. */
export type Where = string;

/** One expectation's verdict. */
export interface ExpectationResult {
  readonly name: string;
  readonly passed: boolean;
  /** What the scenario asked for, in words. */
  readonly expected: string;
  /** What the run showed (for a window: the first failing instant, or the aggregate). */
  readonly observed: string;
  readonly where: Where;
  /** `at 90s` or `over 30s..2m`. */
  readonly when: string;
}

/** One timeline step as it ran. */
export interface TimelineResult {
  readonly at: Instant;
  readonly name: string;
  /** `ok`, or why the cluster refused it (the run goes on). */
  readonly result: string;
  readonly where: Where;
}

/** One time window of a workload. */
export interface SeriesPoint {
  readonly start: Instant;
  readonly end: Instant;
  readonly requests: number;
  readonly successRatio: number | null;
  readonly p50: number | null;
  readonly p99: number | null;
  readonly counts: Readonly<Record<string, number>>;
}

/** What one workload did over the run. */
export interface WorkloadReport {
  readonly name: string;
  /** The target as written (`HOST:PORT`) and the Service it names, if any. */
  readonly target: string;
  readonly service: string | null;
  readonly requests: number;
  readonly outcomes: Readonly<Record<string, number>>;
  readonly successRatio: number;
  /** Latency of successful requests, µs, from the intended send time. */
  readonly latency: LatencySummary;
  readonly dnsQueries: number;
  /** Per backend pod: requests, connections, and its share of the requests. */
  readonly backends: Readonly<
    Record<string, { readonly requests: number; readonly connections: number; readonly share: number }>
  >;
  readonly fairness: { readonly requests: FairnessReport; readonly connections: FairnessReport };
  readonly series: readonly SeriesPoint[];
  /** Why requests failed: the most frequent reasons, most frequent first. */
  readonly failureReasons: readonly FailureReason[];
  /** Failures of less frequent reasons, left out of `failureReasons`. */
  readonly otherFailures: number;
}

/** Load per Service: every workload that targets it, summed over its backend pods. */
export interface ServiceReport {
  readonly service: string;
  readonly workloads: readonly string[];
  readonly backends: Readonly<Record<string, { readonly requests: number; readonly share: number }>>;
  readonly fairness: FairnessReport;
}

/** `report.json`: everything a run produced, deterministic for a seed (no wall-clock figures). */
export interface RunReport {
  readonly format: 'knsim.report/v1';
  readonly scenario: {
    readonly name: string | null;
    readonly file: string;
    readonly description: string | null;
  };
  readonly seed: string;
  readonly scenarioDigest: string;
  /** sha256 of the event log (`events.ndjson`), as `knsim log verify` prints it. */
  readonly logDigest: string;
  readonly events: number;
  /** Simulated time, µs. */
  readonly duration: Duration;
  readonly passed: boolean;
  readonly expectations: readonly ExpectationResult[];
  readonly timeline: readonly TimelineResult[];
  readonly workloads: readonly WorkloadReport[];
  readonly services: readonly ServiceReport[];
  /** Width of the series windows, µs. */
  readonly window: Duration;
}
