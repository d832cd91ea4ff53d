/**
 * @knsim/scenario: knsim's scenario format. One YAML document (`apiVersion: knsim.dev/v1alpha1`,
 * `kind: Scenario`) holds the cluster configuration, manifests (inline and included files),
 * traffic, a timeline of changes and faults, and expectations. This package publishes its JSON
 * Schema ({@link SCENARIO_SCHEMA}, printed by `knsim schema`), parses and validates scenarios
 * with every error located at `file:line:column`, applies command-line overrides (`--set`), and
 * computes the scenario digest recorded in event logs. See docs/scenarios.md.
 *
 * @packageDocumentation
 */
export {
  DURATION_PATTERN,
  OBJECT_REF_PATTERN,
  POD_PATTERN,
  SCENARIO_API_VERSION,
  SCENARIO_SCHEMA,
  SCENARIO_SCHEMA_ID,
  type JsonSchema,
} from './scenarioSchema.js';
export { createScenarioAjv } from './validateScenarioSchema.js';
export { parseScenario, type ParseScenarioOptions } from './parseScenario.js';
export { loadScenario, type LoadScenarioOptions } from './loadScenario.js';
export { scenarioDigest } from './scenarioDigest.js';
export {
  compareScenarioIssues,
  formatScenarioIssue,
  ScenarioError,
  type ScenarioIssue,
} from './ScenarioError.js';
export {
  parseOverrideKey,
  parseSetOverride,
  SCENARIO_TOP_LEVEL_FIELDS,
  type ScenarioOverride,
} from './applyOverrides.js';
export type { ScenarioLocation } from './SourceLocator.js';
export type { ResolvedTraffic, Scenario, ScenarioManifestOrigin, TrafficInput } from './Scenario.js';
export { ACTION_KEYS, DEFAULT_CHECK_PERIOD } from './resolveTimeline.js';
export { CHECK_KEYS } from './resolveExpectations.js';
export type {
  AppliedObjects,
  Condition,
  ObjectName,
  ScenarioAction,
  TimelineStep,
  Trigger,
} from './TimelineStep.js';
export type {
  Comparator,
  DnsAnswers,
  Expectation,
  ExpectationCheck,
  ExpectationTime,
  LatencyStatistic,
  MetricCheck,
  PodPattern,
  ReachResult,
  ReachSource,
  ReachTarget,
} from './Expectation.js';
export {
  formatWhere,
  runScenario,
  type RunContext,
  type RunScenarioOptions,
  type ScenarioRun,
} from './run/runScenario.js';
export { junitXml, metricsCsv, reportHtml } from './run/reportFiles.js';
export type {
  ExpectationResult,
  RunReport,
  SeriesPoint,
  ServiceReport,
  TimelineResult,
  Where,
  WorkloadReport,
} from './run/RunReport.js';
