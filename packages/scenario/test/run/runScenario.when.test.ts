import { describe, expect, it } from 'vitest';
import { SECOND } from '@knsim/core';
import { runScenario } from '@knsim/scenario';
import { parse, SHOP } from '../support.js';

describe('when triggers at run time', () => {
  it('fires a step the first time its condition holds, with all and any combining conditions', async () => {
    const scenario = await parse(`${SHOP}timeline:
  - at: 20s
    name: down
    scale: { deployment: shop/web, replicas: 0 }
  - at: 40s
    name: up
    scale: { deployment: shop/web, replicas: 3 }
  - when:
      all:
        - podsReady: { namespace: shop, selector: app=web, count: 3 }
        - endpointsReady: { service: shop/web, count: 3 }
    from: 30s
    name: all-ready
    cordonNode: node-1
  - when:
      any:
        - podsReady: { namespace: shop, selector: app=web, count: 5 }
        - all: [{ endpointsReady: { service: shop/web, count: 2 } }]
    name: any-ready
    cordonNode: node-2
  - when: { all: [{ endpointsReady: { service: shop/web, count: 2 } }, { podsReady: { selector: app=web, count: 9 } }] }
    name: never
    cordonNode: node-3
`);
    const { report } = runScenario(scenario);
    const fired = new Map(report.timeline.map((step) => [step.name, step.at]));
    expect([...fired.keys()].sort()).toEqual(['all-ready', 'any-ready', 'down', 'up']);
    // Two endpoints are ready a few seconds into the run (checked every second from 0s).
    expect(fired.get('any-ready')).toBeGreaterThan(0);
    expect(fired.get('any-ready')).toBeLessThan(20 * SECOND);
    // Three ready pods and endpoints only exist after the scale-up at 40s.
    expect(fired.get('all-ready')).toBeGreaterThan(40 * SECOND);
    expect((fired.get('all-ready') as number) % SECOND).toBe(0);
  });
});
