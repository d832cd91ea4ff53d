import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MILLISECOND, SECOND } from '@knsim/core';
import {
  answerQuery,
  buildDnsZone,
  DnsCache,
  emptyResponse,
  staticUpstream,
  type DnsRecord,
  type DnsResponse,
} from '../src/index.js';
import { VIEW } from './fixtures.js';

const zone = buildDnsZone(VIEW);
const upstream = staticUpstream({ records: [], negativeTtl: 900 });
const ask = (name: string, type: 'A' | 'AAAA' | 'SRV' = 'A'): DnsResponse =>
  answerQuery(zone, { name, type }, { upstream });

function answer(ttls: readonly number[]): DnsResponse {
  const records: DnsRecord[] = ttls.map((ttl, i) => ({
    name: 'x.example.',
    type: 'A',
    ttl,
    data: `10.0.0.${i + 1}`,
  }));
  return { ...emptyResponse({ name: 'x.example.', type: 'A' }, 'NOERROR'), answer: records };
}

describe('DnsCache: answers', () => {
  it('keeps an answer for its TTL, handing it back with aged TTLs', () => {
    const cache = new DnsCache();
    expect(cache.put(ask('web.shop.svc.cluster.local'), 0)).toBe(5);
    expect(cache.get('web.shop.svc.cluster.local.', 'A', 0)?.answer[0]?.ttl).toBe(5);
    expect(cache.get('web.shop.svc.cluster.local.', 'A', 4900 * MILLISECOND)?.answer[0]).toEqual({
      name: 'web.shop.svc.cluster.local.',
      type: 'A',
      ttl: 1,
      data: '10.96.0.20',
    });
    expect(cache.get('web.shop.svc.cluster.local.', 'A', 5 * SECOND)).toBeUndefined();
    expect(cache.size).toBe(0);
  });

  it('lives as long as the shortest record; TTL 0 is not cached; maxTtl caps', () => {
    expect(new DnsCache().put(answer([300, 20, 60]), 0)).toBe(20);
    expect(new DnsCache().put(answer([0, 20]), 0)).toBe(0);
    const capped = new DnsCache({ maxTtl: 30 });
    expect(capped.put(answer([300]), 0)).toBe(30);
    expect(capped.get('x.example', 'A', 31 * SECOND)).toBeUndefined();
  });

  it('keys by name (case-insensitive) and type, and answers with the question as asked', () => {
    const cache = new DnsCache();
    cache.put(ask('web.shop.svc.cluster.local'), 0);
    expect(cache.get('WEB.shop.svc.cluster.local', 'AAAA', 0)).toBeUndefined();
    const hit = cache.get('WEB.shop.svc.cluster.local', 'A', 0);
    expect(hit?.question).toEqual({ name: 'WEB.shop.svc.cluster.local.', type: 'A' });
    expect(hit?.answer).toHaveLength(1);
  });

  it('ages the additional section too', () => {
    const cache = new DnsCache();
    cache.put(ask('_https._tcp.kubernetes.default.svc.cluster.local', 'SRV'), 0);
    expect(
      cache.get('_https._tcp.kubernetes.default.svc.cluster.local', 'SRV', 2 * SECOND)?.additional[0]?.ttl,
    ).toBe(3);
  });
});

describe('DnsCache: negative caching (RFC 2308)', () => {
  it('keeps NXDOMAIN and NODATA for min(SOA TTL, SOA minimum)', () => {
    const cache = new DnsCache();
    expect(cache.put(ask('nope.shop.svc.cluster.local'), 0)).toBe(5);
    expect(cache.put(ask('web.shop.svc.cluster.local', 'AAAA'), 0)).toBe(5);
    expect(cache.get('nope.shop.svc.cluster.local', 'A', 4 * SECOND)).toMatchObject({ rcode: 'NXDOMAIN' });
    expect(cache.get('nope.shop.svc.cluster.local', 'A', 4 * SECOND)?.authority[0]?.ttl).toBe(1);
    expect(cache.get('nope.shop.svc.cluster.local', 'A', 5 * SECOND)).toBeUndefined();
    expect(cache.get('web.shop.svc.cluster.local', 'AAAA', 1 * SECOND)).toMatchObject({
      rcode: 'NOERROR',
      answer: [],
    });
  });

  it('uses the smaller of the SOA record TTL and its minimum', () => {
    const cache = new DnsCache();
    expect(cache.put(buildAndAsk({ ttl: 600 }), 0)).toBe(300);
    const soa: DnsRecord = { name: 'example.', type: 'SOA', ttl: 3600, data: 'ns. host. 1 2 3 4 30' };
    expect(cache.put(emptyResponse({ name: 'x.example.', type: 'A' }, 'NXDOMAIN', [soa]), 0)).toBe(30);
    expect(new DnsCache({ maxNegativeTtl: 10 }).put(ask('api.nowhere.example'), 0)).toBe(10);
    expect(new DnsCache().put(ask('api.nowhere.example'), 0)).toBe(900);
  });

  it('never caches a negative answer without SOA, nor SERVFAIL or REFUSED', () => {
    const cache = new DnsCache();
    expect(cache.put(emptyResponse({ name: 'x.', type: 'A' }, 'NXDOMAIN'), 0)).toBe(0);
    expect(cache.put(emptyResponse({ name: 'x.', type: 'A' }, 'SERVFAIL'), 0)).toBe(0);
    expect(cache.put(emptyResponse({ name: 'x.', type: 'A' }, 'REFUSED'), 0)).toBe(0);
    expect(cache.size).toBe(0);
  });

  it('prunes expired entries and clears', () => {
    const cache = new DnsCache();
    cache.put(answer([10]), 0);
    cache.put(ask('web.shop.svc.cluster.local'), 0);
    cache.prune(6 * SECOND);
    expect(cache.size).toBe(1);
    cache.clear();
    expect(cache.size).toBe(0);
  });

  it('hits exactly while now < stored + TTL, with TTL - whole seconds elapsed (seed 4401)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 3600 }),
        fc.integer({ min: 0, max: 1_000_000 * SECOND }),
        fc.integer({ min: 0, max: 4000 * SECOND }),
        (ttl, storedAt, elapsed) => {
          const cache = new DnsCache();
          cache.put(answer([ttl]), storedAt);
          const hit = cache.get('x.example.', 'A', storedAt + elapsed);
          expect(hit !== undefined).toBe(elapsed < ttl * SECOND);
          if (hit !== undefined) expect(hit.answer[0]?.ttl).toBe(ttl - Math.floor(elapsed / SECOND));
        },
      ),
      { seed: 4401, numRuns: 500 },
    );
  });
});

function buildAndAsk(options: { ttl: number }): DnsResponse {
  return answerQuery(buildDnsZone(VIEW, options), { name: 'nope.shop.svc.cluster.local', type: 'A' });
}
