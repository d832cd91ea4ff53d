import type { Duration, Instant } from '@knsim/core';
import type { ScenarioLocation } from './SourceLocator.js';
import type { ObjectName } from './TimelineStep.js';

/** Bounds on an observed number (all given bounds must hold). */
export interface Comparator {
  readonly atLeast?: number;
  readonly atMost?: number;
  readonly equals?: number;
}

/** When an expectation is checked. */
export type ExpectationTime =
  | { readonly kind: 'at'; readonly at: Instant }
  /** Metrics aggregate [from, to); point checks must hold at from, from + check, ... before to. */
  | { readonly kind: 'over'; readonly from: Instant; readonly to: Instant; readonly check: Duration };

/** A pod pattern: one pod, or every pod whose name starts with a prefix. */
export interface PodPattern {
  readonly namespace: string;
  /** The pod name, or the prefix when `prefix` is true. */
  readonly name: string;
  readonly prefix: boolean;
}

/** The result a `reach` expectation wants: an exact connect result, or any failure (`blocked`). */
export type ReachResult =
  'connected' | 'blocked' | 'refused' | 'dropped' | 'denied' | 'timeout' | 'nxdomain' | 'dns-failure';

/** Source of a connection: pods, a node, or an outside client. */
export type ReachSource =
  | ({ readonly kind: 'pod' } & PodPattern)
  | { readonly kind: 'node'; readonly node: string }
  | { readonly kind: 'external'; readonly ip: string | undefined };

/** Target of a connection. */
export type ReachTarget =
  | ({ readonly kind: 'pod' } & PodPattern)
  | { readonly kind: 'service'; readonly service: ObjectName }
  /** A DNS name (resolved as the source would) or an IP. */
  | { readonly kind: 'host'; readonly host: string };

/** A DNS answer set, written symbolically and computed from the cluster state when checked. */
export type DnsAnswers =
  | { readonly kind: 'clusterIPOf'; readonly service: ObjectName }
  | { readonly kind: 'readyPodIPsOf'; readonly service: ObjectName }
  | { readonly kind: 'values'; readonly values: readonly string[] };

/** The latency statistics an expectation can bound. */
export type LatencyStatistic = 'p50' | 'p90' | 'p99' | 'p999' | 'mean' | 'max';

/** Which traffic metric of a workload is bounded. */
export type MetricCheck =
  | { readonly kind: 'successRatio'; readonly comparator: Comparator }
  | { readonly kind: 'requests'; readonly comparator: Comparator }
  /** DNS queries sent per request over the window (ndots amplification). */
  | { readonly kind: 'dnsQueriesPerRequest'; readonly comparator: Comparator }
  | {
      readonly kind: 'outcome';
      readonly outcome: string;
      readonly count: Comparator | undefined;
      readonly ratio: Comparator | undefined;
    }
  /** Bounds in microseconds. */
  | { readonly kind: 'latency'; readonly statistic: LatencyStatistic; readonly comparator: Comparator }
  | {
      readonly kind: 'fairness';
      readonly of: 'requests' | 'connections';
      readonly index: 'jain' | 'maxOverMean' | 'cv';
      readonly comparator: Comparator;
    };

/** What an expectation asserts. */
export type ExpectationCheck =
  | {
      readonly type: 'reach';
      readonly from: ReachSource;
      readonly to: ReachTarget;
      readonly port: number | undefined;
      readonly protocol: 'TCP' | 'UDP' | 'SCTP';
      readonly result: ReachResult;
    }
  | {
      readonly type: 'dns';
      /** Resolve as this pod does; undefined: one query to cluster DNS. */
      readonly from: ObjectName | undefined;
      readonly name: string;
      readonly queryType: 'A' | 'AAAA' | 'SRV' | 'PTR' | 'CNAME' | 'TXT' | 'NS' | 'SOA' | 'ANY';
      readonly rcode: 'NOERROR' | 'NXDOMAIN' | 'SERVFAIL';
      readonly answers: DnsAnswers | undefined;
    }
  | {
      readonly type: 'route';
      readonly host: string | undefined;
      readonly path: string;
      readonly status: number | undefined;
      readonly service: ObjectName | undefined;
      readonly pod: PodPattern | undefined;
    }
  | {
      readonly type: 'endpoints';
      readonly service: ObjectName;
      readonly node: string;
      readonly port: number | undefined;
      readonly count: Comparator | undefined;
      readonly selector: string | undefined;
    }
  | { readonly type: 'metric'; readonly workload: string; readonly metric: MetricCheck };

/** One assertion of the scenario, and where it was written (reports say expected, observed, where). */
export interface Expectation {
  /** The expectation's `name`, or a default such as `expect[3] reach`. */
  readonly name: string;
  readonly time: ExpectationTime;
  readonly check: ExpectationCheck;
  readonly location: ScenarioLocation;
}
