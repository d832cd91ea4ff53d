import { describe, expect, it } from 'vitest';
import { SECOND } from '@knsim/core';
import { ClusterConfigError, resolveClusterConfig } from '@knsim/control-plane';

describe('resolveClusterConfig', () => {
  it('applies Kubernetes defaults', () => {
    const config = resolveClusterConfig();
    expect(config.nodes.map((n) => n.name)).toEqual(['node-1', 'node-2', 'node-3']);
    expect(config).toMatchObject({
      clusterCIDR: '10.244.0.0/16',
      nodeCIDRMaskSize: 24,
      serviceCIDR: '10.96.0.0/12',
      serviceNodePortRange: { base: 30000, size: 2768 },
      clusterDomain: 'cluster.local',
      maxPodsPerNode: 110,
    });
    expect(config.timings.nodeMonitorGracePeriod).toBe(50 * SECOND);
    expect(config.timings.nodeMonitorPeriod).toBe(5 * SECOND);
    expect(config.timings.defaultTolerationSeconds).toBe(300);
  });

  it('spreads counted nodes over zones round robin and keeps explicit nodes', () => {
    expect(resolveClusterConfig({ nodes: 4, zones: ['a', 'b'] }).nodes.map((n) => n.zone)).toEqual([
      'a',
      'b',
      'a',
      'b',
    ]);
    const nodes = resolveClusterConfig({
      nodes: [{ name: 'big', zone: 'z1', maxPods: 250, labels: { disk: 'ssd' } }],
    }).nodes;
    expect(nodes).toEqual([
      { name: 'big', zone: 'z1', labels: { disk: 'ssd' }, taints: [], maxPods: 250, address: undefined },
    ]);
  });

  it('reports every problem with its field path', () => {
    let error: unknown;
    try {
      resolveClusterConfig({
        clusterCIDR: '10.0.0.0/33',
        serviceCIDR: '10.244.0.0/16',
        serviceNodePortRange: '40000-30000',
        nodes: [{ name: 'Bad_Name' }, { name: 'x' }, { name: 'x' }],
        timings: {
          sandboxCreation: { uniform: { min: '2s' } },
          containerStart: '5 parsecs',
          bogus: 1,
        } as never,
        extra: true,
      } as never);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ClusterConfigError);
    const paths = (error as ClusterConfigError).issues.map((i) => i.path);
    expect(paths).toEqual(
      expect.arrayContaining([
        'extra',
        'clusterCIDR',
        'serviceNodePortRange',
        'nodes[0].name',
        'nodes[2].name',
        'timings.sandboxCreation.uniform',
        'timings.containerStart',
        'timings.bogus',
      ]),
    );
    expect((error as Error).message).toMatch(/nodes\[2\]\.name: duplicate node name x/);
    expect((error as Error).message).toMatch(/timings\.containerStart: invalid duration "5 parsecs"/);
  });

  it('rejects overlapping ranges and a node mask not longer than the cluster prefix', () => {
    expect(() => resolveClusterConfig({ serviceCIDR: '10.244.128.0/20' })).toThrow(
      /serviceCIDR: 10\.244\.128\.0\/20 overlaps clusterCIDR 10\.244\.0\.0\/16/,
    );
    expect(() => resolveClusterConfig({ nodeCIDRMaskSize: 16 })).toThrow(
      /nodeCIDRMaskSize: \/16 must be longer than the cluster CIDR's \/16/,
    );
  });
});
