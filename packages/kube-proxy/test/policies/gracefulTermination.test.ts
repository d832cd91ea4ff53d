import { SECOND } from '@knsim/core';
import { describe, expect, it } from 'vitest';
import {
  IPVS_DRAIN_CHECK_INTERVAL,
  IpvsGracefulTermination,
  IpvsRoundRobinPolicy,
} from '../../src/policies/index.js';
import { context, named } from './support.js';

const ids = (list: readonly { id: string; weight: number }[]) => list.map((b) => `${b.id}/${b.weight}`);

describe('IPVS graceful termination (kube-proxy weight-0 drain)', () => {
  it('adds destinations at the list head in sorted order, as the kernel and kube-proxy do', () => {
    const destinations = new IpvsGracefulTermination();
    const rr = new IpvsRoundRobinPolicy();
    const list = destinations.sync(named('b', 'a', 'c'), rr.state, 0);
    expect(ids(list)).toEqual(['c/1', 'b/1', 'a/1']);
    expect(ids(destinations.sync(named('a', 'b', 'c', 'd'), rr.state, 0))).toEqual([
      'd/1',
      'c/1',
      'b/1',
      'a/1',
    ]);
  });

  it('keeps a removed backend with connections at weight 0, gives it no new picks, deletes it once drained', () => {
    const destinations = new IpvsGracefulTermination();
    const rr = new IpvsRoundRobinPolicy();
    let list = destinations.sync(named('a', 'b', 'c'), rr.state, 0);
    // One connection to each backend.
    for (let i = 0; i < 3; i++) rr.onStart(rr.pick(list, context(0))!, 0);
    list = destinations.sync(named('a', 'c'), rr.state, SECOND);
    expect(ids(list)).toEqual(['c/1', 'b/0', 'a/1']);
    expect(destinations.isDraining('b')).toBe(true);
    for (let i = 0; i < 100; i++) expect(rr.pick(list, context(SECOND))?.id).not.toBe('b');
    // The connection ends at 10 s but lingers in TIME_WAIT for 2 minutes.
    rr.onFinish(list[1]!, 10 * SECOND, 9 * SECOND, true);
    expect(destinations.checkDrained(rr.state, IPVS_DRAIN_CHECK_INTERVAL)).toBe(list);
    const later = destinations.checkDrained(rr.state, 3 * IPVS_DRAIN_CHECK_INTERVAL);
    expect(ids(later)).toEqual(['c/1', 'a/1']);
    expect(destinations.isDraining('b')).toBe(false);
  });

  it('deletes at once when there are no connections, or for UDP', () => {
    const tcp = new IpvsGracefulTermination('TCP');
    const rr = new IpvsRoundRobinPolicy();
    tcp.sync(named('a', 'b'), rr.state, 0);
    expect(ids(tcp.sync(named('a'), rr.state, 0))).toEqual(['a/1']);

    const udp = new IpvsGracefulTermination('UDP');
    const list = udp.sync(named('a', 'b'), rr.state, 0);
    rr.onStart(list[0]!, 0);
    expect(ids(udp.sync(named('a'), rr.state, 0))).toEqual(['a/1']);
  });

  it('an endpoint that returns while draining is re-added at the head with its weight', () => {
    const destinations = new IpvsGracefulTermination();
    const rr = new IpvsRoundRobinPolicy();
    const list = destinations.sync(named('a', 'b', 'c'), rr.state, 0);
    rr.onStart(list[2]!, 0); // a
    expect(ids(destinations.sync(named('b', 'c'), rr.state, 0))).toEqual(['c/1', 'b/1', 'a/0']);
    expect(ids(destinations.sync(named('a', 'b', 'c'), rr.state, 0))).toEqual(['a/1', 'c/1', 'b/1']);
  });

  it('returns the same array while nothing changes', () => {
    const destinations = new IpvsGracefulTermination();
    const rr = new IpvsRoundRobinPolicy();
    const list = destinations.sync(named('a', 'b'), rr.state, 0);
    expect(destinations.sync(named('b', 'a'), rr.state, 5)).toBe(list);
  });
});
