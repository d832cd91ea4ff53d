import type { KubeObject, ManifestOrigin } from '@knsim/api';
import type { ClusterConfig, ClusterConfigSpec } from '@knsim/control-plane';
import type { Duration } from '@knsim/core';
import type {
  NetworkSpec,
  ResolvedNetwork,
  ResolvedServer,
  ResolvedWorkload,
  ServerSpec,
  WorkloadSpec,
} from '@knsim/traffic';
import type { Expectation } from './Expectation.js';
import type { ScenarioIssue } from './ScenarioError.js';
import type { TimelineStep } from './TimelineStep.js';

/** Where a manifest came from: a file's document, or an inline `manifests[i]` entry. */
export interface ScenarioManifestOrigin extends ManifestOrigin {
  /** For inline objects: the scenario path, e.g. `manifests[2]`. */
  readonly path?: string;
}

/** The `traffic` section as written: the input of `resolveTraffic`. */
export interface TrafficInput {
  readonly workloads?: readonly WorkloadSpec[];
  readonly servers?: readonly ServerSpec[];
  readonly network?: NetworkSpec;
}

/** The `traffic` section after `resolveTraffic`. */
export interface ResolvedTraffic {
  readonly workloads: readonly ResolvedWorkload[];
  readonly servers: readonly ResolvedServer[];
  readonly network: ResolvedNetwork;
}

/** A validated, resolved scenario: everything a runner needs, each step and check with its location. */
export interface Scenario {
  /** The scenario file as given (`<scenario>` for text without a file). */
  readonly file: string;
  readonly metadata: {
    readonly name: string | undefined;
    readonly description: string | undefined;
    readonly labels: Readonly<Record<string, string>>;
  };
  /** The run seed (default `1`). */
  readonly seed: string;
  /** Simulated time of the run, µs. */
  readonly duration: Duration;
  /** The `cluster` section as written (overrides applied), and resolved with Kubernetes' defaults. */
  readonly cluster: { readonly spec: ClusterConfigSpec; readonly config: ClusterConfig };
  /** Initial objects: included files first (in `include` order), then inline `manifests`. */
  readonly manifests: {
    readonly objects: readonly KubeObject[];
    readonly origins: readonly ScenarioManifestOrigin[];
  };
  readonly traffic: { readonly spec: TrafficInput; readonly resolved: ResolvedTraffic };
  readonly timeline: readonly TimelineStep[];
  readonly expectations: readonly Expectation[];
  /** The `--set`/seed/duration overrides applied, as given. */
  readonly overrides: readonly string[];
  /** Non-fatal findings: skipped manifest kinds, non-standard values. */
  readonly warnings: readonly ScenarioIssue[];
}
