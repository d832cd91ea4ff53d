import { expect } from 'vitest';
import type { ScenarioRun } from '@knsim/scenario';
import { checkFairness, type CheckFairnessOptions } from '../fairness/checkFairness.js';
import {
  monitorInvariants,
  monitorOf,
  type InvariantMonitor,
  type MonitorOptions,
} from '../invariants/monitorInvariants.js';
import { formatViolation } from '../invariants/Violation.js';

/**
 * Options of `expect(run).toKeepStableEndpoints()`: which invariants (default all), or the
 * monitor that watched the run (default: the one attached to it, found automatically).
 *
 * @example
 * ```ts
 * expect(run).toKeepStableEndpoints({ invariants: ['noStaleConnections', 'noTerminatingWhileReady'] });
 * ```
 */
export interface KeepStableEndpointsOptions extends MonitorOptions {
  readonly monitor?: InvariantMonitor;
}

/**
 * Options of `expect(counts).toBeFairWithin()`: {@link CheckFairnessOptions} without the counts.
 *
 * @example
 * ```ts
 * expect(connectionsPerPod).toBeFairWithin({ policy: 'random', failureProbability: 1e-9 });
 * ```
 */
export type FairWithinOptions = Omit<CheckFairnessOptions, 'counts'>;

/** What a matcher returns to vitest. */
interface MatcherResult {
  pass: boolean;
  message: () => string;
}

const LISTED = 20;

function isRun(value: unknown): value is ScenarioRun {
  return (
    typeof value === 'object' &&
    value !== null &&
    'cluster' in value &&
    'dataPlane' in value &&
    'dns' in value &&
    'report' in value
  );
}

/**
 * knsim's vitest matchers, for `expect.extend(knsimMatchers)` (or {@link installKnsimMatchers}):
 *
 * - `expect(run).toKeepStableEndpoints(options?)`: every invariant holds on a `ScenarioRun`; if a
 *   monitor was attached to the run (`runDocument(doc, { attach: monitor.attach })`) its probes
 *   count too, else only the end of the run is checked. Failure messages list each violation with
 *   its invariant, time and detail.
 * - `expect(counts).toBeFairWithin({ policy, failureProbability, ... })`: `checkFairness` holds;
 *   the message gives the method, the bound and what was observed.
 *
 * @example
 * ```ts
 * import { expect } from 'vitest';
 * expect.extend(knsimMatchers);
 * expect(run).toKeepStableEndpoints();
 * expect([510, 490]).toBeFairWithin({ policy: 'random' });
 * ```
 */
export const knsimMatchers = {
  toKeepStableEndpoints(received: unknown, options: KeepStableEndpointsOptions = {}): MatcherResult {
    if (!isRun(received))
      return {
        pass: false,
        message: () => `expected a ScenarioRun (from runScenario or runDocument), got ${typeof received}`,
      };
    const attached = options.monitor ?? monitorOf(received.cluster);
    const monitor = attached ?? monitorInvariants(options);
    const selected = options.invariants === undefined ? undefined : new Set<string>(options.invariants);
    const violations = monitor
      .check(received)
      .filter((violation) => selected === undefined || selected.has(violation.invariant));
    const scope = attached === undefined ? 'at the end of the run' : 'during and at the end of the run';
    const which = options.invariants?.join(', ') ?? 'all invariants';
    return {
      pass: violations.length === 0,
      message: () =>
        violations.length === 0
          ? `expected the run to break an invariant, but ${which} held ${scope}`
          : `expected the run to keep stable endpoints (${which}, checked ${scope}), but ${violations.length} violation(s):\n` +
            violations
              .slice(0, LISTED)
              .map((violation) => `  - ${formatViolation(violation)}`)
              .join('\n') +
            (violations.length > LISTED ? `\n  ... and ${violations.length - LISTED} more` : ''),
    };
  },

  toBeFairWithin(received: unknown, options: FairWithinOptions): MatcherResult {
    if (typeof received !== 'object' || received === null)
      return {
        pass: false,
        message: () => `expected per-backend counts (an array or a record), got ${String(received)}`,
      };
    const verdict = checkFairness({ ...options, counts: received as CheckFairnessOptions['counts'] });
    return {
      pass: verdict.ok,
      message: () =>
        `expected counts ${JSON.stringify(received)} ${verdict.ok ? 'not ' : ''}to be fair for ${options.policy} ` +
        `(${verdict.method}: observed ${verdict.observed}, bound ${verdict.bound}, false-failure probability ${verdict.failureProbability}): ${verdict.explanation}`,
    };
  },
};

/**
 * Registers {@link knsimMatchers} with vitest's `expect` (call it once, e.g. in a setup file).
 * Types come with the package: importing `@knsim/testing` adds the matchers to vitest's
 * `Assertion`.
 *
 * @example
 * ```ts
 * // vitest.setup.ts
 * import { installKnsimMatchers } from '@knsim/testing';
 * installKnsimMatchers();
 * ```
 */
export function installKnsimMatchers(): void {
  expect.extend(knsimMatchers);
}

declare module 'vitest' {
  // The type parameter must match vitest's own declaration to merge.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any, @typescript-eslint/no-unused-vars
  interface Matchers<T = any> {
    /** Every knsim invariant holds on this `ScenarioRun` (see `KeepStableEndpointsOptions`). */
    toKeepStableEndpoints(options?: KeepStableEndpointsOptions): void;
    /** These per-backend counts meet the policy's honest fairness bound (see `checkFairness`). */
    toBeFairWithin(options: FairWithinOptions): void;
  }
}
