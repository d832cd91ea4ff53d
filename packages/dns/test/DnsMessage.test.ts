import { describe, expect, it } from 'vitest';
import {
  emptyResponse,
  formatRecord,
  formatResponse,
  isNodata,
  parseSoaData,
  parseSrvData,
  toFqdn,
} from '../src/index.js';

describe('DnsMessage', () => {
  it('makes names absolute once', () => {
    expect(toFqdn('web.shop.svc.cluster.local')).toBe('web.shop.svc.cluster.local.');
    expect(toFqdn('web.shop.svc.cluster.local.')).toBe('web.shop.svc.cluster.local.');
  });

  it('reads SOA data, and refuses what is not seven fields of non-negative integers', () => {
    expect(parseSoaData('ns.dns.cluster.local. hostmaster.cluster.local. 12 7200 1800 86400 5')).toEqual({
      mname: 'ns.dns.cluster.local.',
      rname: 'hostmaster.cluster.local.',
      serial: 12,
      refresh: 7200,
      retry: 1800,
      expire: 86400,
      minimum: 5,
    });
    expect(parseSoaData('ns. host. 1 2 3 4')).toBeUndefined();
    expect(parseSoaData('ns. host. 1 2 3 4 -5')).toBeUndefined();
  });

  it('reads SRV data', () => {
    expect(parseSrvData('0 33 5432 db-0.db.data.svc.cluster.local.')).toEqual({
      priority: 0,
      weight: 33,
      port: 5432,
      target: 'db-0.db.data.svc.cluster.local.',
    });
    expect(parseSrvData('0 33 70000 x.')).toBeUndefined();
    expect(parseSrvData('0 33 x.')).toBeUndefined();
  });

  it('tells NODATA from NXDOMAIN and from an answer', () => {
    const question = { name: 'x.', type: 'A' } as const;
    expect(isNodata(emptyResponse(question, 'NOERROR'))).toBe(true);
    expect(isNodata(emptyResponse(question, 'NXDOMAIN'))).toBe(false);
    expect(
      isNodata({
        ...emptyResponse(question, 'NOERROR'),
        answer: [{ name: 'x.', type: 'A', ttl: 1, data: '1.2.3.4' }],
      }),
    ).toBe(false);
  });

  it('prints records and responses like dig', () => {
    const record = { name: 'web.shop.svc.cluster.local.', type: 'A', ttl: 5, data: '10.96.0.20' } as const;
    expect(formatRecord(record)).toBe('web.shop.svc.cluster.local.\t5\tIN\tA\t10.96.0.20');
    expect(
      formatResponse({
        ...emptyResponse({ name: 'web.shop.svc.cluster.local', type: 'A' }, 'NOERROR'),
        answer: [record],
      }),
    ).toBe(
      ';; web.shop.svc.cluster.local. IN A: NOERROR\n;; ANSWER SECTION:\nweb.shop.svc.cluster.local.\t5\tIN\tA\t10.96.0.20',
    );
  });
});
