import { describe, expect, it } from 'vitest';
import { ConnectionSet } from '../src/index.js';

describe('ConnectionSet', () => {
  it('given every port of every protocol, then it prints All Connections', () => {
    const all = ConnectionSet.allPortsOf('TCP')
      .union(ConnectionSet.allPortsOf('UDP'))
      .union(ConnectionSet.allPortsOf('SCTP'));
    expect(all.isAll).toBe(true);
    expect(all.toString()).toBe('All Connections');
  });

  it('given ranges, then they merge when adjacent and print per protocol in string order', () => {
    const set = ConnectionSet.ports('UDP', 53)
      .union(ConnectionSet.ports('TCP', 8081, 8082))
      .union(ConnectionSet.ports('TCP', 8080))
      .union(ConnectionSet.ports('TCP', 9090))
      .union(ConnectionSet.ports('SCTP', 7070));
    expect(set.toString()).toBe('SCTP 7070,TCP 8080-8082,9090,UDP 53');
    expect(ConnectionSet.allPortsOf('TCP').toString()).toBe('TCP 1-65535');
  });

  it('given two sets, then the intersection keeps only common ports', () => {
    const a = ConnectionSet.ports('TCP', 1, 100).union(ConnectionSet.allPortsOf('UDP'));
    const b = ConnectionSet.ports('TCP', 50, 200).union(ConnectionSet.ports('SCTP', 1));
    expect(a.intersect(b).toString()).toBe('TCP 50-100');
    expect(a.intersect(ConnectionSet.EMPTY).isEmpty).toBe(true);
    expect(ConnectionSet.EMPTY.toString()).toBe('No Connections');
  });

  it('given a range outside 1-65535 or reversed, then it is clipped or empty', () => {
    expect(ConnectionSet.ports('TCP', 0, 70000).toString()).toBe('TCP 1-65535');
    expect(ConnectionSet.ports('TCP', 10, 5).isEmpty).toBe(true);
    expect(ConnectionSet.ports('TCP', 80).contains('TCP', 80)).toBe(true);
    expect(ConnectionSet.ports('TCP', 80).contains('UDP', 80)).toBe(false);
  });
});
