/**
 * @knsim/testing: property testing of Kubernetes networking with knsim. fast-check arbitraries
 * for clusters, workloads, Services, NetworkPolicies, traffic and churn timelines; invariant
 * and fairness checkers usable on any run; vitest matchers; failures shrunk to scenario files
 * that `knsim run` replays.
 *
 * @packageDocumentation
 */
export type { ScenarioDocument } from './ScenarioDocument.js';
export { scenarioYaml } from './scenarioYaml.js';
export { runDocument } from './runDocument.js';
export * from './arbitraries/index.js';
export * from './invariants/index.js';
export * from './fairness/index.js';
export * from './failure/index.js';
export * from './model/index.js';
// The vitest matchers live at `@knsim/testing/vitest`, so importing this package does not load
// vitest.
