import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  appArb,
  churnTimelineArb,
  clusterNodeNames,
  labelSelectorArb,
  networkPolicyArb,
  scenarioArb,
  type App,
  type TimelineStepDocument,
} from '../../src/arbitraries/index.js';

// Failures shrink to something a person can read: properties that fail on one feature end
// with exactly that feature.

const SEED = 31337;
const apps = fc.sample(appArb({ namespace: 'shop' }), { seed: 3, numRuns: 2 }).map((app, i) => ({
  ...app,
  name: i === 0 ? app.name : `${app.name}2`,
})) as App[];
const hasCrash = (timeline: readonly TimelineStepDocument[]) => timeline.some((step) => 'crashNode' in step);

describe('shrinking', () => {
  it(`a timeline failing on crashNode shrinks to that one step, seed ${SEED}`, () => {
    const arbitrary = churnTimelineArb(
      { nodes: clusterNodeNames({ nodes: 4 }), apps },
      { duration: '3m', maxSteps: 10 },
    );
    const result = fc.check(
      fc.property(arbitrary, (timeline) => !hasCrash(timeline)),
      { seed: SEED, numRuns: 500 },
    );
    expect(result.failed).toBe(true);
    const [timeline] = result.counterexample ?? [[]];
    expect(timeline).toHaveLength(1);
    // Simplified too: the first node, as early as the timeline allows.
    expect(timeline).toEqual([{ at: '1s', crashNode: 'node-1' }]);
  });

  it(`a scenario failing on crashNode shrinks to a one-step timeline in a minimal scenario, seed ${SEED}`, () => {
    const result = fc.check(
      fc.property(scenarioArb(), (doc) => !hasCrash(doc.timeline ?? [])),
      { seed: SEED, numRuns: 500 },
    );
    expect(result.failed).toBe(true);
    const [doc] = result.counterexample ?? [];
    expect(doc?.timeline).toHaveLength(1);
    expect(doc?.timeline?.[0]).toHaveProperty('crashNode');
    expect(doc?.duration).toBe('60s');
    expect(doc?.cluster).toEqual({ nodes: 1, proxy: { mode: 'iptables' } });
    expect(doc?.manifests?.filter((m) => m['kind'] !== 'Namespace').map((m) => m['kind'])).toEqual([
      'Deployment',
      'Service',
      'Pod',
    ]);
  });

  it(`a NetworkPolicy failing on an ipBlock except shrinks to one small rule, seed ${SEED}`, () => {
    const result = fc.check(
      fc.property(networkPolicyArb(), (policy) => !JSON.stringify(policy).includes('"except"')),
      { seed: SEED, numRuns: 500 },
    );
    expect(result.failed).toBe(true);
    const [policy] = result.counterexample ?? [];
    expect(policy?.spec.podSelector).toEqual({});
    expect(policy?.spec.policyTypes).toBeUndefined();
    // One direction, one ipBlock with one except, no ports; fast-check's array shrinker removes
    // leading items, so a trailing `{}` rule or empty-selector peer may stay.
    expect(policy?.spec.ingress === undefined || policy.spec.egress === undefined).toBe(true);
    const text = JSON.stringify(policy?.spec);
    expect(text.match(/"ipBlock"/g)).toHaveLength(1);
    expect(text).toMatch(/"except":\["[^"]+"\]/);
    expect(text).not.toContain('"ports"');
    expect(text.length).toBeLessThan(200);
  });

  it(`label selectors shrink toward {} (matches everything), seed ${SEED}`, () => {
    const result = fc.check(
      fc.property(labelSelectorArb(), (selector) => (selector.matchExpressions ?? []).length === 0),
      { seed: SEED, numRuns: 200 },
    );
    expect(result.counterexample?.[0]).toEqual({ matchExpressions: [{ key: 'tier', operator: 'Exists' }] });
  });
});
