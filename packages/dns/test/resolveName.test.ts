import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  answerQuery,
  buildDnsZone,
  emptyResponse,
  resolveName,
  resolverConfig,
  staticUpstream,
  type DnsQueryType,
  type DnsRcode,
  type QueryFunction,
  type QueryOutcome,
  type ResolverSearchConfig,
} from '../src/index.js';
import { VIEW } from './fixtures.js';

const zone = buildDnsZone(VIEW, { podsMode: 'insecure' });
const upstream = staticUpstream({
  records: [
    { name: 'api.example.com', type: 'A', data: '203.0.113.10' },
    { name: 'a.b.c.d.example.com', type: 'A', data: '203.0.113.20' },
    { name: 'api.stripe.example', type: 'A', data: '198.51.100.7' },
  ],
});
const coredns: QueryFunction = (fqdn, type) => answerQuery(zone, { name: fqdn, type }, { upstream });
const SHOP = resolverConfig(
  { metadata: { namespace: 'shop' }, spec: {} },
  { clusterDomain: 'cluster.local', clusterDns: ['10.96.0.10'] },
);
const SEARCH = ['shop.svc.cluster.local', 'svc.cluster.local', 'cluster.local'];

function names(name: string, type: DnsQueryType = 'A', config: ResolverSearchConfig = SHOP): string[] {
  return resolveName(name, type, config, coredns).tries.map((attempt) => attempt.name);
}

/** A query function answering from a table of rcodes (NOERROR = one A record), NXDOMAIN otherwise. */
function scripted(
  table: Record<string, DnsRcode | 'NODATA' | 'timeout' | 'connection-refused'>,
): QueryFunction {
  return (fqdn, type): QueryOutcome => {
    const verdict = table[fqdn] ?? 'NXDOMAIN';
    if (verdict === 'timeout' || verdict === 'connection-refused') return verdict;
    const question = { name: fqdn, type };
    if (verdict === 'NOERROR') {
      return {
        ...emptyResponse(question, 'NOERROR'),
        answer: [{ name: fqdn, type: 'A', ttl: 5, data: '10.0.0.1' }],
      };
    }
    return emptyResponse(question, verdict === 'NODATA' ? 'NOERROR' : verdict);
  };
}

describe('resolveName: the glibc search walk with ndots:5', () => {
  it.each<[string, string[], boolean]>([
    ['web', ['web.shop.svc.cluster.local.'], true],
    ['web.shop', ['web.shop.shop.svc.cluster.local.', 'web.shop.svc.cluster.local.'], true],
    [
      'web.shop.svc',
      [
        'web.shop.svc.shop.svc.cluster.local.',
        'web.shop.svc.svc.cluster.local.',
        'web.shop.svc.cluster.local.',
      ],
      true,
    ],
    [
      'api.example.com',
      [
        'api.example.com.shop.svc.cluster.local.',
        'api.example.com.svc.cluster.local.',
        'api.example.com.cluster.local.',
        'api.example.com.',
      ],
      true,
    ],
    [
      'web.shop.svc.cluster.local',
      [
        'web.shop.svc.cluster.local.shop.svc.cluster.local.',
        'web.shop.svc.cluster.local.svc.cluster.local.',
        'web.shop.svc.cluster.local.cluster.local.',
        'web.shop.svc.cluster.local.',
      ],
      true,
    ],
    [
      'w.x.y.z.example',
      [
        'w.x.y.z.example.shop.svc.cluster.local.',
        'w.x.y.z.example.svc.cluster.local.',
        'w.x.y.z.example.cluster.local.',
        'w.x.y.z.example.',
      ],
      false,
    ],
    ['a.b.c.d.example.com', ['a.b.c.d.example.com.'], true],
    [
      'v.w.x.y.z.example',
      [
        'v.w.x.y.z.example.',
        'v.w.x.y.z.example.shop.svc.cluster.local.',
        'v.w.x.y.z.example.svc.cluster.local.',
        'v.w.x.y.z.example.cluster.local.',
      ],
      false,
    ],
    ['web.shop.svc.cluster.local.', ['web.shop.svc.cluster.local.'], true],
    ['web.', ['web.'], false],
    ['api.example.com.', ['api.example.com.'], true],
  ])('%s tries %j (answered: %s)', (name, expected, ok) => {
    const result = resolveName(name, 'A', SHOP, coredns);
    expect(result.tries.map((attempt) => attempt.name)).toEqual(expected);
    expect(result.ok).toBe(ok);
    if (!ok) expect(result.error).toBe('HOST_NOT_FOUND');
  });

  it('records each rcode and answer count, and returns the answering response', () => {
    const result = resolveName('api.example.com', 'A', SHOP, coredns);
    expect(result.tries.map((attempt) => [attempt.rcode, attempt.answers])).toEqual([
      ['NXDOMAIN', 0],
      ['NXDOMAIN', 0],
      ['NXDOMAIN', 0],
      ['NOERROR', 1],
    ]);
    expect(result.response?.answer[0]?.data).toBe('203.0.113.10');
    expect(result.error).toBeUndefined();
  });

  it('goes on after NODATA and reports NO_DATA when nothing answers', () => {
    const result = resolveName('web', 'AAAA', SHOP, coredns);
    expect(result.tries.map((attempt) => [attempt.name, attempt.rcode, attempt.answers])).toEqual([
      ['web.shop.svc.cluster.local.', 'NOERROR', 0],
      ['web.svc.cluster.local.', 'NXDOMAIN', 0],
      ['web.cluster.local.', 'NXDOMAIN', 0],
      ['web.', 'NXDOMAIN', 0],
    ]);
    expect(result).toMatchObject({ ok: false, error: 'NO_DATA' });
  });

  it('stops at a lone CNAME answer (NOERROR with a record): the ExternalName whose target is unknown', () => {
    const result = resolveName('broken', 'A', SHOP, coredns);
    expect(result.ok).toBe(true);
    expect(result.tries).toHaveLength(1);
    expect(result.response?.answer.map((record) => record.type)).toEqual(['CNAME']);
  });

  it('resolves a Service of another namespace by <svc>.<ns> on the second try', () => {
    expect(names('db-0.db.data')).toEqual([
      'db-0.db.data.shop.svc.cluster.local.',
      'db-0.db.data.svc.cluster.local.',
    ]);
  });
});

describe('resolveName: stop conditions', () => {
  const config: ResolverSearchConfig = { searches: SEARCH, ndots: 5 };

  it('goes on after SERVFAIL and reports TRY_AGAIN when nothing answers', () => {
    const result = resolveName('web', 'A', config, scripted({ 'web.shop.svc.cluster.local.': 'SERVFAIL' }));
    expect(result.tries.map((attempt) => attempt.rcode)).toEqual([
      'SERVFAIL',
      'NXDOMAIN',
      'NXDOMAIN',
      'NXDOMAIN',
    ]);
    expect(result.error).toBe('TRY_AGAIN');
  });

  it('prefers NO_DATA over TRY_AGAIN, and the as-is error when it went first', () => {
    const query = scripted({ 'web.shop.svc.cluster.local.': 'SERVFAIL', 'web.svc.cluster.local.': 'NODATA' });
    expect(resolveName('web', 'A', config, query).error).toBe('NO_DATA');
    const asIsFirst = scripted({
      'a.b.c.d.e.f.': 'SERVFAIL',
      'a.b.c.d.e.f.shop.svc.cluster.local.': 'NODATA',
    });
    expect(resolveName('a.b.c.d.e.f', 'A', config, asIsFirst).error).toBe('TRY_AGAIN');
  });

  it('gives up the search list on REFUSED or no reply, then still tries the name as is', () => {
    const refused = resolveName('web', 'A', config, scripted({ 'web.shop.svc.cluster.local.': 'REFUSED' }));
    expect(refused.tries.map((attempt) => attempt.name)).toEqual(['web.shop.svc.cluster.local.', 'web.']);
    expect(refused.error).toBe('HOST_NOT_FOUND');
    const timeout = resolveName('web', 'A', config, scripted({ 'web.svc.cluster.local.': 'timeout' }));
    expect(timeout.tries.map((attempt) => attempt.rcode)).toEqual(['NXDOMAIN', 'TIMEOUT', 'NXDOMAIN']);
  });

  it('ends the lookup at once on a refused connection (no kube-dns endpoints: kube-proxy REJECT)', () => {
    const result = resolveName('web', 'A', config, () => 'connection-refused');
    expect(result).toEqual({
      ok: false,
      response: undefined,
      error: 'TRY_AGAIN',
      tries: [{ name: 'web.shop.svc.cluster.local.', rcode: 'CONNREFUSED', answers: 0 }],
    });
  });

  it('times out on every query when the nameserver is gone', () => {
    const result = resolveName('api.example.com', 'A', config, () => 'timeout');
    expect(result.tries.map((attempt) => attempt.name)).toEqual([
      'api.example.com.shop.svc.cluster.local.',
      'api.example.com.',
    ]);
    expect(result.error).toBe('TRY_AGAIN');
  });

  it('treats "." in the search list as the name itself, tried once', () => {
    const result = resolveName('web', 'A', { searches: ['.', 'corp.example'], ndots: 1 }, scripted({}));
    expect(result.tries.map((attempt) => attempt.name)).toEqual(['web.', 'web.corp.example.']);
  });

  it('with ndots:1 (Default policy) tries dotted names as is first', () => {
    expect(names('api.example.com', 'A', { searches: ['corp.example'], ndots: 1 })).toEqual([
      'api.example.com.',
    ]);
    expect(names('web', 'A', { searches: ['corp.example'], ndots: 1 })).toEqual([
      'web.corp.example.',
      'web.',
    ]);
  });

  it('with dnsPolicy None and no search list tries the name alone', () => {
    const none = resolverConfig(
      {
        metadata: { namespace: 'shop' },
        spec: { dnsPolicy: 'None', dnsConfig: { nameservers: ['10.96.0.10'] } },
      },
      { clusterDomain: 'cluster.local', clusterDns: ['10.96.0.10'] },
    );
    expect(names('web', 'A', none)).toEqual(['web.']);
    expect(names('web.shop.svc.cluster.local', 'A', none)).toEqual(['web.shop.svc.cluster.local.']);
  });

  it('asks nothing for an empty name', () => {
    expect(resolveName('', 'A', config, coredns)).toMatchObject({
      ok: false,
      error: 'HOST_NOT_FOUND',
      tries: [],
    });
  });
});

describe('resolveName: properties', () => {
  it('sends 1 + |search| queries at most, as-is first iff dots >= ndots, and stops at the first answer (seed 4301)', () => {
    const label = fc.constantFrom('a', 'b', 'web', 'shop', 'svc', 'example');
    const verdict = fc.constantFrom<DnsRcode | 'NODATA'>('NOERROR', 'NXDOMAIN', 'NODATA', 'SERVFAIL');
    fc.assert(
      fc.property(
        fc.array(label, { minLength: 1, maxLength: 7 }),
        fc.boolean(),
        fc.integer({ min: 0, max: 6 }),
        fc.array(fc.constantFrom('s1.example', 's2.example', 'svc.cluster.local'), { maxLength: 4 }),
        fc.array(verdict, { minLength: 8, maxLength: 8 }),
        (labels, trailing, ndots, searches, verdicts) => {
          const name = labels.join('.') + (trailing ? '.' : '');
          let calls = 0;
          const query: QueryFunction = (fqdn, type) => {
            const v = verdicts[calls++ % verdicts.length] as DnsRcode | 'NODATA';
            return scripted({ [fqdn]: v })(fqdn, type);
          };
          const unique = [...new Set(searches)];
          const result = resolveName(name, 'A', { searches: unique, ndots }, query);
          const dots = name.split('.').length - 1;
          expect(result.tries.length).toBeLessThanOrEqual(trailing ? 1 : 1 + unique.length);
          if (trailing || dots >= ndots) expect(result.tries[0]?.name).toBe(trailing ? name : `${name}.`);
          const answered = result.tries.findIndex(
            (attempt) => attempt.rcode === 'NOERROR' && attempt.answers > 0,
          );
          expect(result.ok).toBe(answered >= 0);
          if (answered >= 0) expect(answered).toBe(result.tries.length - 1);
          expect(new Set(result.tries.map((attempt) => attempt.name)).size).toBe(result.tries.length);
        },
      ),
      { seed: 4301, numRuns: 500 },
    );
  });
});
