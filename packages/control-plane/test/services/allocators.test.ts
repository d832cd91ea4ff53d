import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatIpv4, parseIpv4 } from '@knsim/api';
import { PersistentMap, RandomStreams } from '@knsim/core';
import {
  allocateClusterIp,
  allocateNodePort,
  dnsServiceIp,
  firstServiceIp,
  nodePortRange,
  serviceIpRange,
} from '@knsim/control-plane';

describe('ClusterIP range', () => {
  it('has the static band of KEP-3070 (min(max(16, size/16), 256))', () => {
    expect(serviceIpRange('10.96.0.0/12').offset).toBe(256);
    expect(serviceIpRange('10.0.0.0/24').offset).toBe(16);
    expect(serviceIpRange('10.0.0.0/28').offset).toBe(0);
    expect(firstServiceIp('10.96.0.0/12')).toBe('10.96.0.1');
    expect(dnsServiceIp('10.96.0.0/12')).toBe('10.96.0.10');
  });

  it('allocates from the dynamic band while it has room, then the static band (seed 31)', () => {
    const range = serviceIpRange('10.0.0.0/24'); // .1-.254, static .1-.16
    const rng = new RandomStreams(31).stream('ips');
    let used = PersistentMap.empty<string>();
    const order: number[] = [];
    for (let i = 0; i < 254; i++) {
      const result = allocateClusterIp(range, used, rng);
      expect(result.ok).toBe(true);
      if (!result.ok) return;
      used = used.set(result.value, `svc-${i}`);
      order.push((parseIpv4(result.value) as number) & 255);
    }
    expect(order.slice(0, 238).every((last) => last >= 17)).toBe(true);
    expect(order.slice(238).every((last) => last <= 16)).toBe(true);
    expect(new Set(order).size).toBe(254);
    expect(allocateClusterIp(range, used, rng)).toEqual({
      ok: false,
      reason: 'failed to allocate a serviceIP: range is full',
    });
  });

  it('never returns a used, network or broadcast address (seed 32)', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.integer({ min: 1, max: 254 }), { maxLength: 200 }),
        fc.integer(),
        (taken, seed) => {
          const used = PersistentMap.from(taken.map((n) => [formatIpv4((10 << 24) | n), 'x'] as const));
          const result = allocateClusterIp(
            serviceIpRange('10.0.0.0/24'),
            used,
            new RandomStreams(seed).stream('x'),
          );
          if (!result.ok) return taken.length === 254;
          const last = (parseIpv4(result.value) as number) & 255;
          return !used.has(result.value) && last >= 1 && last <= 254;
        },
      ),
      { seed: 32, numRuns: 200 },
    );
  });
});

describe('NodePort range', () => {
  it('reserves 86 ports at the bottom of 30000-32767 for explicit requests', () => {
    const range = nodePortRange({ base: 30000, size: 2768 });
    expect(range.offset).toBe(86);
    const rng = new RandomStreams(1).stream('ports');
    for (let i = 0; i < 100; i++) {
      const result = allocateNodePort(range, PersistentMap.empty(), rng);
      expect(result.ok && Number(result.value) >= 30086 && Number(result.value) <= 32767).toBe(true);
    }
  });
});
