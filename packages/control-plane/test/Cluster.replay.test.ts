import { describe, expect, it } from 'vitest';
import { SECOND } from '@knsim/core';
import { Cluster } from '@knsim/control-plane';
import { clusterWith, deployment } from './support.js';

describe('Cluster.replay', () => {
  function live() {
    const cluster = clusterWith(deployment('web', 3), { nodes: 3 });
    cluster.converge();
    cluster.scale('Deployment', 'default', 'web', 5);
    cluster.runFor(20 * SECOND);
    cluster.crashNode('node-2');
    cluster.runFor(2 * 60 * SECOND);
    return cluster;
  }

  it('given a recorded run, when the whole log is replayed, then the state and the log digest are the live ones', () => {
    const cluster = live();
    const replayed = Cluster.replay(cluster.sim.log.header, cluster.sim.log.events);
    expect(replayed.state).toEqual(cluster.state);
    expect(replayed.sim.log.digest()).toBe(cluster.sim.log.digest());
    expect(replayed.config).toEqual(cluster.config);
  });

  it('given a recorded run, when replayed until an instant, then the state is the fold of the events up to it', () => {
    const cluster = live();
    const at = 25 * SECOND;
    const replayed = Cluster.replay(cluster.sim.log.header, cluster.sim.log.events, at);
    expect(replayed.now).toBe(at);
    expect(replayed.state).toEqual(cluster.sim.store?.stateAt(at));
    expect(replayed.sim.log.events.every((event) => event.at <= at)).toBe(true);
  });

  it('refuses a log that is not a cluster run', () => {
    const cluster = live();
    expect(() => Cluster.replay(cluster.sim.log.header, cluster.sim.log.events.slice(1))).toThrow(
      /no ClusterCreated event/,
    );
  });
});
