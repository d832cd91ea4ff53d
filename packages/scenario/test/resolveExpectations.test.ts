import { describe, expect, it } from 'vitest';
import { MINUTE, SECOND } from '@knsim/core';
import type { Expectation } from '@knsim/scenario';
import { errorsOf, parse, scenarioText, SHOP } from './support.js';

async function expectation(entry: string): Promise<Expectation> {
  const scenario = await parse(`${SHOP}expect:\n  - ${entry}\n`);
  const first = scenario.expectations[0];
  if (first === undefined) throw new Error('no expectation');
  return first;
}

describe('expectations', () => {
  it('reach: pods, prefixes, nodes and outside clients to pods, Services and hosts', async () => {
    expect(
      (
        await expectation(
          '{ at: 1m, reach: { from: shop/toolbox, to: shop/web-*, port: 8080, result: denied } }',
        )
      ).check,
    ).toEqual({
      type: 'reach',
      from: { kind: 'pod', namespace: 'shop', name: 'toolbox', prefix: false },
      to: { kind: 'pod', namespace: 'shop', name: 'web-', prefix: true },
      port: 8080,
      protocol: 'TCP',
      result: 'denied',
    });
    expect(
      (
        await expectation(
          '{ at: 1m, reach: { from: node/node-1, to: example.com, protocol: UDP, result: blocked } }',
        )
      ).check,
    ).toMatchObject({
      from: { kind: 'node', node: 'node-1' },
      to: { kind: 'host', host: 'example.com' },
      protocol: 'UDP',
      result: 'blocked',
    });
    expect(
      (
        await expectation(
          '{ at: 1m, reach: { from: "external:203.0.113.9", to: service/shop/web, result: allowed } }',
        )
      ).check,
    ).toMatchObject({
      from: { kind: 'external', ip: '203.0.113.9' },
      to: { kind: 'service', service: { namespace: 'shop', name: 'web' } },
      result: 'connected',
    });
  });

  it('dns: symbolic and literal answers, NXDOMAIN', async () => {
    expect(
      (await expectation('{ at: 1m, dns: { name: web.shop, answers: { readyPodIPsOf: shop/web } } }')).check,
    ).toEqual({
      type: 'dns',
      from: undefined,
      name: 'web.shop',
      queryType: 'A',
      rcode: 'NOERROR',
      answers: { kind: 'readyPodIPsOf', service: { namespace: 'shop', name: 'web' } },
    });
    expect(
      (await expectation('{ at: 1m, dns: { from: shop/toolbox, name: nope, rcode: NXDOMAIN } }')).check,
    ).toMatchObject({
      from: { namespace: 'shop', name: 'toolbox' },
      rcode: 'NXDOMAIN',
      answers: undefined,
    });
    expect(
      (
        await expectation(
          '{ at: 1m, dns: { name: x.example, type: CNAME, answers: { values: [y.example.] } } }',
        )
      ).check,
    ).toMatchObject({
      queryType: 'CNAME',
      answers: { kind: 'values', values: ['y.example.'] },
    });
  });

  it('route and endpoints', async () => {
    expect(
      (
        await expectation(
          '{ at: 1m, route: { host: shop.example, path: /cart, status: 200, service: shop/web, pod: shop/web-* } }',
        )
      ).check,
    ).toEqual({
      type: 'route',
      host: 'shop.example',
      path: '/cart',
      status: 200,
      service: { namespace: 'shop', name: 'web' },
      pod: { namespace: 'shop', name: 'web-', prefix: true },
    });
    expect(
      (
        await expectation(
          '{ at: 1m, endpoints: { service: shop/web, node: node-2, eligible: { count: { equals: 2 }, selector: app=web } } }',
        )
      ).check,
    ).toEqual({
      type: 'endpoints',
      service: { namespace: 'shop', name: 'web' },
      node: 'node-2',
      port: undefined,
      count: { equals: 2 },
      selector: 'app=web',
    });
  });

  it('metrics: every kind, with the window defaulting to the whole run', async () => {
    const metric = async (body: string) =>
      (await expectation(`{ metric: { workload: load, ${body} } }`)).check;
    expect(await metric('requests: { atLeast: 100, atMost: 2000 }')).toEqual({
      type: 'metric',
      workload: 'load',
      metric: { kind: 'requests', comparator: { atLeast: 100, atMost: 2000 } },
    });
    expect(await metric('outcome: { name: timeout, count: { equals: 0 } }')).toMatchObject({
      metric: { kind: 'outcome', outcome: 'timeout', count: { equals: 0 }, ratio: undefined },
    });
    expect(await metric('latency: { p50: { atLeast: 1ms, atMost: 10ms } }')).toMatchObject({
      metric: { kind: 'latency', statistic: 'p50', comparator: { atLeast: 1000, atMost: 10_000 } },
    });
    expect(await metric('fairness: { of: connections, jain: { atLeast: 0.9 } }')).toMatchObject({
      metric: { kind: 'fairness', of: 'connections', index: 'jain', comparator: { atLeast: 0.9 } },
    });
    expect(await metric('fairness: { maxOverMean: { atMost: 1.5 } }')).toMatchObject({
      metric: { kind: 'fairness', of: 'requests', index: 'maxOverMean' },
    });
    expect((await expectation('{ metric: { workload: load, successRatio: { equals: 1 } } }')).time).toEqual({
      kind: 'over',
      from: 0,
      to: 2 * MINUTE,
      check: SECOND,
    });
  });

  it('point checks over a window are checked every `check`', async () => {
    expect(
      (
        await expectation(
          '{ over: { from: 10s, to: 20s }, check: 2s, reach: { from: shop/toolbox, to: service/shop/web, result: allowed } }',
        )
      ).time,
    ).toEqual({
      kind: 'over',
      from: 10 * SECOND,
      to: 20 * SECOND,
      check: 2 * SECOND,
    });
  });

  it('rejects inconsistent expectations with their positions', async () => {
    expect(
      await errorsOf(
        scenarioText(`${SHOP}expect:
  - reach: { from: shop/toolbox, to: service/shop/web, result: allowed }
  - at: 1m
    metric: { workload: load, requests: { atLeast: 10 } }
  - at: 1m
    dns: { name: web, rcode: NXDOMAIN, answers: { clusterIPOf: shop/web } }
  - at: 3m
    endpoints: { service: shop/nope, node: node-9, eligible: { count: { atLeast: 3, atMost: 1 } } }
  - over: { from: 1m, to: 30s }
    metric: { workload: load, successRatio: { atLeast: 99 } }
`),
      ),
    ).toEqual([
      'test.yaml:26:5: expect[0]: expected at (one check) or over (a window checked every `check`)',
      'test.yaml:27:5: expect[1].at: a metric needs a window: use over: {from, to}',
      'test.yaml:30:40: expect[2].dns.answers: answers need rcode NOERROR (got NXDOMAIN)',
      'test.yaml:31:9: expect[3].at: 3m is after the end of the run (duration 2m)',
      'test.yaml:32:27: expect[3].endpoints.service: no Service shop/nope in the manifests or the timeline (known: default/kubernetes, kube-system/kube-dns, shop/web)',
      'test.yaml:32:44: expect[3].endpoints.node: unknown node "node-9" (nodes: node-1, node-2, node-3)',
      'test.yaml:32:93: expect[3].endpoints.eligible.count.atMost: atMost 1 is below atLeast 3',
      'test.yaml:33:27: expect[4].over.to: the window must end after it starts',
      'test.yaml:34:56: expect[4].metric.successRatio.atLeast: a ratio is between 0 and 1, got 99',
    ]);
  });
});
