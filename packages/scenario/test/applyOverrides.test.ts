import { describe, expect, it } from 'vitest';
import { MINUTE } from '@knsim/core';
import { parseOverrideKey, parseSetOverride } from '@knsim/scenario';
import { errorsOf, parse, scenarioText, SHOP } from './support.js';

describe('--set overrides', () => {
  it('reads keys: cluster shorthand, top-level fields, indexes and bracketed keys', () => {
    expect(parseOverrideKey('proxy.policy')).toEqual(['cluster', 'proxy', 'policy']);
    expect(parseOverrideKey('seed')).toEqual(['seed']);
    expect(parseOverrideKey('traffic.workloads[0].arrival.poisson.rate')).toEqual([
      'traffic',
      'workloads',
      0,
      'arrival',
      'poisson',
      'rate',
    ]);
    expect(parseOverrideKey('nodes[1].labels[topology.kubernetes.io/zone]')).toEqual([
      'cluster',
      'nodes',
      1,
      'labels',
      'topology.kubernetes.io/zone',
    ]);
    expect(() => parseOverrideKey('a[0')).toThrow('unclosed [');
    expect(parseSetOverride('proxy.policy=a=b')).toEqual({
      key: 'proxy.policy',
      value: 'a=b',
      label: '--set proxy.policy=a=b',
    });
    expect(() => parseSetOverride('novalue')).toThrow('expected KEY=VALUE');
  });

  it('applies cluster shorthands, nested paths and YAML scalar types, in order', async () => {
    const scenario = await parse(`cluster: { nodes: 2 }\n${SHOP}`, {
      set: [
        'proxy.policy=maglev',
        'nodes=5',
        'traffic.workloads[0].arrival.constant.rate=250.5',
        'dns.enabled=false',
        'proxy.policy=p2c',
        'zones=[a, b]',
      ],
      seed: 42,
      duration: '5m',
    });
    expect(scenario.cluster.spec).toEqual({
      nodes: 5,
      proxy: { policy: 'p2c' },
      dns: { enabled: false },
      zones: ['a', 'b'],
    });
    expect(scenario.cluster.config.nodes).toHaveLength(5);
    expect(scenario.cluster.config.dns.enabled).toBe(false);
    expect(scenario.traffic.resolved.workloads[0]?.arrival).toEqual({ kind: 'constant', rate: 250.5 });
    expect(scenario.seed).toBe('42');
    expect(scenario.duration).toBe(5 * MINUTE);
    expect(scenario.overrides).toEqual([
      '--set proxy.policy=maglev',
      '--set nodes=5',
      '--set traffic.workloads[0].arrival.constant.rate=250.5',
      '--set dns.enabled=false',
      '--set proxy.policy=p2c',
      '--set zones=[a, b]',
      '--seed 42',
      '--duration 5m',
    ]);
  });

  it('keeps quoted values strings and lets the schema judge them', async () => {
    expect(await errorsOf(scenarioText(''), { set: ['nodes="5"'] })).toEqual([
      '--set nodes="5": cluster.nodes: expected an integer or a list, got string "5"',
    ]);
  });

  it('reports unknown keys, missing list items and bad values against the override', async () => {
    expect(
      await errorsOf(scenarioText(SHOP), {
        set: [
          'bogus=1',
          'proxy.bogus.deep=1',
          'traffic.workloads[3].name=x',
          'proxy.mode=fast',
          'timings.scheduling=1x',
          'nokey',
        ],
        duration: 'soon',
      }),
    ).toEqual([
      '--duration soon: duration: invalid duration "soon": unexpected "soon" (expected a number followed by us, ms, s, m, h or d)',
      '--set bogus=1: unknown key cluster.bogus (not a scenario or cluster field)',
      '--set nokey: expected KEY=VALUE, e.g. proxy.policy=maglev',
      '--set proxy.bogus.deep=1: unknown key cluster.proxy.bogus (not a scenario or cluster field)',
      '--set proxy.mode=fast: cluster.proxy.mode: expected one of "iptables", "nftables", "ipvs", got string "fast"',
      '--set timings.scheduling=1x: cluster.timings.scheduling: invalid duration "1x": unexpected "1x" (expected a number followed by us, ms, s, m, h or d)',
      '--set traffic.workloads[3].name=x: traffic.workloads has no item 3 (it has 1)',
    ]);
  });
});
