import { randomInt } from 'node:crypto';
import { describe, it } from 'vitest';
import {
  checkScenarioProperty,
  formatViolation,
  monitorInvariants,
  runDocument,
  scenarioArb,
} from '../../packages/testing/src/index.js';

// Pod churn -> stable endpoints: generated clusters, apps and churn timelines (scale, rollouts,
// pod kills, readiness flaps, node crashes and partitions, label and policy changes) under each
// kube-proxy mode, with every run invariant monitored (unique pod IPs in their node's range,
// stable Service addresses and DNS, no connection to a pod deleted longer ago than the
// propagation bound, no terminating endpoint while a ready one is eligible, every node's rules
// converged at the end, the log replaying to the live state). A failure is shrunk and written to
// .knsim-failures/ as a scenario that `knsim run` replays. KNSIM_DEEP=1: more runs, fresh seeds.

const DEEP = process.env['KNSIM_DEEP'] === '1';
const RUNS = DEEP ? 200 : 40;

describe('pod churn keeps endpoints stable', () => {
  for (const mode of ['iptables', 'nftables', 'ipvs'] as const) {
    const seed = DEEP ? randomInt(0, 2 ** 31 - 1) : 7_101;
    it(`under ${mode} mode (seed ${seed}, ${RUNS} runs)`, async () => {
      await checkScenarioProperty(
        scenarioArb({
          modes: [mode],
          maxNodes: 3,
          maxApps: 2,
          maxWorkloads: 1,
          maxRate: 20,
          maxDuration: 120,
        }),
        async (document) => {
          // A fine probe period: terminating endpoints live for about a second.
          const monitor = monitorInvariants({ period: '250ms' });
          const run = await runDocument(document, { attach: monitor.attach });
          const violations = monitor.check(run);
          if (violations.length > 0) throw new Error(violations.slice(0, 5).map(formatViolation).join('\n'));
        },
        { seed, numRuns: RUNS },
      );
    }, 300_000);
  }
});
