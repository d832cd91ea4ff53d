import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  answerQuery,
  buildDnsZone,
  reverseName,
  staticUpstream,
  type ClusterDnsView,
  type DnsEndpointSlice,
  type DnsQueryType,
  type DnsRecord,
  type DnsResponse,
  type DnsService,
  type DnsZoneOptions,
} from '../src/index.js';
import {
  clusterIpService,
  externalNameService,
  headlessService,
  ready,
  notReady,
  slice,
  VIEW,
} from './fixtures.js';

const upstream = staticUpstream({
  records: [
    { name: 'api.stripe.example', type: 'A', data: '198.51.100.7', ttl: 120 },
    { name: 'api.example.com', type: 'A', data: '203.0.113.10' },
    { name: '10.113.0.203.in-addr.arpa', type: 'PTR', data: 'api.example.com' },
  ],
});

const SOA_5 = 'ns.dns.cluster.local. hostmaster.cluster.local. 0 7200 1800 86400 5';
const soa5: DnsRecord = { name: 'cluster.local.', type: 'SOA', ttl: 5, data: SOA_5 };

function ask(
  name: string,
  type: DnsQueryType,
  options: DnsZoneOptions = {},
  view: ClusterDnsView = VIEW,
): DnsResponse {
  return answerQuery(buildDnsZone(view, options), { name, type }, { upstream });
}

function data(response: DnsResponse): string[] {
  return response.answer.map((record) => record.data);
}

function a(name: string, ip: string, ttl = 5): DnsRecord {
  return { name, type: ip.includes(':') ? 'AAAA' : 'A', ttl, data: ip };
}

function expectNxdomain(response: DnsResponse): void {
  expect(response.rcode).toBe('NXDOMAIN');
  expect(response.answer).toEqual([]);
  expect(response.authority).toEqual([soa5]);
}

function expectNodata(response: DnsResponse): void {
  expect(response.rcode).toBe('NOERROR');
  expect(response.answer).toEqual([]);
  expect(response.authority).toEqual([soa5]);
}

describe('answerQuery: ClusterIP Services (spec 2.3.1)', () => {
  it('answers <svc>.<ns>.svc.<zone> A with the ClusterIP, TTL 5, nothing in authority', () => {
    const response = ask('web.shop.svc.cluster.local', 'A');
    expect(response).toEqual({
      question: { name: 'web.shop.svc.cluster.local.', type: 'A' },
      rcode: 'NOERROR',
      answer: [a('web.shop.svc.cluster.local.', '10.96.0.20')],
      authority: [],
      additional: [],
    });
  });

  it('answers AAAA with the IPv6 ClusterIP of a dual-stack Service, and A with the IPv4 one', () => {
    expect(data(ask('dual.shop.svc.cluster.local.', 'AAAA'))).toEqual(['fd00:10:96::30']);
    expect(data(ask('dual.shop.svc.cluster.local.', 'A'))).toEqual(['10.96.0.30']);
  });

  it('gives NODATA (SOA in authority) for AAAA of an IPv4-only Service', () => {
    expectNodata(ask('web.shop.svc.cluster.local', 'AAAA'));
  });

  it('gives NXDOMAIN for a Service that does not exist, or in a namespace that does not exist', () => {
    expectNxdomain(ask('nope.shop.svc.cluster.local', 'A'));
    expectNxdomain(ask('web.nowhere.svc.cluster.local', 'A'));
  });

  it('answers <endpoint>.<svc> for ClusterIP Services too, with ready endpoints only (as CoreDNS)', () => {
    expect(data(ask('10-244-1-5.web.shop.svc.cluster.local', 'A'))).toEqual(['10.244.1.5']);
    expectNxdomain(ask('10-244-2-6.web.shop.svc.cluster.local', 'A'));
  });

  it('has no records for a ClusterIP Service whose IP is not allocated', () => {
    const view: ClusterDnsView = { services: [clusterIpService('shop', 'new', [])], endpointSlices: [] };
    expectNxdomain(ask('new.shop.svc.cluster.local', 'A', {}, view));
  });
});

describe('answerQuery: the names around Services', () => {
  it.each([
    ['cluster.local', 'the apex'],
    ['svc.cluster.local', 'svc.<zone>'],
    ['pod.cluster.local', 'pod.<zone>'],
    ['shop.svc.cluster.local', 'an existing namespace'],
    ['quiet.svc.cluster.local', 'a namespace without Services'],
  ])('%s (%s) exists: NODATA for A', (name) => {
    expectNodata(ask(name, 'A'));
  });

  it.each([
    ['nowhere.svc.cluster.local', 'a namespace that does not exist'],
    ['foo.cluster.local', 'neither svc nor pod'],
    ['a.b.c.web.shop.svc.cluster.local', 'too many labels'],
    ['web.shop.svcx.cluster.local', 'not svc'],
  ])('%s (%s): NXDOMAIN', (name) => {
    expectNxdomain(ask(name, 'A'));
  });

  it('answers ANY and NS below the apex with NODATA when the name exists, NXDOMAIN when not', () => {
    expectNodata(ask('web.shop.svc.cluster.local', 'ANY'));
    expectNodata(ask('web.shop.svc.cluster.local', 'NS'));
    expectNxdomain(ask('nope.shop.svc.cluster.local', 'ANY'));
    expectNxdomain(ask('nope.shop.svc.cluster.local', 'NS'));
  });
});

describe('answerQuery: headless Services (spec 2.4)', () => {
  it('answers one A per ready endpoint, slices in name order, not-ready endpoints left out', () => {
    const response = ask('db.data.svc.cluster.local', 'A');
    expect(response.answer).toEqual([
      a('db.data.svc.cluster.local.', '10.244.1.10'),
      a('db.data.svc.cluster.local.', '10.244.2.11'),
      a('db.data.svc.cluster.local.', '10.244.3.13'),
    ]);
  });

  it('gives NXDOMAIN when the Service exists but no endpoint is ready (spec: "should be NXDOMAIN")', () => {
    expectNxdomain(ask('empty.data.svc.cluster.local', 'A'));
    const noSlices: ClusterDnsView = { services: [headlessService('data', 'bare')], endpointSlices: [] };
    expectNxdomain(ask('bare.data.svc.cluster.local', 'A', {}, noSlices));
  });

  it('gives NODATA for a family it has no ready address of', () => {
    expectNodata(ask('db.data.svc.cluster.local', 'AAAA'));
    expect(data(ask('db6.data.svc.cluster.local', 'AAAA'))).toEqual(['fd00:10:244:1::10']);
    expectNodata(ask('db6.data.svc.cluster.local', 'A'));
  });

  it('answers <hostname>.<svc> for StatefulSet pods (hostname + subdomain) when ready', () => {
    expect(ask('db-0.db.data.svc.cluster.local', 'A').answer).toEqual([
      a('db-0.db.data.svc.cluster.local.', '10.244.1.10'),
    ]);
    expect(data(ask('db-1.db.data.svc.cluster.local', 'A'))).toEqual(['10.244.2.11']);
    expectNxdomain(ask('db-2.db.data.svc.cluster.local', 'A'));
    expectNxdomain(ask('db-9.db.data.svc.cluster.local', 'A'));
  });

  it('names an endpoint without hostname by its dashed IP (IPv6: dashes, trailing 0)', () => {
    expect(data(ask('10-244-3-13.db.data.svc.cluster.local', 'A'))).toEqual(['10.244.3.13']);
    const view: ClusterDnsView = {
      services: [headlessService('data', 'v6')],
      endpointSlices: [slice('data', 'v6', 'v6-a', [ready('fd00::')], [])],
    };
    expect(data(ask('fd00--0.v6.data.svc.cluster.local', 'AAAA', {}, view))).toEqual(['fd00::']);
  });

  it('names it by its pod with endpointPodNames', () => {
    const view: ClusterDnsView = {
      services: [headlessService('shop', 'h')],
      endpointSlices: [slice('shop', 'h', 'h-a', [ready('10.244.1.5', undefined, 'web-abc')], [])],
    };
    expectNxdomain(ask('web-abc.h.shop.svc.cluster.local', 'A', {}, view));
    expect(data(ask('web-abc.h.shop.svc.cluster.local', 'A', { endpointPodNames: true }, view))).toEqual([
      '10.244.1.5',
    ]);
  });

  it('deduplicates an address listed in two slices', () => {
    const view: ClusterDnsView = {
      services: [headlessService('shop', 'h')],
      endpointSlices: [
        slice('shop', 'h', 'h-a', [ready('10.0.0.1')]),
        slice('shop', 'h', 'h-b', [ready('10.0.0.1')]),
      ],
    };
    expect(data(ask('h.shop.svc.cluster.local', 'A', {}, view))).toEqual(['10.0.0.1']);
  });
});

describe('answerQuery: SRV (spec 2.3.2, 2.4.2)', () => {
  it('answers _<port>._<proto> of a named port with the Service as target and its A in additional', () => {
    const response = ask('_https._tcp.kubernetes.default.svc.cluster.local', 'SRV');
    expect(response.answer).toEqual([
      {
        name: '_https._tcp.kubernetes.default.svc.cluster.local.',
        type: 'SRV',
        ttl: 5,
        data: '0 100 443 kubernetes.default.svc.cluster.local.',
      },
    ]);
    expect(response.additional).toEqual([a('kubernetes.default.svc.cluster.local.', '10.96.0.1')]);
  });

  it('matches port names and protocols case-insensitively, and only the protocol asked', () => {
    expect(data(ask('_DNS._UDP.kube-dns.kube-system.svc.cluster.local', 'SRV'))).toEqual([
      '0 100 53 kube-dns.kube-system.svc.cluster.local.',
    ]);
    expectNxdomain(ask('_http._udp.web.shop.svc.cluster.local', 'SRV'));
    expectNxdomain(ask('_nope._tcp.web.shop.svc.cluster.local', 'SRV'));
  });

  it('unnamed ports have no _<port>._<proto> record', () => {
    expectNxdomain(ask('_http._tcp.api.shop.svc.cluster.local', 'SRV'));
  });

  it('answers the bare Service name with every port (CoreDNS: unnamed too), one record per (target, port)', () => {
    // kube-dns: dns/53/UDP and dns-tcp/53/TCP share a port number, so 3 entries give 2 records,
    // each weighted 100/3.
    const response = ask('kube-dns.kube-system.svc.cluster.local', 'SRV');
    expect(data(response)).toEqual([
      '0 33 53 kube-dns.kube-system.svc.cluster.local.',
      '0 33 9153 kube-dns.kube-system.svc.cluster.local.',
    ]);
    expect(response.additional).toEqual([a('kube-dns.kube-system.svc.cluster.local.', '10.96.0.10')]);
    expect(data(ask('api.shop.svc.cluster.local', 'SRV'))).toEqual([
      '0 100 8080 api.shop.svc.cluster.local.',
    ]);
  });

  it('answers a headless Service with ready endpoints x named ports, targeting each endpoint name', () => {
    const response = ask('_postgres._tcp.db.data.svc.cluster.local', 'SRV');
    expect(data(response)).toEqual([
      '0 33 5432 db-0.db.data.svc.cluster.local.',
      '0 33 5432 db-1.db.data.svc.cluster.local.',
      '0 33 5432 10-244-3-13.db.data.svc.cluster.local.',
    ]);
    expect(response.additional).toEqual([
      a('db-0.db.data.svc.cluster.local.', '10.244.1.10'),
      a('db-1.db.data.svc.cluster.local.', '10.244.2.11'),
      a('10-244-3-13.db.data.svc.cluster.local.', '10.244.3.13'),
    ]);
  });

  it('gives one SRV and both addresses for a dual-stack Service', () => {
    const response = ask('_http._tcp.dual.shop.svc.cluster.local', 'SRV');
    expect(data(response)).toEqual(['0 50 80 dual.shop.svc.cluster.local.']);
    expect(response.additional).toEqual([
      a('dual.shop.svc.cluster.local.', '10.96.0.30'),
      a('dual.shop.svc.cluster.local.', 'fd00:10:96::30'),
    ]);
  });

  it('gives NODATA for SRV of an ExternalName Service and of a headless Service without ports', () => {
    expectNodata(ask('payments.shop.svc.cluster.local', 'SRV'));
    const view: ClusterDnsView = {
      services: [headlessService('shop', 'h')],
      endpointSlices: [slice('shop', 'h', 'h-a', [ready('10.0.0.1')], [])],
    };
    expectNodata(ask('h.shop.svc.cluster.local', 'SRV', {}, view));
    expect(data(ask('h.shop.svc.cluster.local', 'A', {}, view))).toEqual(['10.0.0.1']);
  });

  it('also answers A for an SRV-shaped name (CoreDNS parses the labels the same way for every type)', () => {
    expect(data(ask('_https._tcp.kubernetes.default.svc.cluster.local', 'A'))).toEqual(['10.96.0.1']);
  });
});

describe('answerQuery: ExternalName (spec 2.5)', () => {
  it('answers A with the CNAME and the target address from upstream', () => {
    expect(ask('payments.shop.svc.cluster.local', 'A').answer).toEqual([
      { name: 'payments.shop.svc.cluster.local.', type: 'CNAME', ttl: 5, data: 'api.stripe.example.' },
      { name: 'api.stripe.example.', type: 'A', ttl: 120, data: '198.51.100.7' },
    ]);
  });

  it('follows an in-zone target itself', () => {
    expect(ask('alias.shop.svc.cluster.local', 'A').answer).toEqual([
      { name: 'alias.shop.svc.cluster.local.', type: 'CNAME', ttl: 5, data: 'web.shop.svc.cluster.local.' },
      a('web.shop.svc.cluster.local.', '10.96.0.20'),
    ]);
  });

  it('keeps the lone CNAME (NOERROR) when upstream has no address for the target, or fails', () => {
    const cnameOnly = [
      { name: 'broken.shop.svc.cluster.local.', type: 'CNAME', ttl: 5, data: 'nowhere.example.' },
    ];
    const response = ask('broken.shop.svc.cluster.local', 'A');
    expect(response.rcode).toBe('NOERROR');
    expect(response.answer).toEqual(cnameOnly);
    const noUpstream = answerQuery(buildDnsZone(VIEW), { name: 'broken.shop.svc.cluster.local', type: 'A' });
    expect(noUpstream.answer).toEqual(cnameOnly);
  });

  it('drops the CNAME when an in-zone target does not exist (NODATA)', () => {
    expectNodata(ask('dangling.shop.svc.cluster.local', 'A'));
  });

  it('answers a CNAME question with the CNAME alone; NODATA for ClusterIP Services', () => {
    expect(ask('payments.shop.svc.cluster.local', 'CNAME').answer).toEqual([
      { name: 'payments.shop.svc.cluster.local.', type: 'CNAME', ttl: 5, data: 'api.stripe.example.' },
    ]);
    expectNodata(ask('web.shop.svc.cluster.local', 'CNAME'));
    expectNxdomain(ask('nope.shop.svc.cluster.local', 'CNAME'));
  });

  it('gives NXDOMAIN below an ExternalName name', () => {
    expectNxdomain(ask('x.payments.shop.svc.cluster.local', 'A'));
  });

  it('stops on a CNAME loop between two ExternalName Services', () => {
    const view: ClusterDnsView = {
      services: [
        externalNameService('shop', 'ping', 'pong.shop.svc.cluster.local'),
        externalNameService('shop', 'pong', 'ping.shop.svc.cluster.local'),
      ],
      endpointSlices: [],
    };
    expectNodata(ask('ping.shop.svc.cluster.local', 'A', {}, view));
  });
});

describe('answerQuery: PTR (spec 2.3.3, 2.4.3)', () => {
  it('names the Service of a ClusterIP, IPv4 and IPv6', () => {
    expect(ask('1.0.96.10.in-addr.arpa', 'PTR').answer).toEqual([
      { name: '1.0.96.10.in-addr.arpa.', type: 'PTR', ttl: 5, data: 'kubernetes.default.svc.cluster.local.' },
    ]);
    expect(data(ask(reverseName('fd00:10:96::30') as string, 'PTR'))).toEqual([
      'dual.shop.svc.cluster.local.',
    ]);
  });

  it('names each ready endpoint address <hostname>.<svc>.<ns>.svc (headless or not, as CoreDNS)', () => {
    expect(data(ask('10.1.244.10.in-addr.arpa', 'PTR'))).toEqual(['db-0.db.data.svc.cluster.local.']);
    expect(data(ask('13.3.244.10.in-addr.arpa', 'PTR'))).toEqual(['10-244-3-13.db.data.svc.cluster.local.']);
    expect(data(ask('5.1.244.10.in-addr.arpa', 'PTR'))).toEqual(['10-244-1-5.web.shop.svc.cluster.local.']);
    expect(data(ask(reverseName('fd00:10:244:1::10') as string, 'PTR'))).toEqual([
      'db6-0.db6.data.svc.cluster.local.',
    ]);
  });

  it('sends what the cluster does not know upstream (fallthrough): not-ready endpoints, pod IPs', () => {
    const notReadyEndpoint = ask('12.3.244.10.in-addr.arpa', 'PTR');
    expect(notReadyEndpoint.rcode).toBe('NXDOMAIN');
    expect(notReadyEndpoint.authority[0]?.name).toBe('.');
    // CoreDNS has no PTR for bare pod IPs, whatever the pods mode.
    expect(ask('7.2.244.10.in-addr.arpa', 'PTR', { podsMode: 'insecure' }).authority[0]?.name).toBe('.');
    expect(data(ask('10.113.0.203.in-addr.arpa', 'PTR'))).toEqual(['api.example.com.']);
    expect(ask('96.10.in-addr.arpa', 'PTR').authority[0]?.name).toBe('.');
  });

  it('keeps NODATA at the reverse apex and asks upstream for everything with reverseZones: false', () => {
    const apex = ask('in-addr.arpa', 'PTR');
    expect(apex.rcode).toBe('NOERROR');
    expect(apex.authority[0]?.data).toBe('ns.dns.in-addr.arpa. hostmaster.in-addr.arpa. 0 7200 1800 86400 5');
    expect(ask('1.0.96.10.in-addr.arpa', 'PTR', { reverseZones: false }).rcode).toBe('NXDOMAIN');
  });

  it('answers PTR for a forward name with NODATA or NXDOMAIN', () => {
    expectNodata(ask('web.shop.svc.cluster.local', 'PTR'));
    expectNxdomain(ask('nope.shop.svc.cluster.local', 'PTR'));
  });
});

describe('answerQuery: pod records per pods mode', () => {
  it('disabled (the default): NXDOMAIN for every pod name, even a namespace', () => {
    expectNxdomain(ask('10-244-1-5.shop.pod.cluster.local', 'A'));
    expectNxdomain(ask('shop.pod.cluster.local', 'A'));
    expectNodata(ask('pod.cluster.local', 'A'));
  });

  it('insecure: any well-formed address in an existing namespace', () => {
    const insecure = { podsMode: 'insecure' } as const;
    expect(ask('1-2-3-4.shop.pod.cluster.local', 'A', insecure).answer).toEqual([
      a('1-2-3-4.shop.pod.cluster.local.', '1.2.3.4'),
    ]);
    expect(data(ask('fd00--1.shop.pod.cluster.local', 'AAAA', insecure))).toEqual(['fd00::1']);
    expectNodata(ask('fd00--1.shop.pod.cluster.local', 'A', insecure));
    expectNxdomain(ask('1-2-3-4.nowhere.pod.cluster.local', 'A', insecure));
    expectNxdomain(ask('1-2-3-256.shop.pod.cluster.local', 'A', insecure));
    expectNxdomain(ask('01-2-3-4.shop.pod.cluster.local', 'A', insecure));
    expectNxdomain(ask('web-abc.shop.pod.cluster.local', 'A', insecure));
    expectNodata(ask('shop.pod.cluster.local', 'A', insecure));
  });

  it('verified: only the IP of a live pod in that namespace', () => {
    const verified = { podsMode: 'verified' } as const;
    expect(data(ask('10-244-1-5.shop.pod.cluster.local', 'A', verified))).toEqual(['10.244.1.5']);
    expect(data(ask('10-244-2-7.shop.pod.cluster.local', 'A', verified))).toEqual(['10.244.2.7']);
    expect(data(ask('fd00-10-244-1--99.shop.pod.cluster.local', 'AAAA', verified))).toEqual([
      'fd00:10:244:1::99',
    ]);
    expectNxdomain(ask('10-244-1-5.data.pod.cluster.local', 'A', verified));
    expectNxdomain(ask('10-244-2-6.shop.pod.cluster.local', 'A', verified)); // terminating
    expectNxdomain(ask('1-2-3-4.shop.pod.cluster.local', 'A', verified));
  });
});

describe('answerQuery: dns-version, SOA and NS', () => {
  it('answers dns-version.<zone> TXT "1.1.0" with CoreDNS TTL 28800', () => {
    expect(ask('dns-version.cluster.local', 'TXT').answer).toEqual([
      { name: 'dns-version.cluster.local.', type: 'TXT', ttl: 28800, data: '"1.1.0"' },
    ]);
    expect(data(ask('DNS-Version.Cluster.Local.', 'TXT'))).toEqual(['"1.1.0"']);
  });

  it('answers other TXT questions NODATA only when the name has records (a CoreDNS quirk)', () => {
    expectNodata(ask('web.shop.svc.cluster.local', 'TXT'));
    expectNxdomain(ask('shop.svc.cluster.local', 'TXT'));
    expectNxdomain(ask('empty.data.svc.cluster.local', 'TXT'));
    expectNxdomain(ask('dns-version.cluster.local', 'A'));
  });

  it('answers SOA at the apex with the serial given; other names get NODATA', () => {
    expect(ask('cluster.local', 'SOA', { serial: 1700000000 }).answer).toEqual([
      {
        name: 'cluster.local.',
        type: 'SOA',
        ttl: 5,
        data: 'ns.dns.cluster.local. hostmaster.cluster.local. 1700000000 7200 1800 86400 5',
      },
    ]);
    expectNodata(ask('web.shop.svc.cluster.local', 'SOA'));
    expectNodata(ask('nope.shop.svc.cluster.local', 'SOA'));
  });

  it('answers NS at the apex with the Service its own address is an endpoint of', () => {
    const response = ask('cluster.local', 'NS', { nameserverIPs: ['10.244.0.2'] });
    expect(response.answer).toEqual([
      { name: 'cluster.local.', type: 'NS', ttl: 5, data: 'kube-dns.kube-system.svc.cluster.local.' },
    ]);
    expect(response.additional).toEqual([a('kube-dns.kube-system.svc.cluster.local.', '10.96.0.10')]);
  });

  it('falls back to ns.dns.<zone> with its own addresses, which also answer A', () => {
    const options = { nameserverIPs: ['10.244.9.9', 'fd00::53'] };
    const response = ask('cluster.local', 'NS', options);
    expect(response.answer).toEqual([
      { name: 'cluster.local.', type: 'NS', ttl: 5, data: 'ns.dns.cluster.local.' },
    ]);
    expect(response.additional).toEqual([
      a('ns.dns.cluster.local.', '10.244.9.9'),
      a('ns.dns.cluster.local.', 'fd00::53'),
    ]);
    expect(data(ask('ns.dns.cluster.local', 'A', options))).toEqual(['10.244.9.9']);
    expect(data(ask('ns.dns.cluster.local', 'AAAA', options))).toEqual(['fd00::53']);
    expectNodata(ask('ns.dns.cluster.local', 'SRV', options));
  });
});

describe('answerQuery: negative answers and case', () => {
  it('puts the zone SOA in authority with the plugin TTL as minimum and min(ttl, 300) as its TTL', () => {
    expect(ask('nope.shop.svc.cluster.local', 'A', { ttl: 30 }).authority).toEqual([
      {
        name: 'cluster.local.',
        type: 'SOA',
        ttl: 30,
        data: 'ns.dns.cluster.local. hostmaster.cluster.local. 0 7200 1800 86400 30',
      },
    ]);
    expect(ask('web.shop.svc.cluster.local', 'AAAA', { ttl: 600 }).authority[0]).toMatchObject({
      ttl: 300,
      data: 'ns.dns.cluster.local. hostmaster.cluster.local. 0 7200 1800 86400 600',
    });
    expect(ask('web.shop.svc.cluster.local', 'A', { ttl: 30 }).answer[0]?.ttl).toBe(30);
  });

  it('matches case-insensitively and answers in the question case (SOA and SRV targets too)', () => {
    expect(ask('WEB.Shop.SVC.Cluster.Local', 'A').answer).toEqual([
      a('WEB.Shop.SVC.Cluster.Local.', '10.96.0.20'),
    ]);
    expect(ask('Nope.Shop.svc.Cluster.Local', 'A').authority[0]).toMatchObject({
      name: 'Cluster.Local.',
      data: 'ns.dns.Cluster.Local. hostmaster.Cluster.Local. 0 7200 1800 86400 5',
    });
    expect(data(ask('_HTTPS._TCP.Kubernetes.Default.SVC.CLUSTER.LOCAL', 'SRV'))).toEqual([
      '0 100 443 kubernetes.default.svc.CLUSTER.LOCAL.',
    ]);
    expect(data(ask('DB-0.DB.Data.svc.cluster.local', 'A'))).toEqual(['10.244.1.10']);
  });

  it('serves another cluster domain', () => {
    expect(data(ask('web.shop.svc.corp.internal', 'A', { zone: 'corp.internal' }))).toEqual(['10.96.0.20']);
    expect(ask('web.shop.svc.cluster.local', 'A', { zone: 'corp.internal' }).rcode).toBe('NXDOMAIN');
  });
});

describe('answerQuery: upstream', () => {
  it('forwards names outside the zone and returns upstream answers as they are', () => {
    expect(ask('api.example.com', 'A').answer).toEqual([a('api.example.com.', '203.0.113.10', 300)]);
    expect(ask('nope.example.com', 'A').rcode).toBe('NXDOMAIN');
  });

  it('gives SERVFAIL for names outside the zone when there is no upstream', () => {
    const response = answerQuery(buildDnsZone(VIEW), { name: 'api.example.com', type: 'A' });
    expect(response).toEqual({
      question: { name: 'api.example.com.', type: 'A' },
      rcode: 'SERVFAIL',
      answer: [],
      authority: [],
      additional: [],
    });
  });
});

// ---------------------------------------------------------------------------------------------
// Property: whatever the cluster, positive answers say what the state says.

interface GeneratedCluster {
  readonly view: ClusterDnsView;
  readonly services: readonly DnsService[];
}

const NAMESPACES = ['a', 'b', 'c'];
const NAMES = ['s0', 's1', 's2', 's3', 's4'];
const HOSTNAMES = ['h0', 'h1', 'h2'];

const clusterArbitrary: fc.Arbitrary<GeneratedCluster> = fc
  .array(
    fc.record({
      namespace: fc.constantFrom(...NAMESPACES),
      name: fc.constantFrom(...NAMES),
      kind: fc.constantFrom('ClusterIP', 'Headless', 'ExternalName'),
      namedPort: fc.boolean(),
      slices: fc.array(
        fc.array(
          fc.record({
            ready: fc.boolean(),
            hostname: fc.option(fc.constantFrom(...HOSTNAMES), { nil: undefined }),
          }),
          {
            maxLength: 4,
          },
        ),
        { maxLength: 2 },
      ),
    }),
    { minLength: 2, maxLength: 12 },
  )
  .map((specs) => {
    const services: DnsService[] = [];
    const endpointSlices: DnsEndpointSlice[] = [];
    const seen = new Set<string>();
    let ip = 0;
    specs.forEach((spec, index) => {
      const key = `${spec.namespace}/${spec.name}`;
      if (seen.has(key)) return;
      seen.add(key);
      const ports = spec.namedPort ? [{ name: 'http', protocol: 'TCP' as const, port: 80 }] : [];
      const service =
        spec.kind === 'ExternalName'
          ? externalNameService(spec.namespace, spec.name, `ext${index}.example.com`)
          : spec.kind === 'Headless'
            ? headlessService(spec.namespace, spec.name, ports)
            : clusterIpService(spec.namespace, spec.name, [`10.96.0.${index + 1}`], ports);
      services.push(service);
      spec.slices.forEach((endpoints, sliceIndex) => {
        endpointSlices.push(
          slice(
            spec.namespace,
            spec.name,
            `${spec.name}-${sliceIndex}`,
            endpoints.map((endpoint) => {
              ip++;
              const address = `10.244.0.${ip}`;
              return endpoint.ready
                ? ready(address, endpoint.hostname)
                : notReady(address, endpoint.hostname);
            }),
          ),
        );
      });
    });
    return { view: { namespaces: NAMESPACES, services, endpointSlices }, services };
  });

function readyAddresses(view: ClusterDnsView, service: DnsService): string[] {
  return view.endpointSlices
    .filter((s) => s.namespace === service.namespace && s.serviceName === service.name)
    .flatMap((s) =>
      s.endpoints.filter((endpoint) => endpoint.ready).flatMap((endpoint) => endpoint.addresses),
    );
}

describe('answerQuery: properties', () => {
  it('answers every Service name with exactly its ClusterIP, its ready endpoints, or its CNAME (seed 4101)', () => {
    fc.assert(
      fc.property(clusterArbitrary, ({ view, services }) => {
        const zone = buildDnsZone(view);
        for (const service of services) {
          const response = answerQuery(zone, {
            name: `${service.name}.${service.namespace}.svc.cluster.local`,
            type: 'A',
          });
          if (service.type === 'ExternalName') {
            expect(response.answer[0]).toMatchObject({ type: 'CNAME', data: `${service.externalName}.` });
          } else if (!service.headless) {
            expect(data(response)).toEqual(service.clusterIPs);
          } else {
            const expected = [...new Set(readyAddresses(view, service))];
            if (expected.length === 0) expect(response.rcode).toBe('NXDOMAIN');
            else expect(data(response).sort()).toEqual(expected.sort());
          }
        }
      }),
      { seed: 4101, numRuns: 300 },
    );
  });

  it('never answers an address a Service does not have, for any name built from cluster labels (seed 4102)', () => {
    const dashed = Array.from({ length: 6 }, (_, i) => `10-244-0-${i + 1}`);
    const label = fc.constantFrom(
      ...NAMESPACES,
      ...NAMES,
      ...HOSTNAMES,
      ...dashed,
      'svc',
      'pod',
      '_http',
      '_tcp',
      'x',
    );
    // Mostly names shaped like [<endpoint>. | _<port>._<proto>.]<svc>.<ns>.svc, so that many answer.
    const prefix = fc.oneof(
      fc.constant([]),
      fc.constantFrom(...HOSTNAMES, ...dashed).map((endpoint) => [endpoint]),
      fc.tuple(fc.constantFrom('_http', 'http', '_x'), fc.constantFrom('_tcp', 'tcp', '_udp')),
      fc.array(label, { maxLength: 3 }),
    );
    const name = fc.oneof(
      {
        weight: 4,
        arbitrary: fc
          .tuple(
            prefix,
            fc.constantFrom(...NAMES),
            fc.constantFrom(...NAMESPACES),
            fc.constantFrom('svc', 'pod'),
          )
          .map(([start, service, namespace, kind]) => [...start, service, namespace, kind]),
      },
      { weight: 1, arbitrary: fc.array(label, { minLength: 1, maxLength: 6 }) },
    );
    let positives = 0;
    let deep = 0;
    fc.assert(
      fc.property(
        clusterArbitrary,
        fc.array(name, { minLength: 30, maxLength: 60 }),
        ({ view, services }, names) => {
          const zone = buildDnsZone(view);
          for (const labels of names) {
            const response = answerQuery(zone, { name: `${labels.join('.')}.cluster.local.`, type: 'A' });
            const addresses = response.answer.filter((record) => record.type === 'A');
            if (addresses.length === 0) continue;
            positives++;
            if (labels.length > 3) deep++;
            // A positive answer names [<endpoint>. | _<port>._<proto>.]<svc>.<ns>.svc: its addresses
            // are that Service's ClusterIP (no endpoint label) or its ready endpoints.
            expect(labels[labels.length - 1]).toBe('svc');
            const [serviceName, namespace] = [labels[labels.length - 3], labels[labels.length - 2]];
            const service = services.find((s) => s.name === serviceName && s.namespace === namespace);
            expect(service).toBeDefined();
            if (service === undefined) continue;
            const endpointLabel = labels.length === 4;
            const allowed =
              !service.headless && !endpointLabel ? service.clusterIPs : readyAddresses(view, service);
            for (const record of addresses) expect(allowed).toContain(record.data);
          }
        },
      ),
      { seed: 4102, numRuns: 200 },
    );
    // Guard against a vacuous property: plenty of names answer, endpoint and SRV-shaped ones too.
    expect(positives).toBeGreaterThan(250);
    expect(deep).toBeGreaterThan(60);
  });

  it('does not depend on the order of Services and slices in the view (seed 4103)', () => {
    fc.assert(
      fc.property(clusterArbitrary, fc.integer(), ({ view, services }, salt) => {
        const shuffled: ClusterDnsView = {
          ...view,
          services: [...view.services].reverse(),
          endpointSlices: [...view.endpointSlices].sort(
            (x, y) => ((x.name.length + salt) % 3) - ((y.name.length + salt) % 3),
          ),
        };
        const one = buildDnsZone(view);
        const two = buildDnsZone(shuffled);
        for (const service of services) {
          for (const type of ['A', 'SRV'] as const) {
            const question = { name: `${service.name}.${service.namespace}.svc.cluster.local`, type };
            expect(answerQuery(two, question)).toEqual(answerQuery(one, question));
          }
        }
      }),
      { seed: 4103, numRuns: 200 },
    );
  });

  it('looks up one Service among 20,000 by hash, not by scanning', () => {
    const services = Array.from({ length: 20_000 }, (_, i) =>
      clusterIpService(`ns${i % 100}`, `svc${i}`, [`10.${96 + (i >> 16)}.${(i >> 8) & 255}.${i & 255}`]),
    );
    const zone = buildDnsZone({ services, endpointSlices: [] });
    expect(zone.serviceCount).toBe(20_000);
    expect(data(answerQuery(zone, { name: 'svc12345.ns45.svc.cluster.local', type: 'A' }))).toEqual([
      '10.96.48.57',
    ]);
    expect(answerQuery(zone, { name: 'svc12345.ns46.svc.cluster.local', type: 'A' }).rcode).toBe('NXDOMAIN');
  });
});

describe('answerQuery: query types it has no records of', () => {
  it('answers them by existence, as CoreDNS does for MX and friends', () => {
    expectNodata(ask('web.shop.svc.cluster.local', 'MX' as DnsQueryType));
    expectNxdomain(ask('nope.shop.svc.cluster.local', 'MX' as DnsQueryType));
  });
});
