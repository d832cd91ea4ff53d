import { describe, expect, it } from 'vitest';
import { BackendCounters } from '../../src/metrics/BackendCounters.js';
import { jainIndex } from '../../src/metrics/fairness.js';

describe('BackendCounters', () => {
  it('counts requests and connections and keeps an active gauge with its peak', () => {
    const backends = new BackendCounters();
    backends.recordConnectionOpen('10.0.1.5:8080');
    backends.recordConnectionOpen('10.0.1.5:8080');
    backends.recordRequest('10.0.1.5:8080');
    backends.recordRequest('10.0.1.5:8080', 4);
    backends.recordConnectionClose('10.0.1.5:8080');
    backends.recordConnectionOpen('10.0.2.7:8080');
    expect(backends.get('10.0.1.5:8080')).toEqual({ requests: 5, connections: 2, active: 1, peakActive: 2 });
    expect(backends.totalRequests).toBe(5);
    expect(backends.totalActive).toBe(2);
    expect(backends.get('nope')).toBeUndefined();
  });

  it('counts idle backends as 0 when registered or listed, so fairness sees them', () => {
    const backends = new BackendCounters(['pod-b', 'pod-a']);
    backends.recordRequest('pod-a', 10);
    expect(backends.backends()).toEqual(['pod-a', 'pod-b']);
    expect(backends.counts('requests')).toEqual([10, 0]);
    expect(backends.counts('requests', ['pod-c', 'pod-a'])).toEqual([0, 10]);
    expect(jainIndex(backends.counts('requests'))).toBe(0.5);
  });

  it('rejects a close without an open and serializes sorted', () => {
    const backends = new BackendCounters();
    expect(() => backends.recordConnectionClose('x')).toThrow(RangeError);
    backends.recordConnectionOpen('z');
    backends.recordRequest('a');
    expect(Object.keys(backends.toJSON())).toEqual(['a', 'z']);
    expect(backends.toJSON()['z']).toEqual({ requests: 0, connections: 1, active: 1, peakActive: 1 });
  });
});

describe('BackendCounters.tally', () => {
  it('records into the same counters as the keyed methods, and registers the backend at once', () => {
    const keyed = new BackendCounters();
    const direct = new BackendCounters();
    const tally = direct.tally('pod-a');
    expect(direct.backends()).toEqual(['pod-a']);
    for (let i = 0; i < 3; i++) {
      keyed.recordConnectionOpen('pod-a');
      tally.connection();
    }
    keyed.recordRequest('pod-a', 5);
    for (let i = 0; i < 5; i++) tally.request();
    keyed.recordConnectionClose('pod-a');
    direct.recordConnectionClose('pod-a');
    expect(direct.toJSON()).toEqual(keyed.toJSON());
    expect(direct.get('pod-a')).toEqual({ requests: 5, connections: 3, active: 2, peakActive: 3 });
    expect(direct.tally('pod-a')).toBe(tally);
  });
});
